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
  StoreUnavailableError,
  type StoredEvent,
  type WaitOptions,
} from '@learner-ledger/core';
import pg from 'pg';
import { appendLocked } from './schema/appendLocked.js';
import { appendToStreams } from './schema/appendToStreams.js';
import { STORE_NAME, describeTarget, messageOf, readFailure } from './schema/errors.js';
import { headPosition } from './schema/headPosition.js';
import { DEFAULT_SCHEMA, type SchemaNames, schemaNameProblem, schemaNames } from './schema/identifiers.js';
import { type MigrationReport, SchemaTooNewError, migrate } from './schema/migrations.js';
import { listStreams } from './schema/listStreams.js';
import { readAll } from './schema/readAll.js';
import { readStream } from './schema/readStream.js';
import { withTransaction } from './schema/transaction.js';
import { EventNotifier } from './schema/waitForEvents.js';
import { PostgresPersonalDataKeys } from './personal-keys.js';
import { createPostgresSnapshotStore } from './snapshot-store.js';

/** Options of {@link openPostgresEventStore}. */
export interface PostgresEventStoreOptions {
  /** `postgres://user:password@host:port/database`. Also used for the LISTEN connection when no pool is given. */
  readonly connectionString: string;
  /** The schema holding the store's tables; created and migrated on open. Default `learner_ledger`. */
  readonly schema?: string;
  /** Use this pool instead of creating one. The store never ends a pool it did not create. */
  readonly pool?: pg.Pool;
  /** Size of the pool the store creates (ignored when `pool` is given). Default 10. */
  readonly maxConnections?: number;
  /** How long to wait for a connection before failing, in ms. Default 10 000. */
  readonly connectionTimeoutMs?: number;
  /**
   * How long a statement may wait for a lock (another append, a migration, a
   * `LOCK TABLE` elsewhere) before it fails with a `StoreUnavailableError` and
   * writes nothing, in ms. Default 30 000. Applies to the pool the store creates.
   */
  readonly lockTimeoutMs?: number;
  /** Appends of at least this many events are written with COPY instead of one INSERT statement. Default 100. */
  readonly copyThreshold?: number;
  /** How often `waitForEvents` checks the log head when no notification arrives, in ms. Default 1000. */
  readonly pollIntervalMs?: number;
}

/**
 * The PostgreSQL event store: the core {@link EventStore} port over one
 * schema. Appends to one or many streams are one transaction each, commit in
 * global-position order, and never gap; see the package README for what that
 * guarantees to catch-up readers.
 */
export class PostgresEventStore implements EventStore {
  readonly name = STORE_NAME;
  readonly capabilities = { atomicMultiStreamAppend: true } as const;
  /** The schema's name and the qualified names of its tables and functions. */
  readonly names: SchemaNames;
  private readonly target: string;
  private readonly notifier: EventNotifier;
  private readonly copyThreshold: number;
  private closed = false;
  private snapshots: SnapshotStore | undefined;
  private keys: PersonalDataKeys | undefined;

  /** Use {@link openPostgresEventStore}: it migrates the schema first. */
  constructor(
    /** The connection pool the store runs on, for tables that live next to the events (read models, checkpoints). */
    readonly pool: pg.Pool,
    private readonly ownsPool: boolean,
    options: PostgresEventStoreOptions & { readonly schema: string },
    /** What opening did to the schema. */
    readonly migration: MigrationReport,
  ) {
    this.names = schemaNames(options.schema);
    this.target = describeTarget(options.connectionString);
    this.copyThreshold = Math.max(1, options.copyThreshold ?? 100);
    this.notifier = new EventNotifier({
      clientConfig: listenerConfig(pool, options.connectionString),
      channel: this.names.channel,
      headPosition: () => headPosition(this.pool, this.names),
      pollIntervalMs: Math.max(10, options.pollIntervalMs ?? 1000),
    });
  }

  /** The schema the store lives in. */
  get schema(): string {
    return this.names.schema;
  }

  async appendToStream(streamId: string, events: readonly NewStoredEvent[], options: { expectedVersion?: ExpectedVersion } = {}): Promise<AppendResult> {
    const [result] = await this.appendMany([{ streamId, events, expectedVersion: options.expectedVersion }]);
    return result!;
  }

  async appendMany(requests: readonly AppendRequest[]): Promise<readonly AppendResult[]> {
    this.assertOpen();
    return appendToStreams(this.appendContext(), requests);
  }

  private appendContext() {
    return { pool: this.pool, names: this.names, target: this.target, copyThreshold: this.copyThreshold };
  }

  /**
   * {@link EventStore.appendLocked}: one transaction holding an advisory lock
   * keyed by the stream, so writers of every process that use it take turns
   * (each waits up to `lockTimeoutMs`, then fails with a `StoreUnavailableError`
   * having written nothing). Appends to other streams are not held up.
   */
  async appendLocked<T>(streamId: string, afterVersion: number, decide: (tail: readonly StoredEvent[]) => LockedDecision<T>): Promise<LockedAppendResult<T>> {
    this.assertOpen();
    return appendLocked(this.appendContext(), streamId, afterVersion, decide);
  }

  async readStream(streamId: string, options?: ReadStreamOptions): Promise<ReadStreamResult> {
    this.assertOpen();
    try {
      return await readStream(this.pool, this.names, streamId, options);
    } catch (error) {
      throw readFailure(`reading stream ${streamId}`, this.target, error);
    }
  }

