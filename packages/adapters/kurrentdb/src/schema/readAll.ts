import { FORWARDS, START, type Filter } from '@kurrent/kurrentdb-client';
import type { ReadAllBatch, ReadAllOptions, StoredEvent } from '@learner-ledger/core';
import { attempt, type StoreContext } from '../context.js';
import { fromResolvedEvent } from '../event-mapping.js';
import { exactStreamsFilter, inStorePrefix } from '../filters.js';
import { decodePosition } from '../position.js';

export const DEFAULT_READ_ALL_COUNT = 1000;

/**
 * `readAll` of the port: `$all` forward, filtered on the server to this store's
 * streams (or to exact stream ids), strictly after `after`. KurrentDB starts a
 * read at the given position, so one more event is asked for and events at or
 * before `after` are dropped.
 */
export const readAll = async (context: StoreContext, options: ReadAllOptions = {}): Promise<ReadAllBatch> => {
  const after = options.after ?? 0n;
  const maxCount = Math.max(0, Math.floor(options.maxCount ?? DEFAULT_READ_ALL_COUNT));
  let filter: Filter = context.filter;
  if (options.streamIds) {
    const streamIds = [...new Set(options.streamIds)].filter((streamId) => inStorePrefix(context.prefix, streamId));
    if (streamIds.length === 0) return { events: [], lastPosition: after, isEnd: true };
    filter = exactStreamsFilter(streamIds);
  }
  if (maxCount === 0) return { events: [], lastPosition: after, isEnd: false };
  const fromPosition = after === 0n ? START : decodePosition(after);
  const requested = after === 0n ? maxCount : maxCount + 1;
  return attempt(context, { operation: 'read the log ($all)', writes: false }, async () => {
    const events: StoredEvent[] = [];
    let received = 0;
    for await (const resolved of context.client.readAll({ fromPosition, direction: FORWARDS, maxCount: requested, filter })) {
      received++;
      if (!resolved.event) continue;
      const event = fromResolvedEvent(resolved);
      if (event.globalPosition > after) events.push(event);
    }
    const page = events.slice(0, maxCount);
    return {
      events: page,
      lastPosition: page[page.length - 1]?.globalPosition ?? after,
      isEnd: received < requested,
    };
  });
};
