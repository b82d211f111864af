/**
 * Opening an embedded SQLite file the way every store here does: WAL, a busy timeout, and the
 * synchronous level asked for. Imports nothing of ours: only better-sqlite3.
 */
import Database from 'better-sqlite3';
import { closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

export interface SqliteFileOptions {
  /** How long a connection waits for another one's lock (ms); 5,000 by default. */
  busyTimeoutMs?: number;
  /** `NORMAL` by default: a killed process loses nothing (its bytes are in the OS). */
  synchronous?: 'OFF' | 'NORMAL' | 'FULL' | 'EXTRA';
  /** Told each time the switch to WAL was refused as busy, before the pause and the next try. */
  onBusy?: () => void;
}

const SYNCHRONOUS = ['OFF', 'NORMAL', 'FULL', 'EXTRA'];

const pause = new Int32Array(new SharedArrayBuffer(4));

/**
 * Opens (creating) the file in WAL mode. Switching a new file to WAL needs it alone, and SQLite
 * answers SQLITE_BUSY at once, without waiting out the busy timeout, when another connection is
 * writing to it meanwhile (it would be a deadlock otherwise): two processes opening one new file
 * together failed so, about one start in six here. The switch is tried again for as long as the
 * busy timeout, with short pauses (it happens once per file, at open).
 */
export function openSqliteFile(file: string, options: SqliteFileOptions = {}): Database.Database {
  const timeout = options.busyTimeoutMs ?? 5000;
  const synchronous = options.synchronous ?? 'NORMAL';
  // Interpolated into a PRAGMA below, and it may come from configuration: accept only the modes.
  if (!SYNCHRONOUS.includes(synchronous)) throw new RangeError(`synchronous must be one of ${SYNCHRONOUS.join(', ')}`);
  // Created readable and writable by this user only, before SQLite opens it: SQLite gives its -wal
  // and -shm files the database file's mode. They hold personal data. An existing file keeps its mode.
  if (file !== ':memory:' && file !== '') createPrivately(file);
  const db = new Database(file, { timeout });
  try {
    const deadline = performance.now() + timeout;
    for (;;) {
      try {
        db.pragma('journal_mode = WAL');
        break;
      } catch (error: unknown) {
        // SQLITE_BUSY and its extended codes (SQLITE_BUSY_RECOVERY, …).
        const busy = String((error as { code?: unknown }).code).startsWith('SQLITE_BUSY');
        if (!busy || performance.now() >= deadline) throw error;
        options.onBusy?.();
        Atomics.wait(pause, 0, 0, 5 + Math.random() * 20);
      }
    }
    db.pragma(`synchronous = ${synchronous}`);
    return db;
  } catch (error: unknown) {
    db.close();
    throw error;
  }
}

/** Creates an empty file (an empty SQLite database) with mode 0600, unless it exists. */
function createPrivately(file: string): void {
  try {
    closeSync(openSync(file, 'wx', 0o600));
  } catch (error: unknown) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
}

/**
 * Creates a data folder readable by this process's user only (its missing parents take the umask's
 * mode, as any folder would: they may be shared). A folder that exists keeps the mode its operator
 * gave it; the files the stores create in it are 0600 in any case (openSqliteFile).
 */
export function makePrivateFolder(dir: string): void {
  const target = resolve(dir);
  const missing: string[] = [];
  for (let d = target; !existsSync(d) && dirname(d) !== d; d = dirname(d)) missing.push(d);
  // Top down, one level at a time: Node's recursive mkdir spins for ever where mkdir answers
  // ENOENT for a parent that exists (under /proc); here that ENOENT is the answer.
  for (const d of missing.reverse()) {
    try {
      mkdirSync(d, d === target ? { mode: 0o700 } : {});
    } catch (error: unknown) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
}
