import { KurrentDBClient } from '@kurrent/kurrentdb-client';
import {
  type AppendRequest,
  type AppendResult,
  type EventStore,
  type ExpectedVersion,
  type GlobalPosition,
  type ListStreamsOptions,
  type ListStreamsResult,
  type NewStoredEvent,
  type ReadAllBatch,
  type ReadAllOptions,
  type ReadStreamOptions,
  type ReadStreamResult,
  type StoreCapabilities,
  type WaitOptions,
} from '@learner-ledger/core';
import { supportsMultiStreamAppend } from './capability-probe.js';
import { describeConnection, normalizeConnectionString, scrub, scrubError, withMaskedWarnings } from './connection.js';
import type { KurrentClient, StoreContext } from './context.js';
import { STORE_NAME, toPortError } from './errors.js';
import { DEFAULT_STREAM_PREFIX, storeFilter } from './filters.js';
import { appendMany } from './operations/appendMany.js';
import { appendToStream } from './operations/appendToStream.js';
import { headPosition } from './operations/headPosition.js';
import { listStreams } from './operations/listStreams.js';
import { readAll } from './operations/readAll.js';
import { readStream } from './operations/readStream.js';
import { waitForEvents } from './operations/waitForEvents.js';

/** Options of {@link openKurrentDbEventStore}. */
export interface KurrentDbEventStoreOptions {
  /**
   * A KurrentDB connection string: `kurrentdb://host:2113?tls=false`, a
   * cluster `kurrentdb://host1:2113,host2:2113,host3:2113`, gossip discovery
   * `kurrentdb+discover://cluster.dns:2113`, or an EventStoreDB `esdb://…` /
   * `esdb+discover://…` string (same settings). Credentials go in it as
   * `user:password@`.
   */
  readonly connectionString: string;
  /**
   * Stream-name prefix of the streams this store reads back in `readAll`,
   * `headPosition` and `waitForEvents` (filtered on the server), and the only
   * streams it appends to. Default `learner-ledger.`, the prefix of every
   * organization stream. `''` means every non-system stream of the database.
   */
  readonly streamPrefix?: string;
}

/**
 * The KurrentDB / EventStoreDB event store. Create it with
 * {@link openKurrentDbEventStore}; it implements the core `EventStore` port.
 *
 * Global positions are KurrentDB commit positions, which equal the prepare
 * positions of every event written through gRPC (see `encodePosition`).
 */
export class KurrentDbEventStore implements EventStore {
  readonly name = STORE_NAME;
  readonly capabilities: StoreCapabilities;
  private readonly closeListeners = new Set<() => void>();
  private closed = false;

  /** @internal Use {@link openKurrentDbEventStore}. */
  constructor(
    private readonly context: StoreContext,
    atomicMultiStreamAppend: boolean,
  ) {
    this.capabilities = { atomicMultiStreamAppend };
  }

  /** The stream-name prefix this store reads and writes ('' = every non-system stream). */
  get streamPrefix(): string {
    return this.context.prefix;
  }

  /** The server the store talks to, without credentials: `kurrentdb://host1:2113,host2:2113`. */
  get target(): string {
    return this.context.connection.target;
  }

  appendToStream(streamId: string, events: readonly NewStoredEvent[], options: { expectedVersion?: ExpectedVersion } = {}): Promise<AppendResult> {
    this.assertOpen();
    return appendToStream(this.context, streamId, events, options.expectedVersion);
  }

  appendMany(requests: readonly AppendRequest[]): Promise<readonly AppendResult[]> {
    this.assertOpen();
    return appendMany(this.context, requests, this.capabilities.atomicMultiStreamAppend);
  }

  readStream(streamId: string, options?: ReadStreamOptions): Promise<ReadStreamResult> {
    this.assertOpen();
    return readStream(this.context, streamId, options);
  }

  readAll(options?: ReadAllOptions): Promise<ReadAllBatch> {
    this.assertOpen();
    return readAll(this.context, options);
  }

  listStreams(options?: ListStreamsOptions): Promise<ListStreamsResult> {
    this.assertOpen();
    return listStreams(this.context, options);
  }

  headPosition(): Promise<GlobalPosition> {
    this.assertOpen();
    return headPosition(this.context);
  }

  waitForEvents(after: GlobalPosition, options: WaitOptions = {}): Promise<boolean> {
    if (this.closed) return Promise.resolve(false);
    return waitForEvents(this.context, after, options, (listener) => {
      this.closeListeners.add(listener);
      return () => this.closeListeners.delete(listener);
    });
  }

  /** Ends pending waits (they resolve false) and closes the client's connections. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const listener of [...this.closeListeners]) listener();
    await this.context.client.dispose();
  }

  private assertOpen(): void {
    if (this.closed) throw new Error(`${STORE_NAME} store: closed`);
  }
}

/**
 * Connects to KurrentDB or EventStoreDB (22.6+) and returns the event store.
 * It checks the server answers (the head of this store's log, which also
 * checks the user may read `$all`) and whether it offers multi-stream appends
 * (KurrentDB 25.1+), which decides `capabilities.atomicMultiStreamAppend`.
 *
 * @throws `StoreUnavailableError` (from `@learner-ledger/core`) when the server or cluster cannot be reached.
 * @throws Error when the connection string is malformed or the prefix is invalid. No message shows the password.
 *
 * @example
 * ```ts
 * const store = await openKurrentDbEventStore({ connectionString: 'kurrentdb://localhost:2113?tls=false' });
 * const ledger = createLedger({ store });
 * ```
 */
export const openKurrentDbEventStore = async (options: KurrentDbEventStoreOptions): Promise<KurrentDbEventStore> => {
  const prefix = options.streamPrefix ?? DEFAULT_STREAM_PREFIX;
  if (prefix.startsWith('$')) {
    throw new RangeError(`kurrentdb store: stream prefix ${JSON.stringify(prefix)} would select KurrentDB system streams; choose one that does not start with "$"`);
  }
  const connection = describeConnection(options.connectionString);
  const invalid = (detail: string, cause?: unknown): Error =>
    new Error(`kurrentdb store: invalid connection string ${JSON.stringify(connection.redacted)}: ${scrub(detail, connection.secrets)}`, cause === undefined ? undefined : { cause });
  if (connection.problem !== undefined) throw invalid(connection.problem);
  let client: KurrentDBClient;
  try {
    client = withMaskedWarnings(connection.secrets, () => KurrentDBClient.connectionString(normalizeConnectionString(options.connectionString)));
  } catch (error) {
    throw invalid(error instanceof Error ? error.message : String(error), scrubError(error, connection.secrets));
  }
  return openWithClient(client, connection, prefix);
};

/** @internal The store over a client (the real one, or a stand-in in tests), once the server has answered. */
export const openWithClient = async (client: KurrentClient, connection: StoreContext['connection'], prefix: string): Promise<KurrentDbEventStore> => {
  const context: StoreContext = { client, connection, prefix, filter: storeFilter(prefix) };
  try {
    let atomic: boolean;
    try {
      atomic = await supportsMultiStreamAppend(client, prefix);
    } catch (error) {
      throw toPortError(error, connection, { operation: 'connect', writes: false });
    }
    await headPosition(context); // reads (another channel) work and $all may be read with these credentials
    return new KurrentDbEventStore(context, atomic);
  } catch (error) {
    await client.dispose().catch(() => undefined);
    throw error;
  }
};
