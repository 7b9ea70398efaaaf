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
import { describeTarget, normalizeConnectionString, redactConnectionString } from './connection.js';
import type { StoreContext } from './context.js';
import { STORE_NAME, toPortError } from './errors.js';
import { DEFAULT_STREAM_PREFIX, storeFilter } from './filters.js';
import { appendMany } from './schema/appendMany.js';
import { appendToStream } from './schema/appendToStream.js';
import { headPosition } from './schema/headPosition.js';
import { listStreams } from './schema/listStreams.js';
import { readAll } from './schema/readAll.js';
import { readStream } from './schema/readStream.js';
import { waitForEvents } from './schema/waitForEvents.js';

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

/** The multi-stream append RPC of KurrentDB 25.1+, as the server lists it among its supported methods. */
const MULTI_STREAM_APPEND_METHOD = { path: '/kurrentdb.protocol.v2.streams.StreamsService/AppendSession' };

interface ServerFeatureProbe {
  supports?: (method: { path: string }) => Promise<boolean>;
  capabilities?: Promise<{ serverVersion?: string }>;
}

/**
 * Asks the server its version and whether it has multi-stream appends, through
 * the client's own feature probe (the gRPC ServerFeatures service, which
 * servers before 21.10 lack: their version reads as `unknown`).
 */
const probeServer = async (client: KurrentDBClient): Promise<{ serverVersion: string; multiStreamAppend: boolean }> => {
  const probe = client as unknown as ServerFeatureProbe;
  if (typeof probe.supports !== 'function') return { serverVersion: 'unknown', multiStreamAppend: false };
  const multiStreamAppend = await probe.supports.call(client, MULTI_STREAM_APPEND_METHOD);
  const serverVersion = (await probe.capabilities)?.serverVersion ?? 'unknown';
  return { serverVersion, multiStreamAppend };
};

/** Stream reads report log positions from 22.6 on; the store needs them for every event it returns. */
export const MINIMUM_SERVER_VERSION = [22, 6] as const;

/** False for a version before 22.6 and for `unknown` (a server too old to say); true otherwise. */
export const isSupportedServerVersion = (version: string): boolean => {
  if (version === 'unknown') return false;
  const match = /^v?(\d+)\.(\d+)/i.exec(version.trim());
  if (!match) return true; // a format this check does not know: let the server show what it can do
  const [major, minor] = [Number(match[1]), Number(match[2])];
  return major > MINIMUM_SERVER_VERSION[0] || (major === MINIMUM_SERVER_VERSION[0] && minor >= MINIMUM_SERVER_VERSION[1]);
};

/**
 * The KurrentDB / EventStoreDB event store. Create it with
 * {@link openKurrentDbEventStore}; it implements the core `EventStore` port.
 *
 * Global positions pack KurrentDB's `{ commit, prepare }` log position into one
 * bigint, `commit * 2^64 + prepare` (lossless and order-preserving).
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
    /** The version the server reported when the store connected, e.g. `25.1.0`. */
    readonly serverVersion: string,
  ) {
    this.capabilities = { atomicMultiStreamAppend };
  }

  /** The stream-name prefix this store reads and writes ('' = every non-system stream). */
  get streamPrefix(): string {
    return this.context.prefix;
  }

  /** The server the store talks to, without credentials: `kurrentdb://host1:2113,host2:2113`. */
  get target(): string {
    return this.context.target;
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
 * It checks the server answers (its version, and the head of this store's
 * log) and whether it offers multi-stream appends (KurrentDB 25.1+), which
 * decides `capabilities.atomicMultiStreamAppend`.
 *
 * @throws `StoreUnavailableError` (from `@learner-ledger/core`) when the server or cluster cannot be reached.
 * @throws Error when the connection string is malformed, the prefix is invalid or the server is too old.
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
  let client: KurrentDBClient;
  try {
    client = KurrentDBClient.connectionString(normalizeConnectionString(options.connectionString));
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw new Error(`kurrentdb store: invalid connection string ${JSON.stringify(redactConnectionString(options.connectionString))}: ${detail}`, { cause: error });
  }
  const context: StoreContext = { client, target: describeTarget(options.connectionString), prefix, filter: storeFilter(prefix) };
  try {
    // The feature probe goes through the client's gRPC channel, whose errors name the cause (refused, discovery failed).
    let server: Awaited<ReturnType<typeof probeServer>>;
    try {
      server = await probeServer(client);
    } catch (error) {
      throw toPortError(error, context.target, { operation: 'connect', writes: false });
    }
    if (!isSupportedServerVersion(server.serverVersion)) {
      throw new Error(
        `kurrentdb store: the server at ${context.target} reports version ${server.serverVersion}; ` +
          `this store needs KurrentDB, or EventStoreDB ${MINIMUM_SERVER_VERSION.join('.')} or later (earlier servers do not report the log position of events read from a stream)`,
      );
    }
    await headPosition(context); // reads (another channel) work and $all may be read with these credentials
    return new KurrentDbEventStore(context, server.multiStreamAppend, server.serverVersion);
  } catch (error) {
    await client.dispose().catch(() => undefined);
    throw error;
  }
};
