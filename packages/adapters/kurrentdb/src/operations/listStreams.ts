import { FORWARDS, START } from '@kurrent/kurrentdb-client';
import { type ListStreamsOptions, type ListStreamsResult, pageOfStreamIds } from '@learner-ledger/core';
import { attempt, type StoreContext } from '../context.js';
import { inStorePrefix, listingFilter } from '../filters.js';

/**
 * `listStreams` of the port. KurrentDB keeps no index of stream names that a
 * client can range-scan (`$streams` exists only where system projections run),
 * so this reads `$all` once, filtered on the server, and keeps the first event
 * of each stream. Ask with `firstEventType` where every stream of interest
 * starts with one type: then only those events cross the wire. Either way the
 * server scans its log, so the cost grows with the log, not with the answer.
 */
export const listStreams = async (context: StoreContext, options: ListStreamsOptions = {}): Promise<ListStreamsResult> => {
  const filter = listingFilter(context.prefix, options);
  if (filter === undefined) return { streamIds: [], isEnd: true };
  const prefix = options.prefix ?? '';
  return attempt(context, { operation: `list the streams starting with ${JSON.stringify(prefix)} ($all)`, writes: false }, async () => {
    const streamIds: string[] = [];
    for await (const resolved of context.client.readAll({ fromPosition: START, direction: FORWARDS, filter })) {
      const event = resolved.event;
      if (!event || event.revision !== 0n || !inStorePrefix(context.prefix, event.streamId) || !event.streamId.startsWith(prefix)) continue;
      if (options.firstEventType === undefined || event.type === options.firstEventType) streamIds.push(event.streamId);
    }
    return pageOfStreamIds(streamIds, options);
  });
};
