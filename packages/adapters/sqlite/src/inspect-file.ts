import { closeSync, openSync, readSync, statSync, accessSync, constants as fsConstants } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { SqliteStoreError, describeSqliteFailure } from './errors.js';
import { EVENT_LOG_COMPONENT, assertSchemaNotNewer, eventLogMigrations } from './schema/migrations.js';

const SQLITE_HEADER = Buffer.from('SQLite format 3\0', 'latin1');

/**
 * Checks an existing file before SQLite touches it: it must start with the
 * SQLite header, be writable unless read-only was asked, and not carry a newer
 * schema (looked at through a read-only connection, which cannot change it).
 */
export const inspectFile = (file: string, readonly: boolean, busyTimeoutMs: number): void => {
  let size: number;
  try {
    const stats = statSync(file);
    if (!stats.isFile()) throw new SqliteStoreError('cannot-open', file, `${file} is not a file`);
    size = stats.size;
  } catch (error) {
    if (error instanceof SqliteStoreError) throw error;
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      if (readonly) throw new SqliteStoreError('cannot-open', file, `${file} does not exist (it was to be opened read-only, so it is not created)`, error);
      let directory: ReturnType<typeof statSync> | undefined;
      try {
        directory = statSync(dirname(file));
      } catch {
        directory = undefined;
      }
      if (!directory?.isDirectory()) {
        throw new SqliteStoreError('cannot-open', file, `${file} cannot be created: the directory ${dirname(file)} does not exist`, error);
      }
      return;
    }
    throw new SqliteStoreError('cannot-open', file, `${file} cannot be examined: ${(error as Error).message}`, error);
  }
  if (size > 0) {
    const header = Buffer.alloc(SQLITE_HEADER.length);
    let read = 0;
    try {
      const fd = openSync(file, 'r');
      try {
        read = readSync(fd, header, 0, header.length, 0);
      } finally {
        closeSync(fd);
      }
    } catch (error) {
      throw new SqliteStoreError('cannot-open', file, `${file} cannot be read: ${(error as Error).message}`, error);
    }
    if (read < header.length || !header.equals(SQLITE_HEADER)) {
      throw new SqliteStoreError('not-a-database', file, `${file} is not a SQLite database (it does not start with the SQLite header); it was not changed`);
    }
  }
  if (!readonly) {
    try {
      accessSync(file, fsConstants.W_OK);
    } catch (error) {
      throw new SqliteStoreError(
        'read-only',
        file,
        `${file} is read-only (no permission to write it); nothing was written. Open it with readonly: true to read it, or make it writable`,
        error,
      );
    }
  }
  if (size > 0 && !readonly) {
    let probe: Database.Database | undefined;
    try {
      probe = new Database(file, { readonly: true, fileMustExist: true, timeout: busyTimeoutMs });
      assertSchemaNotNewer(probe, file, EVENT_LOG_COMPONENT, eventLogMigrations);
    } catch (error) {
      throw describeSqliteFailure(error, file, { action: 'opening it', busyTimeoutMs, wroteNothing: false });
    } finally {
      probe?.close();
    }
  }
};
