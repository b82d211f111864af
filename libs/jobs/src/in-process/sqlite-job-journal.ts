/**
 * Where the in-process queue keeps its job records (the embedded default: `DATA_DIR/jobs.sqlite`),
 * so that an accepted job outlives a restart: jobs that had not finished run again when the
 * process starts (processors are idempotent), and finished ones still answer `getJob`. One row per
 * job, its record as JSON, in enqueue order.
 */
import { dirname } from 'node:path';
import type Database from 'better-sqlite3';
import { makePrivateFolder, openSqliteFile } from '@jx/sqlite';
import type { JobState } from '../job-queue.port';

/** A job as the in-process queue holds it. */
export interface JobRecord {
  id: string;
  name: string;
  data: Record<string, unknown>;
  state: JobState;
  progress: { done: number; total: number };
  attemptsMade: number;
  attempts: number;
  result?: unknown;
  error?: string;
  /** Its place among finished jobs, across restarts: restored in this order, the oldest forgotten first. */
  finishedSeq?: number;
}

export interface JobJournal {
  /** Every kept record, in the order the jobs were first enqueued. */
  load(): JobRecord[];
  /**
   * Writes a new job's record unless its id is taken (by another process on the same file, for
   * instance): then leaves the file as it is and returns the record stored under that id.
   */
  insert(record: JobRecord): JobRecord | undefined;
  /** Writes the record as it is now (an upsert: a job keeps its place in the order). */
  save(record: JobRecord): void;
  remove(id: string): void;
  close(): void;
}

export class SqliteJobJournal implements JobJournal {
  private readonly db: Database.Database;
  private readonly statements;

  constructor(file: string) {
    // NORMAL: a killed process loses nothing (the bytes are in the OS); an OS crash may lose the
    // last writes, as for the event store's embedded default.
    this.db = openSqliteFile(file, { synchronous: 'NORMAL' });
    this.db.exec('CREATE TABLE IF NOT EXISTS jobs (seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, record TEXT NOT NULL)');
    this.statements = {
      load: this.db.prepare<[], string>('SELECT record FROM jobs ORDER BY seq').pluck(),
      insert: this.db.prepare<[string, string]>('INSERT INTO jobs (id, record) VALUES (?, ?) ON CONFLICT (id) DO NOTHING'),
      get: this.db.prepare<[string], string>('SELECT record FROM jobs WHERE id = ?').pluck(),
      save: this.db.prepare<[string, string]>('INSERT INTO jobs (id, record) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET record = excluded.record'),
      remove: this.db.prepare<[string]>('DELETE FROM jobs WHERE id = ?'),
    };
  }

  load(): JobRecord[] {
    return this.statements.load.all().map((text) => JSON.parse(text) as JobRecord);
  }

  insert(record: JobRecord): JobRecord | undefined {
    if (this.statements.insert.run(record.id, JSON.stringify(record)).changes === 1) return undefined;
    const stored = this.statements.get.get(record.id);
    return stored === undefined ? undefined : (JSON.parse(stored) as JobRecord);
  }

  save(record: JobRecord): void {
    this.statements.save.run(record.id, JSON.stringify(record));
  }

  remove(id: string): void {
    this.statements.remove.run(id);
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}

/** Opens (creating its directory and table if needed) the journal in `file`. */
export function openSqliteJobJournal(file: string): SqliteJobJournal {
  makePrivateFolder(dirname(file));
  return new SqliteJobJournal(file);
}
