import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { makePrivateFolder, openSqliteFile } from './open-sqlite-file';

/**
 * Another connection (a thread of its own, as another process would be) writing to a new file:
 * it holds SQLite's RESERVED lock, uncommitted, until told to commit (`release`). The word goes
 * through shared memory, so it arrives even while this thread is blocked inside SQLite.
 */
async function writerHolding(file: string): Promise<{ release: () => void; released: Promise<void> }> {
  const flag = new Int32Array(new SharedArrayBuffer(4));
  const worker = new Worker(
    `const { parentPort, workerData } = require('node:worker_threads');
     const Database = require('better-sqlite3');
     const db = new Database(workerData.file);
     db.exec('CREATE TABLE t (x)');
     db.exec('BEGIN IMMEDIATE');
     db.exec('INSERT INTO t VALUES (1)');
     parentPort.postMessage('holding');
     Atomics.wait(workerData.flag, 0, 0);
     db.exec('COMMIT');
     db.close();
     parentPort.postMessage('released');`,
    { eval: true, workerData: { file, flag } },
  );
  const message = (wanted: string) => new Promise<void>((resolve, reject) => {
    worker.on('message', (m) => m === wanted && resolve());
    worker.once('error', reject);
  });
  const released = message('released').then(() => worker.terminate()).then(() => undefined);
  await message('holding');
  const release = () => {
    Atomics.store(flag, 0, 1);
    Atomics.notify(flag, 0);
  };
  return { release, released };
}

describe('opening an embedded SQLite file', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'jx-sqlite-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('switching a new file to WAL while another connection writes to it: plain SQLite refuses at once, whatever the busy timeout', async () => {
    const file = join(dir, 'plain.db');
    const { release, released } = await writerHolding(file);
    const db = new Database(file, { timeout: 5000 });
    try {
      expect(() => db.pragma('journal_mode = WAL')).toThrow(expect.objectContaining({ code: 'SQLITE_BUSY' }));
    } finally {
      db.close();
      release();
      await released;
    }
  });

  it('openSqliteFile waits for the writer instead, then opens the file in WAL mode', async () => {
    const file = join(dir, 'store.db');
    const { release, released } = await writerHolding(file);
    let refusals = 0;
    // The writer commits once the switch was refused: the wait is then the only way through.
    const onBusy = (): void => {
      refusals += 1;
      if (refusals === 1) release();
    };
    const db = openSqliteFile(file, { busyTimeoutMs: 5000, onBusy });
    try {
      expect(refusals).toBeGreaterThanOrEqual(1);
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(db.prepare('SELECT x FROM t').pluck().all()).toEqual([1]);
    } finally {
      db.close();
      release();
      await released;
    }
  });

  it('refuses an unknown synchronous level before opening anything', () => {
    expect(() => openSqliteFile(join(dir, 'x.db'), { synchronous: 'SOMETIMES' as 'FULL' })).toThrow(RangeError);
    expect(existsSync(join(dir, 'x.db'))).toBe(false);
  });
});

describe('the data folder and files hold personal data: readable by this user only', () => {
  let root: string;
  let previous: number;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'jx-private-'));
    previous = process.umask(0o022); // files and folders would be world-readable
  });
  afterEach(() => {
    process.umask(previous);
    rmSync(root, { recursive: true, force: true });
  });
  const mode = (path: string) => statSync(path).mode & 0o777;

  it('makePrivateFolder creates the folder 0700, its missing parents as any folder (they may be shared), and leaves an existing one as its operator made it', () => {
    makePrivateFolder(join(root, 'a', 'data'));
    expect([mode(join(root, 'a')), mode(join(root, 'a', 'data'))]).toEqual([0o755, 0o700]);
    mkdirSync(join(root, 'shared'), { mode: 0o750 });
    chmodSync(join(root, 'shared'), 0o750);
    makePrivateFolder(join(root, 'shared'));
    expect(mode(join(root, 'shared'))).toBe(0o750);
  });

  it('makePrivateFolder fails, rather than spin, where mkdir answers ENOENT under a folder that exists (/proc: Node\'s recursive mkdir loops there for ever)', () => {
    expect(() => makePrivateFolder('/proc/jx-no-such/data')).toThrow(expect.objectContaining({ code: 'ENOENT' }));
  });

  it('openSqliteFile creates the database 0600, and SQLite its -wal and -shm files alike; an existing file keeps its mode', () => {
    const file = join(root, 'events.sqlite');
    const db = openSqliteFile(file);
    db.exec('CREATE TABLE t (x); INSERT INTO t VALUES (1)');
    expect([mode(file), mode(`${file}-wal`), mode(`${file}-shm`)]).toEqual([0o600, 0o600, 0o600]);
    db.close();
    const shared = join(root, 'shared.sqlite');
    new Database(shared).close();
    chmodSync(shared, 0o640);
    openSqliteFile(shared).close();
    expect(mode(shared)).toBe(0o640);
  });
});
