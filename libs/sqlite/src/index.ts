export { openSqliteFile, type SqliteFileOptions } from './open-sqlite-file';
