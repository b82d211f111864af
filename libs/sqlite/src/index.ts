export { makePrivateFolder, openSqliteFile, type SqliteFileOptions } from './open-sqlite-file';
