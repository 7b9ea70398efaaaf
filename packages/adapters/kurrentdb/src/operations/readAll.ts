import { FORWARDS, START, type Filter } from '@kurrent/kurrentdb-client';
import type { GlobalPosition, ReadAllBatch, ReadAllOptions, StoredEvent } from '@learner-ledger/core';
import { attempt, wholeCount, type StoreContext } from '../context.js';
import { toLogEntry } from '../event-mapping.js';
import { exactStreamsFilter, inStorePrefix } from '../filters.js';
import { decodePosition } from '../position.js';

export const DEFAULT_READ_ALL_COUNT = 1000;

/**
 * `readAll` of the port: `$all` forward, filtered on the server to this store's
 * streams (or to exact stream ids), strictly after `after`. KurrentDB starts a
 * read at the given position, so one more event is asked for and events at or
 * before `after` are dropped. KurrentDB's own records in these streams
 * (tombstones, links) and events that are not JSON are passed over, and
 * `lastPosition` moves past them, so no reader is stuck on one; pages are read
 * until `maxCount` events are found or the log ends. `skipTypes` is not
 * applied: the server filter already selects this store's streams.
 */
export const readAll = async (context: StoreContext, options: ReadAllOptions = {}): Promise<ReadAllBatch> => {
  const after = options.after ?? 0n;
  const maxCount = wholeCount(options.maxCount, DEFAULT_READ_ALL_COUNT);
  let filter: Filter = context.filter;
  if (options.streamIds) {
    const streamIds = [...new Set(options.streamIds)].filter((streamId) => inStorePrefix(context.prefix, streamId));
    if (streamIds.length === 0) return { events: [], lastPosition: after, isEnd: true };
    filter = exactStreamsFilter(streamIds);
  }
  if (maxCount === 0) return { events: [], lastPosition: after, isEnd: false };
  return attempt(context, { operation: 'read the log ($all)', writes: false }, async () => {
    const events: StoredEvent[] = [];
    let lastPosition: GlobalPosition = after;
    for (;;) {
      const pageStart = lastPosition;
      const fromPosition = lastPosition === 0n ? START : decodePosition(lastPosition);
      const requested = maxCount - events.length + (lastPosition === 0n ? 0 : 1);
      let received = 0;
      let full = false;
      for await (const resolved of context.client.readAll({ fromPosition, direction: FORWARDS, maxCount: requested, filter })) {
        received++;
        const entry = toLogEntry(resolved);
        if (entry.position <= lastPosition) continue;
        if (entry.kind === 'event') {
          if (events.length === maxCount) {
            full = true;
            break;
          }
          events.push(entry.event);
        }
        lastPosition = entry.position;
      }
      if (full || (events.length === maxCount && received === requested)) return { events, lastPosition, isEnd: false };
      if (received < requested) return { events, lastPosition, isEnd: true };
      if (lastPosition === pageStart) throw new Error(`kurrentdb store: reading $all from position ${pageStart} returned a full page without moving on`);
    }
  });
};
