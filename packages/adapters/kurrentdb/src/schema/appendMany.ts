import type { AppendStreamRequest } from '@kurrent/kurrentdb-client';
import type { AppendRequest, AppendResult } from '@learner-ledger/core';
import { assertStreamInStore, type StoreContext } from '../context.js';
import { toPortError } from '../errors.js';
import { toEventData } from '../event-mapping.js';
import { toStreamState } from '../expected-version.js';
import { appendNothing, appendToStream, positionsOfDoneAppend } from './appendToStream.js';

/**
 * Thrown by `appendMany` on a server without multi-stream appends when a
 * stream after the first could not be appended: the streams in `written` were
 * appended (each one whole), the failed one and those after it were not.
 */
export class PartialMultiStreamAppendError extends Error {
  override readonly name = 'PartialMultiStreamAppendError';
  readonly code = 'PARTIAL_MULTI_STREAM_APPEND';
  constructor(
    readonly written: readonly AppendResult[],
    readonly failedStreamId: string,
    readonly notWritten: readonly string[],
    override readonly cause: unknown,
  ) {
    super(
      `kurrentdb store: appendMany without server support for multi-stream appends wrote ${written.map((r) => r.streamId).join(', ')} ` +
        `but not ${notWritten.join(', ')} (stream ${failedStreamId} failed: ${cause instanceof Error ? cause.message : String(cause)})`,
    );
  }
}

const assertDistinct = (requests: readonly AppendRequest[]): void => {
  const seen = new Set<string>();
  for (const request of requests) {
    if (seen.has(request.streamId)) throw new Error(`appendMany: stream ${request.streamId} appears twice in one call`);
    seen.add(request.streamId);
  }
};

/** One KurrentDB multi-stream append (25.1+): every expected version is checked and all streams land or none. */
const appendAtomically = async (context: StoreContext, requests: readonly AppendRequest[]): Promise<readonly AppendResult[]> => {
  // Streams with nothing to append only have their expected version checked, before the atomic append.
  const empty = requests.filter((request) => request.events.length === 0);
  const writing = requests.filter((request) => request.events.length > 0);
  const checked = new Map<string, AppendResult>();
  for (const request of empty) checked.set(request.streamId, await appendNothing(context, request.streamId, request.expectedVersion));
  if (writing.length > 0) {
    const payload: AppendStreamRequest[] = writing.map((request) => ({
      streamName: request.streamId,
      events: request.events.map((event) => toEventData(event, 'properties')),
      expectedState: toStreamState(request.expectedVersion),
    }));
    const count = writing.reduce((sum, request) => sum + request.events.length, 0);
    const byStream = new Map(writing.map((request) => [request.streamId, request]));
    const operation = { operation: `append ${count} event(s) to ${writing.length} streams in one multi-stream append`, writes: true };
    let appended: Awaited<ReturnType<typeof context.client.multiStreamAppend>>;
    try {
      appended = await context.client.multiStreamAppend(payload);
    } catch (error) {
      // Name the stream whose version did not match, with that stream's expected version.
      const streamName = (error as { streamName?: unknown }).streamName;
      const request = typeof streamName === 'string' ? byStream.get(streamName) : undefined;
      throw toPortError(error, context.target, operation, request && { streamId: request.streamId, expectedVersion: request.expectedVersion ?? 'any' });
    }
    const revisions = new Map(appended.responses.map((response) => [response.streamName, response.revision]));
    await Promise.all(
      writing.map(async (request) => {
        const lastRevision = revisions.get(request.streamId);
        if (lastRevision === undefined) throw new Error(`kurrentdb store: the multi-stream append did not report stream ${request.streamId}`);
        const firstRevision = lastRevision - BigInt(request.events.length) + 1n;
        const positions = await positionsOfDoneAppend(context, request.streamId, firstRevision, lastRevision);
        checked.set(request.streamId, {
          streamId: request.streamId,
          nextExpectedVersion: Number(lastRevision + 1n),
          createdNewStream: firstRevision === 0n,
          ...positions,
        });
      }),
    );
  }
  return requests.map((request) => checked.get(request.streamId)!);
};

/** Without server support: one stream after another, each append atomic on its own. */
const appendOneByOne = async (context: StoreContext, requests: readonly AppendRequest[]): Promise<readonly AppendResult[]> => {
  const written: AppendResult[] = [];
  for (const [index, request] of requests.entries()) {
    try {
      written.push(await appendToStream(context, request.streamId, request.events, request.expectedVersion));
    } catch (error) {
      if (written.every((result) => result.lastPosition === 0n)) throw error; // nothing was written yet
      throw new PartialMultiStreamAppendError(written, request.streamId, requests.slice(index).map((r) => r.streamId), error);
    }
  }
  return written;
};

/**
 * `appendMany` of the port. Atomic across streams when the server offers
 * multi-stream appends (KurrentDB 25.1+); otherwise streams are appended one
 * after another and a failure part-way throws {@link PartialMultiStreamAppendError}.
 */
export const appendMany = async (context: StoreContext, requests: readonly AppendRequest[], atomic: boolean): Promise<readonly AppendResult[]> => {
  assertDistinct(requests);
  for (const request of requests) {
    assertStreamInStore(context, request.streamId);
    // Refuse a malformed expected version or event before anything is written.
    toStreamState(request.expectedVersion);
    for (const event of request.events) toEventData(event, 'json');
  }
  if (requests.length === 0) return [];
  if (requests.length === 1) {
    const [only] = requests;
    return [await appendToStream(context, only!.streamId, only!.events, only!.expectedVersion)];
  }
  return atomic ? appendAtomically(context, requests) : appendOneByOne(context, requests);
};
