import type { Filter, KurrentDBClient } from '@kurrent/kurrentdb-client';
import { toPortError, type OperationContext } from './errors.js';
import { inStorePrefix } from './filters.js';

/** What every store operation needs: the client, the hosts for messages, and this store's view of the log. */
export interface StoreContext {
  readonly client: KurrentDBClient;
  /** `scheme://host1:2113,...` for messages (no credentials). */
  readonly target: string;
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
    throw toPortError(error, context.target, operation, expected);
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
