/** Test helpers and fixtures for @jx/rules; not part of the build (tsconfig.build excludes testing/). */
export * from './jx-2023-trial-health-test.rule-set';
export * from './person-year.builder';
