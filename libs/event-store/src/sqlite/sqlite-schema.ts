import type Database from 'better-sqlite3';

/** Bumped with every change to the tables below; a newer file refuses to open with older code. */
export const SCHEMA_VERSION = 1;

const SCHEMA_V1 = `
  CREATE TABLE IF NOT EXISTS events (
    position  INTEGER PRIMARY KEY AUTOINCREMENT,
    id        TEXT    NOT NULL UNIQUE,
    stream_id TEXT    NOT NULL,
    revision  INTEGER NOT NULL,
    type      TEXT    NOT NULL,
    data      TEXT    NOT NULL,
    metadata  TEXT    NOT NULL,
    at        TEXT    NOT NULL,
    prev_hash TEXT    NOT NULL,
    hash      TEXT    NOT NULL,
    UNIQUE (stream_id, revision)
  );
  -- The current revision of each stream: one primary-key probe per expected-revision check or
  -- guard, and the list of streams for the chain verifier. Kept apart from events so that an
  -- event deleted off the end of a stream shows up as a truncated chain.
  CREATE TABLE IF NOT EXISTS streams (
    stream_id TEXT    NOT NULL PRIMARY KEY,
    revision  INTEGER NOT NULL
  ) WITHOUT ROWID;
`;

/**
 * Creates the schema idempotently. Runs in an IMMEDIATE transaction so that processes opening the
 * same new file at once queue on the write lock instead of racing on CREATE.
 */
export function migrate(db: Database.Database): void {
  db.transaction(() => {
    const version = db.pragma('user_version', { simple: true }) as number;
    if (version > SCHEMA_VERSION) {
      throw new Error(`event store schema version ${version} is newer than this code (${SCHEMA_VERSION})`);
    }
    if (version < 1) {
      db.exec(SCHEMA_V1);
      db.pragma(`user_version = ${SCHEMA_VERSION}`);
    }
  }).immediate();
}
