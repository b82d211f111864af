/** Arrows point inwards only: rules <- domain <- event-store, projections, jobs <- apps (ARCHITECTURE.md). */
const lib = (name) => `^libs/${name}/`;
module.exports = {
  forbidden: [
    {
      name: 'rules-is-pure',
      comment: 'libs/rules imports nothing but TypeScript and zod (no framework, driver or clock)',
      severity: 'error',
      from: { path: lib('rules') },
      to: { pathNot: [lib('rules'), '^node_modules/zod/'] },
    },
    {
      name: 'domain-is-pure',
      comment: 'libs/domain depends only on libs/rules',
      severity: 'error',
      from: { path: lib('domain') },
      to: { pathNot: [lib('domain'), lib('rules'), '^node_modules/zod/'] },
    },
    {
      name: 'libs-never-import-apps',
      severity: 'error',
      from: { path: '^libs/' },
      to: { path: '^apps/' },
    },
    {
      name: 'inner-libs-never-import-outer',
      comment: 'event-store, projections, jobs and config never reach back into each other or outward except as declared',
      severity: 'error',
      from: { path: [lib('rules'), lib('domain'), lib('config')] },
      to: { path: [lib('event-store'), lib('projections'), lib('jobs')] },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(dist|node_modules)/' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
  },
};
