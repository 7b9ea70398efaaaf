import { BACKWARDS, END } from '@kurrent/kurrentdb-client';
import type { GlobalPosition } from '@learner-ledger/core';
import { attempt, type StoreContext } from '../context.js';
import { positionOf } from '../event-mapping.js';

/**
 * `headPosition` of the port: the last record of this store's streams, read
 * backwards from the end of `$all`. It may be a record `readAll` passes over
 * (a tombstone): `readAll` moves its `lastPosition` past those too.
 */
export const headPosition = async (context: StoreContext): Promise<GlobalPosition> =>
  attempt(context, { operation: 'read the head of the log ($all)', writes: false }, async () => {
    for await (const resolved of context.client.readAll({ fromPosition: END, direction: BACKWARDS, maxCount: 1, filter: context.filter })) {
      return positionOf(resolved);
    }
    return 0n;
  });
