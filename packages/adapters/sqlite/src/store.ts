import { resolve as resolvePath } from 'node:path';
import Database from 'better-sqlite3';
import {
  type AppendRequest,
  type AppendResult,
  type EventStore,
  type ExpectedVersion,
  type GlobalPosition,
  type ListStreamsOptions,
  type ListStreamsResult,
  type LockedAppendResult,
  type LockedDecision,
  type NewStoredEvent,
  type ReadAllBatch,
  type ReadAllOptions,
  type ReadStreamOptions,
  type ReadStreamResult,
  type PersonalDataKeys,
  type SnapshotStore,
  type StoredEvent,
  type WaitOptions,
  WrongExpectedVersionError,
  versionMatches,
} from '@learner-ledger/core';
import { SqliteStoreError, describeSqliteFailure, isUniqueViolation } from './errors.js';
import { inspectFile } from './inspect-file.js';
import { appendLocked } from './schema/appendLocked.js';
import { type AppendStatements, appendToStreams, currentStreamVersion, prepareAppend } from './schema/appendToStreams.js';
import { type HeadStatement, headPosition, prepareHeadPosition } from './schema/headPosition.js';
import { EVENT_LOG_COMPONENT, assertSchemaCurrent, assertSchemaNotNewer, eventLogMigrations, runMigrations } from './schema/migrations.js';
import { ListStreamsStatements, listStreams } from './schema/listStreams.js';
import { type ReadAllStatements, prepareReadAll, readAll, readsHead } from './schema/readAll.js';
import { type ReadStreamStatements, prepareReadStream, readStream } from './schema/readStream.js';
import { waitForEvents } from './schema/waitForEvents.js';
import { createSqlitePersonalDataKeys } from './personal-keys.js';
import { createSqliteSnapshotStore } from './snapshot-store.js';

/** The file used when no path is given. */
export const DEFAULT_DATABASE_PATH = './learner-ledger.db';

/** SQLite's own default for `wal_autocheckpoint`, in pages. */
export const DEFAULT_WAL_AUTOCHECKPOINT_PAGES = 1000;

/** How each commit reaches the disk. See the package README for the trade-off. */
export type SqliteSynchronous = 'NORMAL' | 'FULL';

export interface SqliteEventStoreOptions {
  /** The database file. Default `./learner-ledger.db`; `':memory:'` for a private in-memory database. */
  readonly path?: string;
  /** How long a write waits for another connection or process to release the file, in ms. Default 5000. */
  readonly busyTimeoutMs?: number;
  /** Open for reading only: appends fail, nothing is ever written (the schema must already be current). Default false. */
  readonly readonly?: boolean;
  /**
   * `NORMAL` (default): in WAL mode a commit survives a crash of the process, but
   * the last commits before a power loss or OS crash may be lost (the file stays
   * consistent). `FULL`: every commit is synced to disk before it returns; much slower.
   */
  readonly synchronous?: SqliteSynchronous;
  /**
   * The WAL pages after which a commit copies the WAL into the database file
   * (SQLite's `wal_autocheckpoint`). Default 1000 (SQLite's, about 4 MB).
   * Larger values make fewer, larger checkpoints: bulk writes (a large
   * import) spend less CPU and disk time, the WAL file grows to about that
   * size, and the commit that checkpoints takes longer (other writers are
   * not held up by it).
   */
  readonly walAutocheckpointPages?: number;
  /** How often `waitForEvents` looks for events written by other processes, in ms. Default 25. */
  readonly pollIntervalMs?: number;
}

/**
 * The SQLite event store: one file, WAL mode, writes in `BEGIN IMMEDIATE`
 * transactions, positions that are the table's rowid (no gaps, no reordering).
 * Implements the core `EventStore` port; the `…Sync` methods and
 * {@link SqliteEventStore.transaction} let projections write their tables in the
 * same transaction as their checkpoint (and as events, when wanted).
 *
 * better-sqlite3 is synchronous: every call runs to completion before it
 * returns, so concurrent calls in one process never interleave. A write that
 * must wait for another process blocks the thread for up to `busyTimeoutMs`.
 */
