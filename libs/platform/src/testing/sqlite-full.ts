import Database from 'better-sqlite3';

/** What SQLite itself throws when a write finds no room: here a file held to a few pages (as a full disk gives, SQLITE_FULL). */
export function sqliteFullError(): unknown {
  const db = new Database(':memory:');
  try {
    db.exec('CREATE TABLE t (x BLOB)');
    db.pragma('max_page_count = 4');
    const insert = db.prepare('INSERT INTO t VALUES (zeroblob(4096))');
    for (let i = 0; i < 100; i += 1) insert.run();
    return new Error('SQLite took every row');
  } catch (error: unknown) {
    return error;
  } finally {
    db.close();
  }
}
