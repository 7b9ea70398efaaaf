import { BACKWARDS, END } from '@kurrent/kurrentdb-client';
import type { GlobalPosition } from '@learner-ledger/core';
import { attempt, type StoreContext } from '../context.js';
import { positionOf } from '../event-mapping.js';

/** `headPosition` of the port: the last event of this store's streams, read backwards from the end of `$all`. */
export const headPosition = async (context: StoreContext): Promise<GlobalPosition> =>
  attempt(context, { operation: 'read the head of the log ($all)', writes: false }, async () => {
    for await (const resolved of context.client.readAll({ fromPosition: END, direction: BACKWARDS, maxCount: 1, filter: context.filter })) {
      const position = positionOf(resolved);
      if (position !== undefined) return position;
    }
    return 0n;
  });