export class SqliteEventStore implements EventStore {
  readonly name = 'sqlite';
  readonly capabilities = { atomicMultiStreamAppend: true } as const;
  /**
   * The better-sqlite3 connection, for tables that live next to the events
   * (persisted projections, checkpoints). Write to it inside
   * {@link SqliteEventStore.transaction}; never close it directly (use `close()`).
   */
  readonly database: Database.Database;
  /** The absolute path of the file (or `:memory:`). */
  readonly file: string;
  /** True when opened with `readonly: true`. */
  readonly readonly: boolean;
  readonly busyTimeoutMs: number;
  private readonly pollIntervalMs: number;
  private readonly appendStatements: AppendStatements;
  private readonly readStreamStatements: ReadStreamStatements;
  private readonly readAllStatements: ReadAllStatements;
  private readonly headStatement: HeadStatement;
  private readonly listStreamsStatements: ListStreamsStatements;
  private readonly appendTransaction: Database.Transaction<(requests: readonly AppendRequest[]) => AppendResult[]>;
  private readonly readStreamTransaction: Database.Transaction<(streamId: string, options: ReadStreamOptions) => ReadStreamResult>;
  private readonly readAllTransaction: Database.Transaction<(options: ReadAllOptions) => ReadAllBatch>;
  private readonly wakers = new Set<() => void>();
  private closed = false;
  private snapshots: SnapshotStore | undefined;
  private keys: PersonalDataKeys | undefined;

  /** Use {@link openSqliteEventStore}; this takes an open, migrated connection. */
  constructor(database: Database.Database, options: { file: string; readonly: boolean; busyTimeoutMs: number; pollIntervalMs: number }) {
    this.database = database;
    this.file = options.file;
    this.readonly = options.readonly;
    this.busyTimeoutMs = options.busyTimeoutMs;
    this.pollIntervalMs = options.pollIntervalMs;
    this.appendStatements = prepareAppend(database);
    this.readStreamStatements = prepareReadStream(database);
    this.readAllStatements = prepareReadAll(database);
    this.headStatement = prepareHeadPosition(database);
    this.listStreamsStatements = new ListStreamsStatements(database);
    this.appendTransaction = database.transaction((requests: readonly AppendRequest[]) => appendToStreams(this.appendStatements, requests));
    this.readStreamTransaction = database.transaction((streamId: string, options: ReadStreamOptions) => readStream(this.readStreamStatements, streamId, options));
    this.readAllTransaction = database.transaction((options: ReadAllOptions) => readAll(this.readAllStatements, options));
  }

  /**
   * Runs `fn` inside one `BEGIN IMMEDIATE` transaction and returns its result:
   * everything `fn` writes through {@link SqliteEventStore.database} and the
   * `…Sync` methods commits together, or nothing does when `fn` throws (the
   * error is rethrown). Nested calls become savepoints of the outer
   * transaction. `fn` must be synchronous: a returned Promise is refused and
   * the transaction rolled back.
   */
  transaction<T>(fn: () => T): T {
    this.assertOpen();
    const run = this.database.transaction(() => {
      const result = fn();
      if (isPromiseLike(result)) {
        void Promise.resolve(result).catch(() => undefined);
        throw new TypeError('SqliteEventStore.transaction: the function returned a Promise; transactions must be synchronous (use the …Sync methods inside); it was rolled back');
      }
      return result;
    });
    try {
      const result = run.immediate();
      this.afterCommit();
      return result;
    } catch (error) {
      throw this.failure(error, 'running a transaction', true);
    }
  }

  /** {@link EventStore.appendMany}, synchronously: usable inside {@link SqliteEventStore.transaction}. */
  appendManySync(requests: readonly AppendRequest[]): AppendResult[] {
    this.assertWritable();
    const seen = new Set<string>();
    for (const request of requests) {
      if (seen.has(request.streamId)) throw new Error(`appendMany: stream ${request.streamId} appears twice in one call`);
      seen.add(request.streamId);
    }
    let results: AppendResult[];
    try {
      results = this.appendTransaction.immediate(requests);
    } catch (error) {
      if (error instanceof WrongExpectedVersionError) throw error;
      if (isUniqueViolation(error)) throw this.conflictAfterRace(requests);
      throw this.failure(error, 'appending events', true);
    }
    if (results.some((result) => result.lastPosition > 0n)) this.afterCommit();
    return results;
  }

