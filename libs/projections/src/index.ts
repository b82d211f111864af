/** @jx/projections: the read models (inboxes, compliance report, institution index), their projector and runner. */
export * from './read-model.port';
export { encodeCursor, decodeCursor } from './cursor';
export { regionRange } from './region-scope';
export { projectCreditYear, type RuleSets } from './credit-year.projection';
export { projectUnit } from './unit.projection';
export { DamagedStreamError, Projector, READ_MODELS_CHECKPOINT } from './projector';
export { ProjectionRunner, type ProjectionRunnerOptions, type RebuildProgress } from './projection-runner';
export {
  SqliteReadModelStore,
  openSqliteReadModelStore,
  type SqliteReadModelOptions,
} from './sqlite/sqlite-read-model.adapter';
export { READ_MODEL_TABLES, type ReadModelTable } from './sqlite/sqlite-read-model.schema';
export {
  PostgresReadModelStore,
  openPostgresReadModelStore,
  type PostgresReadModelOptions,
} from './postgres/postgres-read-model.adapter';
