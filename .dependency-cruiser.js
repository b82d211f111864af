/**
 * Arrows point inwards only (ARCHITECTURE.md): rules ← domain ← event-store, projections, jobs
 * ← application ← platform ← apps; rules ← config (RULE_SETS_FILE is read with the configuration);
 * postgres (shared PostgreSQL helpers) ← event-store, projections;
 * sqlite (opening an embedded SQLite file) ← event-store, projections, jobs.
 * The build refuses the reverse.
 */
const lib = (name) => `^libs/${name}/`;
/** Specs and test fixtures may use test tools (fast-check, jest). */
const TESTS = '(\\.spec\\.ts$|/testing/)';
const ours = ['rules', 'domain', 'event-store', 'projections', 'jobs', 'config', 'application', 'platform', 'postgres', 'sqlite'];
const only = (name, allowed) => ({
  name: `${name}-imports-only-${allowed.join('-') || 'itself'}`,
  severity: 'error',
  from: { path: lib(name) },
  to: { path: [...ours.filter((o) => o !== name && !allowed.includes(o)).map(lib), '^apps/'] },
});
module.exports = {
  forbidden: [
    {
      name: 'rules-is-pure',
      comment: 'libs/rules imports nothing but its own files and zod: no framework, driver or clock',
      severity: 'error',
      from: { path: lib('rules'), pathNot: TESTS },
      to: { pathNot: [lib('rules'), '^node_modules/zod/'] },
    },
    {
      name: 'domain-is-pure',
      comment: 'libs/domain imports only libs/rules: no @nestjs, no driver, no clock',
      severity: 'error',
      from: { path: lib('domain'), pathNot: TESTS },
      to: { pathNot: [lib('domain'), lib('rules'), '^node_modules/zod/'] },
    },
    only('postgres', []),
    only('sqlite', []),
    only('event-store', ['postgres', 'sqlite']),
    only('jobs', ['sqlite']),
    only('config', ['rules']),
    only('projections', ['rules', 'domain', 'event-store', 'postgres', 'sqlite']),
    only('application', ['rules', 'domain', 'event-store', 'jobs']),
    only('platform', ['rules', 'domain', 'event-store', 'jobs', 'projections', 'config', 'application']),
    { name: 'no-circular', severity: 'error', from: {}, to: { circular: true } },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)dist/' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
  },
};