  /**
   * {@link EventStore.appendLocked}, synchronously: the read of the tail, the
   * decision and the append run in one `BEGIN IMMEDIATE` transaction, so
   * writers of other processes wait for the file's write lock (up to
   * `busyTimeoutMs`) instead of deciding on a stale stream.
   */
  appendLockedSync<T>(streamId: string, afterVersion: number, decide: (tail: readonly StoredEvent[]) => LockedDecision<T>): LockedAppendResult<T> {
    this.assertWritable();
    let outcome: LockedAppendResult<T>;
    try {
      outcome = this.database.transaction(() => appendLocked({ append: this.appendStatements, read: this.readStreamStatements }, streamId, afterVersion, decide)).immediate();
    } catch (error) {
      if (error instanceof WrongExpectedVersionError) throw error;
      if (isUniqueViolation(error)) throw this.conflictAfterRace([{ streamId, events: [], expectedVersion: afterVersion }]);
      throw this.failure(error, `deciding and appending to stream ${streamId}`, true);
    }
    if (outcome.append) this.afterCommit();
    return outcome;
  }

  async appendLocked<T>(streamId: string, afterVersion: number, decide: (tail: readonly StoredEvent[]) => LockedDecision<T>): Promise<LockedAppendResult<T>> {
    return this.appendLockedSync(streamId, afterVersion, decide);
  }

  /** {@link EventStore.appendToStream}, synchronously: usable inside {@link SqliteEventStore.transaction}. */
  appendToStreamSync(streamId: string, events: readonly NewStoredEvent[], options: { expectedVersion?: ExpectedVersion } = {}): AppendResult {
    return this.appendManySync([{ streamId, events, expectedVersion: options.expectedVersion }])[0]!;
  }

  /** {@link EventStore.readStream}, synchronously. */
  readStreamSync(streamId: string, options: ReadStreamOptions = {}): ReadStreamResult {
    this.assertOpen();
    try {
      return this.readStreamTransaction(streamId, options);
    } catch (error) {
      throw this.failure(error, `reading stream ${streamId}`, false);
    }
  }

  /** {@link EventStore.readAll}, synchronously. */
  readAllSync(options: ReadAllOptions = {}): ReadAllBatch {
    this.assertOpen();
    try {
      // A single range scan is its own snapshot; a filtered read also reads the head, so it needs a transaction.
      return readsHead(options) ? this.readAllTransaction(options) : readAll(this.readAllStatements, options);
    } catch (error) {
      throw this.failure(error, 'reading the log', false);
    }
  }

  /** {@link EventStore.headPosition}, synchronously. */
  headPositionSync(): GlobalPosition {
    this.assertOpen();
    try {
      return headPosition(this.headStatement);
    } catch (error) {
      throw this.failure(error, 'reading the head of the log', false);
    }
  }

  async appendToStream(streamId: string, events: readonly NewStoredEvent[], options: { expectedVersion?: ExpectedVersion } = {}): Promise<AppendResult> {
    return this.appendToStreamSync(streamId, events, options);
  }