  async readAll(options?: ReadAllOptions): Promise<ReadAllBatch> {
    this.assertOpen();
    try {
      return await readAll(this.pool, this.names, options);
    } catch (error) {
      throw readFailure(`reading the log after position ${String(options?.after ?? 0n)}`, this.target, error);
    }
  }

  async listStreams(options?: ListStreamsOptions): Promise<ListStreamsResult> {
    this.assertOpen();
    try {
      return await listStreams(this.pool, this.names, options);
    } catch (error) {
      throw readFailure(`listing streams starting with ${JSON.stringify(options?.prefix ?? '')}`, this.target, error);
    }
  }

  async headPosition(): Promise<GlobalPosition> {
    this.assertOpen();
    try {
      return await headPosition(this.pool, this.names);
    } catch (error) {
      throw readFailure('reading the head position', this.target, error);
    }
  }

  waitForEvents(after: GlobalPosition, options?: WaitOptions): Promise<boolean> {
    if (this.closed) return Promise.resolve(false);
    return this.notifier.wait(after, options);
  }

  /**
   * Runs `work` in one READ COMMITTED transaction on one pooled connection:
   * COMMIT when it resolves, ROLLBACK when it throws; the connection is always
   * released. A lost connection or a busy server becomes a
   * `StoreUnavailableError` that says whether anything was written. Meant for
   * tables that live next to the events (read models and their checkpoints),
   * so a read model and its checkpoint always move together.
   */
  withTransaction<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    this.assertOpen();
    return withTransaction(this.pool, this.target, work);
  }

  /** The organization snapshots kept in this schema (`snapshots`, `snapshot_chunks`): the ledger uses them unless told otherwise. */
  snapshotStore(): SnapshotStore {
    return (this.snapshots ??= createPostgresSnapshotStore(this));
  }

  /** The learners' personal-data keys kept in this schema (`personal_keys`). */
  personalDataKeys(): PersonalDataKeys {
    return (this.keys ??= new PostgresPersonalDataKeys(this));
  }

  /** Stops waiting readers and closes the LISTEN connection; ends the pool when the store created it. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.notifier.close();
    if (this.ownsPool) await this.pool.end();
  }

  private assertOpen(): void {
    if (this.closed) throw new Error(`${STORE_NAME} store (schema ${this.names.schema}): closed`);
  }
}

const ignore = (): void => undefined;

/** The LISTEN connection uses the pool's own settings; the connection string only fills in when the pool names no server. */
const listenerConfig = (pool: pg.Pool, connectionString: string): pg.ClientConfig => {
  const config = pool.options as pg.ClientConfig;
  return config.connectionString || config.host ? { ...config } : { ...config, connectionString };
};

/**
 * Opens the PostgreSQL event store: validates the schema name, connects, and
 * creates or migrates the schema (concurrent openers wait for each other).
 * Fails with a `StoreUnavailableError` when the server cannot be reached and
 * with a `SchemaTooNewError` when the schema was written by a newer version of
 * this library (the database is then left untouched).
 *
 * @example
 * const store = await openPostgresEventStore({ connectionString: process.env.DATABASE_URL!, schema: 'ledger' });
 * const ledger = createLedger({ store });
 */
export const openPostgresEventStore = async (options: PostgresEventStoreOptions): Promise<PostgresEventStore> => {
  const schema = options.schema ?? DEFAULT_SCHEMA;
  const problem = schemaNameProblem(schema);
  if (problem) throw new TypeError(`${STORE_NAME} store: ${problem}`);
  if (!options.pool && (typeof options.connectionString !== 'string' || options.connectionString.length === 0)) {
    throw new TypeError(`${STORE_NAME} store: a connectionString (postgres://user@host:port/database) is required`);
  }
  const pool =
    options.pool ??
    new pg.Pool({
      connectionString: options.connectionString,
      max: options.maxConnections ?? 10,
      connectionTimeoutMillis: options.connectionTimeoutMs ?? 10_000,
      lock_timeout: options.lockTimeoutMs ?? 30_000,
      application_name: 'learner-ledger',
    });
  const ownsPool = !options.pool;
  // An idle connection the server drops must not crash the process: the pool discards it.
  pool.on('error', ignore);
  pool.on('connect', (client) => client.on('error', ignore));
  const target = describeTarget(options.connectionString);
  let client: pg.PoolClient;
  try {
    client = await pool.connect();
  } catch (error) {
    if (ownsPool) await pool.end().catch(ignore);
    throw new StoreUnavailableError(STORE_NAME, `cannot connect to ${target}: ${messageOf(error)}`, error);
  }
  let report: MigrationReport;
  try {
    report = await migrate(client, schemaNames(schema));
    client.release();
  } catch (error) {
    client.release(true);
    if (ownsPool) await pool.end().catch(ignore);
    if (error instanceof SchemaTooNewError) throw error;
    const unavailable = readFailure(`migrating schema ${schema}`, target, error);
    if (unavailable !== error) throw unavailable;
    throw new Error(`${STORE_NAME} store: could not create or migrate schema "${schema}" on ${target}: ${messageOf(error)} (nothing was changed)`, { cause: error });
  }
  return new PostgresEventStore(pool, ownsPool, { ...options, schema }, report);
};
