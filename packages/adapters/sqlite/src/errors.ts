import { StoreUnavailableError } from '@learner-ledger/core';

/** What went wrong with the SQLite file, for programs that react to it (messages are for people). */
export type SqliteFailure =
  | 'busy'
  | 'read-only'
  | 'disk-full'
  | 'io'
  | 'cannot-open'
  | 'not-a-database'
  | 'corrupt'
  | 'schema-too-new'
  | 'schema-outdated'
  | 'incomplete-snapshot'
  | 'closed';

/**
 * A failure of the SQLite store itself. It is a core {@link StoreUnavailableError},
 * so the ledger treats it like any store failure; `reason` and `file` say more.
 * Whatever call raised it wrote nothing: its transaction was rolled back.
 */
export class SqliteStoreError extends StoreUnavailableError {
  constructor(
    readonly reason: SqliteFailure,
    readonly file: string,
    message: string,
    cause?: unknown,
  ) {
    super('sqlite', message, cause);
  }
}

/**
 * The file was written by a newer schema than this version of the package
 * knows. Raised on open, before anything touches the file.
 */
export class SqliteSchemaVersionError extends SqliteStoreError {
  constructor(
    file: string,
    readonly component: string,
    readonly fileVersion: number,
    readonly supportedVersion: number,
  ) {
    super(
      'schema-too-new',
      file,
      `${file} was written with ${component} schema version ${fileVersion}, but this version of @learner-ledger/sqlite supports up to version ${supportedVersion}. ` +
        'Upgrade @learner-ledger/sqlite to open it; the file was not changed.',
    );
  }
}

interface SqliteErrorLike {
  readonly code: string;
  readonly message: string;
}

/**
 * Errors raised by better-sqlite3 carry an SQLite result code such as `SQLITE_BUSY`.
 * Checked by shape, not by class: the driver's error class may come from another
 * realm (the native module keeps the class it was first loaded with).
 */
export const isSqliteError = (error: unknown): error is SqliteErrorLike => {
  if (typeof error !== 'object' || error === null) return false;
  const { code, message } = error as { code?: unknown; message?: unknown };
  return typeof code === 'string' && code.startsWith('SQLITE_') && typeof message === 'string';
};

export const isUniqueViolation = (error: unknown): boolean =>
  isSqliteError(error) && (error.code === 'SQLITE_CONSTRAINT_UNIQUE' || error.code === 'SQLITE_CONSTRAINT_PRIMARYKEY');

/**
 * Turns a driver error into a {@link SqliteStoreError} whose message says what
 * happened to which file. `action` completes "… while <action>", and
 * `wroteNothing` adds that the transaction was rolled back.
 * Returns the error unchanged when it is not a storage failure (a caller's bug, a conflict).
 */
export const describeSqliteFailure = (
  error: unknown,
  file: string,
  context: { readonly action: string; readonly busyTimeoutMs: number; readonly wroteNothing: boolean },
): unknown => {
  if (!isSqliteError(error)) return error;
  const outcome = context.wroteNothing ? '; nothing was written (the transaction was rolled back)' : '';
  const detail = `(${error.code}: ${error.message})`;
  const code = error.code;
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
    return new SqliteStoreError(
      'busy',
      file,
      `${file} is locked by another connection or process and stayed locked longer than the busy timeout of ${context.busyTimeoutMs} ms while ${context.action}${outcome}. Retry later or raise busyTimeoutMs ${detail}`,
      error,
    );
  }
  if (code.startsWith('SQLITE_READONLY')) {
    return new SqliteStoreError(
      'read-only',
      file,
      `${file} cannot be written: it is read-only (opened read-only, or the file or its directory is write-protected) while ${context.action}${outcome} ${detail}`,
      error,
    );
  }
  if (code === 'SQLITE_FULL') {
    return new SqliteStoreError('disk-full', file, `The disk holding ${file} is full (or the database reached its size limit) while ${context.action}${outcome}. Free some space and retry ${detail}`, error);
  }
  if (code === 'SQLITE_NOTADB') {
    return new SqliteStoreError('not-a-database', file, `${file} is not a SQLite database (or it is encrypted) ${detail}`, error);
  }
  if (code.startsWith('SQLITE_CORRUPT')) {
    return new SqliteStoreError('corrupt', file, `${file} is damaged (SQLite reports corruption) while ${context.action}${outcome} ${detail}`, error);
  }
  if (code.startsWith('SQLITE_CANTOPEN')) {
    return new SqliteStoreError('cannot-open', file, `${file} cannot be opened: check that its directory exists and is readable and writable ${detail}`, error);
  }
  if (code.startsWith('SQLITE_IOERR') || code === 'SQLITE_PERM' || code === 'SQLITE_AUTH' || code === 'SQLITE_NOLFS' || code === 'SQLITE_PROTOCOL') {
    return new SqliteStoreError('io', file, `Reading or writing ${file} failed while ${context.action}${outcome} ${detail}`, error);
  }
  return error;
};
