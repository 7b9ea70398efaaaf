import type { AppendStreamRequest, MultiAppendResult } from '@kurrent/kurrentdb-client';
import type { AppendRequest, AppendResult } from '@learner-ledger/core';
import { assertStreamInStore, type StoreContext } from '../context.js';
import { AppendOutcomeUnknownError, AppendWrittenResultUnknownError } from '../append-errors.js';
import { STORE_NAME, toPortError } from '../errors.js';
import { toEventData } from '../event-mapping.js';
import { toStreamState } from '../expected-version.js';
import { appendNothing, appendToStream, positionsOfDoneAppend } from './appendToStream.js';

/** What became of the stream whose append failed part-way through a one-by-one `appendMany`. */
export type FailedStreamOutcome = 'not written' | 'may have been written' | 'written';

const outcomeOf = (cause: unknown): FailedStreamOutcome =>
  cause instanceof AppendOutcomeUnknownError ? 'may have been written' : cause instanceof AppendWrittenResultUnknownError ? 'written' : 'not written';

/**
 * Thrown by `appendMany` on a server without multi-stream appends when a
 * stream after the first could not be appended: the streams in `written` were
 * appended (each one whole), those in `notWritten` were not, and
 * `failedStream` says what became of the one that failed (in `notWritten`
 * only when it was not written).
 */
export class PartialMultiStreamAppendError extends Error {
  override readonly name = 'PartialMultiStreamAppendError';
  readonly code = 'PARTIAL_MULTI_STREAM_APPEND';
  readonly failedStream: FailedStreamOutcome;
  readonly notWritten: readonly string[];
  constructor(
    readonly written: readonly AppendResult[],
    readonly failedStreamId: string,
    after: readonly string[],
    override readonly cause: unknown,
  ) {
    const failedStream = outcomeOf(cause);
    const notWritten = failedStream === 'not written' ? [failedStreamId, ...after] : [...after];
    super(
      `kurrentdb store: appendMany without server support for multi-stream appends wrote ${written.map((r) => r.streamId).join(', ')}` +
        `${notWritten.length > 0 ? ` but not ${notWritten.join(', ')}` : ''}` +
        `${failedStream === 'not written' ? '' : `; stream ${failedStreamId} ${failedStream}`}` +
        ` (stream ${failedStreamId} failed: ${cause instanceof Error ? cause.message : String(cause)})`,
    );
    this.failedStream = failedStream;
    this.notWritten = notWritten;
  }
}

const assertDistinct = (requests: readonly AppendRequest[]): void => {
  const seen = new Set<string>();
  for (const request of requests) {
    if (seen.has(request.streamId)) throw new Error(`appendMany: stream ${request.streamId} appears twice in one call`);
    seen.add(request.streamId);
  }
};

/**
 * The new revision of every stream of a multi-stream append the server
 * accepted. The client rejects every failure (it has no `success: false`
 * answer for these appends), so an answer that leaves a stream out, or gives
 * it fewer events than were sent, is a written append whose result is unknown.
 */
export const revisionsOf = (appended: MultiAppendResult, writing: readonly AppendRequest[]): Map<string, bigint> => {
  const revisions = new Map(appended.responses.map((response) => [response.streamName, response.revision]));
  for (const request of writing) {
    const revision = revisions.get(request.streamId);
    if (revision === undefined || revision < BigInt(request.events.length) - 1n) {
      const streamIds = writing.map((r) => r.streamId);
      throw new AppendWrittenResultUnknownError(
        STORE_NAME,
        streamIds,
        `the multi-stream append to ${streamIds.join(', ')} was written, but the server's answer ` +
          `${revision === undefined ? `does not name stream ${request.streamId}` : `gives stream ${request.streamId} revision ${revision}, too low for its ${request.events.length} new event(s)`}; ` +
          'running the same command again finds it done',
      );
    }
  }
  return revisions;
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
    const streamIds = writing.map((request) => request.streamId);
    const operation = { operation: `append ${count} event(s) to ${writing.length} streams in one multi-stream append`, writes: true, streamIds };
    let appended: MultiAppendResult;
    try {
      appended = await context.client.multiStreamAppend(payload);
    } catch (error) {
      // Name the stream whose version did not match, with that stream's expected version.
      const streamName = (error as { streamName?: unknown }).streamName;
      const request = typeof streamName === 'string' ? byStream.get(streamName) : undefined;
      throw toPortError(error, context.connection, operation, request && { streamId: request.streamId, expectedVersion: request.expectedVersion ?? 'any' });
    }
    const revisions = revisionsOf(appended, writing);
    await Promise.all(
      writing.map(async (request) => {
        const lastRevision = revisions.get(request.streamId)!;
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
      throw new PartialMultiStreamAppendError(written, request.streamId, requests.slice(index + 1).map((r) => r.streamId), error);
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
