import type {
  AllStreamResolvedEvent,
  AppendResult as ClientAppendResult,
  AppendStreamRequest,
  AppendToStreamOptions,
  EventData,
  Filter,
  MultiAppendResult,
  ReadAllOptions as ClientReadAllOptions,
  ReadStreamOptions as ClientReadStreamOptions,
  ResolvedEvent,
  SubscribeToAllOptions,
} from '@kurrent/kurrentdb-client';
import type { ConnectionDescription } from './connection.js';
import { toPortError, type OperationContext } from './errors.js';
import { inStorePrefix } from './filters.js';

/** The part of a catch-up subscription to `$all` the store uses. */
export interface KurrentSubscription {
  on(event: 'data', listener: (resolved: AllStreamResolvedEvent) => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
  removeListener(event: 'data', listener: (resolved: AllStreamResolvedEvent) => void): unknown;
  unsubscribe(): Promise<void>;
}

/**
 * The methods of `KurrentDBClient` the store calls, with the client's own
 * types: the real client fits it, and tests give a stand-in implementing it.
 */
export interface KurrentClient {
  appendToStream(streamName: string, events: EventData[], options?: AppendToStreamOptions): Promise<ClientAppendResult>;
  multiStreamAppend(requests: AppendStreamRequest[]): Promise<MultiAppendResult>;
  readStream(streamName: string, options?: ClientReadStreamOptions): AsyncIterableIterator<ResolvedEvent>;
  readAll(options?: ClientReadAllOptions): AsyncIterableIterator<AllStreamResolvedEvent>;
  subscribeToAll(options?: SubscribeToAllOptions): KurrentSubscription;
  dispose(): Promise<void>;
}

/** What every store operation needs: the client, what may be printed about the server, and this store's view of the log. */
export interface StoreContext {
  readonly client: KurrentClient;
  /** The hosts for messages, and the secrets no message may show. */
  readonly connection: Pick<ConnectionDescription, 'target' | 'secrets'>;
  /** Stream-name prefix of this store's streams ('' = every non-system stream). */
  readonly prefix: string;
  /** The server-side `$all` filter for that prefix. */
  readonly filter: Filter;
}

/** Runs a client call and turns its failures into the port's errors. */
export const attempt = async <T>(
  context: StoreContext,
  operation: OperationContext,
  call: () => Promise<T>,
  expected?: Parameters<typeof toPortError>[3],
): Promise<T> => {
  try {
    return await call();
  } catch (error) {
    throw toPortError(error, context.connection, operation, expected);
  }
};

/** Refuses stream names this store could never read back through its filtered log. */
export const assertStreamInStore = (context: StoreContext, streamId: string): void => {
  if (typeof streamId !== 'string' || streamId.length === 0) {
    throw new TypeError('kurrentdb store: a stream id must be a non-empty string');
  }
  if (!inStorePrefix(context.prefix, streamId)) {
    const why = streamId.startsWith('$')
      ? 'names starting with "$" are KurrentDB system streams'
      : `this store reads the log filtered to streams starting with "${context.prefix}", so it would never see these events`;
    throw new RangeError(`kurrentdb store: stream ${JSON.stringify(streamId)} is refused: ${why}`);
  }
};

/**
 * A count option as the client needs it (it calls `BigInt()` on it): whole,
 * between 0 and `Number.MAX_SAFE_INTEGER - 1` (one is added when a page
 * re-reads its first event). `NaN` counts nothing, as in the other stores.
 */
export const wholeCount = (value: number | undefined, fallback: number): number => {
  const count = value ?? fallback;
  if (Number.isNaN(count) || count <= 0) return 0;
  return Math.min(Math.floor(count), Number.MAX_SAFE_INTEGER - 1);
};
