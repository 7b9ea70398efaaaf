import { BACKWARDS, END, FORWARDS, StreamNotFoundError, type ResolvedEvent } from '@kurrent/kurrentdb-client';
import type { ReadStreamOptions, ReadStreamResult, StoredEvent } from '@learner-ledger/core';
import { attempt, wholeCount, type StoreContext } from '../context.js';
import { fromResolvedEvent } from '../event-mapping.js';

/** Reads events of one stream; a stream that does not exist reads as no events. */
export const readStreamEvents = async (
  context: StoreContext,
  streamId: string,
  options: { fromRevision: bigint | typeof END; maxCount: number; backwards?: boolean },
): Promise<ResolvedEvent[]> =>
  attempt(context, { operation: `read stream ${streamId}`, writes: false }, async () => {
    const events: ResolvedEvent[] = [];
    try {
      const reading = context.client.readStream(streamId, {
        fromRevision: options.fromRevision,
        maxCount: options.maxCount,
        direction: options.backwards ? BACKWARDS : FORWARDS,
        requiresLeader: true,
      });
      for await (const resolved of reading) events.push(resolved);
    } catch (error) {
      if (error instanceof StreamNotFoundError) return [];
      throw error;
    }
    return events;
  });

/** The number of events the stream holds (0 when it does not exist): its last revision + 1. */
export const currentVersionOf = async (context: StoreContext, streamId: string): Promise<number> => {
  const [last] = await readStreamEvents(context, streamId, { fromRevision: END, maxCount: 1, backwards: true });
  return last?.event ? Number(last.event.revision + 1n) : 0;
};

/** `readStream` of the port: a page of the stream, forward, and the stream's current version. */
export const readStream = async (context: StoreContext, streamId: string, options: ReadStreamOptions = {}): Promise<ReadStreamResult> => {
  // Whole numbers only: the client passes both through BigInt(), which refuses fractions.
  const fromVersion = Math.max(1, wholeCount(options.fromVersion, 1));
  const maxCount = wholeCount(options.maxCount, Number.MAX_SAFE_INTEGER);
  const page: StoredEvent[] =
    maxCount <= 0
      ? []
      : (await readStreamEvents(context, streamId, { fromRevision: BigInt(fromVersion - 1), maxCount })).map(fromResolvedEvent);
  const last = page[page.length - 1];
  // A page that stopped before maxCount ended at the stream's end; otherwise ask for the last revision.
  const currentVersion = last && page.length < maxCount ? last.streamVersion : Math.max(last?.streamVersion ?? 0, await currentVersionOf(context, streamId));
  return { streamId, currentVersion, events: page };
};