  async appendMany(requests: readonly AppendRequest[]): Promise<readonly AppendResult[]> {
    return this.appendManySync(requests);
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<ReadStreamResult> {
    return this.readStreamSync(streamId, options);
  }

  async readAll(options: ReadAllOptions = {}): Promise<ReadAllBatch> {
    return this.readAllSync(options);
  }

  async listStreams(options: ListStreamsOptions = {}): Promise<ListStreamsResult> {
    this.assertOpen();
    try {
      return listStreams(this.listStreamsStatements, options);
    } catch (error) {
      throw this.failure(error, 'listing streams', false);
    }
  }

  async headPosition(): Promise<GlobalPosition> {
    return this.headPositionSync();
  }

  /** Resolves true once the log holds an event after `after` (written by any process); false on timeout, abort or close. */
  waitForEvents(after: GlobalPosition, options: WaitOptions = {}): Promise<boolean> {
    return waitForEvents(after, options, {
      head: () => this.headPositionSync(),
      isClosed: () => this.closed,
      pollIntervalMs: this.pollIntervalMs,
      subscribe: (wake) => {
        this.wakers.add(wake);
        return () => this.wakers.delete(wake);
      },
    });
  }

  /** The organization snapshots kept in this file (`ll_snapshots`), set up on first use: the ledger uses them unless told otherwise. */
  snapshotStore(): SnapshotStore {
    return (this.snapshots ??= createSqliteSnapshotStore(this));
  }

  /** The learners' personal-data keys kept in this file (`ll_personal_keys`), set up on first use. */
  personalDataKeys(): PersonalDataKeys {
    return (this.keys ??= createSqlitePersonalDataKeys(this));
  }

  /** Closes the connection (the WAL is checkpointed into the file). Waiting readers resolve false. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const wake of [...this.wakers]) wake();
    this.database.close();
  }

  /** Local waiters re-check the head once the outermost transaction has committed. */
  private afterCommit(): void {
    if (this.database.inTransaction) return;
    for (const wake of [...this.wakers]) wake();
  }

  /**
   * The UNIQUE (stream_id, stream_version) constraint fired: a row for one of
   * these versions got in although the versions were checked under the write
   * lock (a writer that bypassed it). Reported as the conflict it is.
   */
  private conflictAfterRace(requests: readonly AppendRequest[]): Error {
    let checked: { request: AppendRequest; actual: number }[];
    try {
      checked = requests.map((request) => ({ request, actual: currentStreamVersion(this.appendStatements, request.streamId) }));
    } catch (error) {
      return this.failure(error, 'reading stream versions after a conflict', true) as Error;
    }
    const culprit = checked.find(({ request, actual }) => !versionMatches(request.expectedVersion, actual)) ?? checked[0]!;
    return new WrongExpectedVersionError(culprit.request.streamId, culprit.request.expectedVersion ?? 'any', culprit.actual);
  }

  private failure(error: unknown, action: string, wroteNothing: boolean): unknown {
    return describeSqliteFailure(error, this.file, { action, busyTimeoutMs: this.busyTimeoutMs, wroteNothing });
  }

  private assertOpen(): void {
    if (this.closed) throw new SqliteStoreError('closed', this.file, `the store for ${this.file} is closed`);
  }

  private assertWritable(): void {
    this.assertOpen();
    if (this.readonly) {
      throw new SqliteStoreError('read-only', this.file, `${this.file} was opened read-only (readonly: true); nothing was written`);
    }
  }
}

const isPromiseLike = (value: unknown): value is PromiseLike<unknown> =>
  value !== null && (typeof value === 'object' || typeof value === 'function') && typeof (value as { then?: unknown }).then === 'function';

/**
 * Opens (creating when needed) the SQLite event store in one file and brings
 * its schema up to date. Refuses, without changing it, a file written by a
 * newer schema, a file that is not a SQLite database, and a write-protected
 * file unless `readonly` is asked.
 *
 * @example
 * const store = openSqliteEventStore({ path: './learner-ledger.db' });
 * const ledger = createLedger({ store });
 */
export const openSqliteEventStore = (options: SqliteEventStoreOptions = {}): SqliteEventStore => {
  const path = options.path ?? DEFAULT_DATABASE_PATH;
  const inMemory = path === ':memory:' || path === '';
  const file = inMemory ? ':memory:' : resolvePath(path);
  const readonly = options.readonly ?? false;
  const busyTimeoutMs = options.busyTimeoutMs ?? 5000;
  const synchronous = options.synchronous ?? 'NORMAL';
  if (synchronous !== 'NORMAL' && synchronous !== 'FULL') throw new TypeError(`synchronous must be 'NORMAL' or 'FULL', got ${JSON.stringify(synchronous)}`);
  const walPages = options.walAutocheckpointPages ?? DEFAULT_WAL_AUTOCHECKPOINT_PAGES;
  if (!Number.isSafeInteger(walPages) || walPages < 1) throw new TypeError(`walAutocheckpointPages must be a whole number of pages ≥ 1, got ${JSON.stringify(walPages)}`);
  const failure = (error: unknown) => describeSqliteFailure(error, file, { action: 'opening it', busyTimeoutMs, wroteNothing: false });

  if (!inMemory) inspectFile(file, readonly, busyTimeoutMs);
  let database: Database.Database | undefined;
  try {
    database = new Database(file, { readonly, fileMustExist: readonly, timeout: busyTimeoutMs });
    if (readonly) {
      assertSchemaCurrent(database, file, EVENT_LOG_COMPONENT, eventLogMigrations);
    } else {
      // Checked before the journal mode is set, which would write the header of a rollback-journal file.
      assertSchemaNotNewer(database, file, EVENT_LOG_COMPONENT, eventLogMigrations);
      database.pragma('journal_mode = WAL');
      database.pragma(`synchronous = ${synchronous}`);
      database.pragma(`wal_autocheckpoint = ${walPages}`);
      runMigrations(database, { file, component: EVENT_LOG_COMPONENT, migrations: eventLogMigrations });
    }
  } catch (error) {
    database?.close();
    throw failure(error);
  }
  return new SqliteEventStore(database, { file, readonly, busyTimeoutMs, pollIntervalMs: options.pollIntervalMs ?? 25 });
};

/** {@link openSqliteEventStore} returning a Promise, for code written against stores that connect asynchronously. */
export const createSqliteEventStore = async (options: SqliteEventStoreOptions = {}): Promise<SqliteEventStore> => openSqliteEventStore(options);
