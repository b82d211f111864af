/** Jest: unit specs (pure, fast), integration specs (real SQLite/PostgreSQL/Redis) and e2e over HTTP. */
const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2022',
    },
    module: { type: 'commonjs' },
  },
];
const moduleNameMapper = {
  '^@jx/(rules|domain|event-store|projections|jobs|config|application|platform|postgres|sqlite)$': '<rootDir>/libs/$1/src',
  '^@jx/postgres/testing$': '<rootDir>/libs/postgres/src/testing',
};
const esm = ['@swc/jest', { jsc: { target: 'es2022' }, module: { type: 'commonjs' } }];
const base = {
  transform: { '^.+\\.ts$': swc, '^.+/node_modules/.+\\.m?js$': esm },
  transformIgnorePatterns: ['/node_modules/(?!(@nestjs|cookie|light-my-request|jose)/)'],
  moduleNameMapper,
  testEnvironment: 'node',
  setupFiles: ['<rootDir>/test/support/shipped-rules.setup.js'],
};
module.exports = {
  // Room for the deadlines the tests wait on (libs/jobs/src/testing/async-helpers.ts) on a loaded machine.
  testTimeout: 20_000,
  projects: [
    { ...base, displayName: 'unit', testMatch: ['<rootDir>/{apps,libs}/**/*.unit.spec.ts'] },
    { ...base, displayName: 'int', testMatch: ['<rootDir>/{apps,libs,test}/**/*.int.spec.ts'] },
    { ...base, displayName: 'e2e', testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'], globalSetup: '<rootDir>/test/support/global-setup.js', globalTeardown: '<rootDir>/test/support/global-teardown.js' },
    // The suites of the workflow again, on the production stack's stores: PostgreSQL events and read
    // models, BullMQ on Redis (test/support/production-stack.ts).
    {
      ...base,
      displayName: 'e2e-production',
      testMatch: ['workflow', 'queries', 'fraud', 'time-and-make-up', 'concurrency', 'role-scope-matrix', 'rule-sets', 'responses', 'auth', 'fuzz', 'unknown-events', 'replay'].map((name) => `<rootDir>/test/${name}.e2e-spec.ts`),
      setupFiles: [...base.setupFiles, '<rootDir>/test/support/production-stack.setup.js'],
      globalSetup: '<rootDir>/test/support/production-stack.global-setup.js',
      globalTeardown: '<rootDir>/test/support/production-stack.global-teardown.js',
    },
  ],
};
