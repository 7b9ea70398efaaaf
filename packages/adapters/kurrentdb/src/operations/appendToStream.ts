import {
  versionMatches,
  WrongExpectedVersionError,
  type AppendResult,
  type ExpectedVersion,
  type GlobalPosition,
  type NewStoredEvent,
} from '@learner-ledger/core';
import { AppendWrittenResultUnknownError } from '../append-errors.js';
import { scrub, scrubError } from '../connection.js';
import { assertStreamInStore, attempt, type StoreContext } from '../context.js';
import { STORE_NAME } from '../errors.js';
import { positionOf, toEventData } from '../event-mapping.js';
import { toStreamState } from '../expected-version.js';
import { currentVersionOf, readStreamEvents } from './readStream.js';

/**
 * The log positions of the first and last events of an append, read back from
 * the stream by revision (two reads of one event each): exact whatever the
 * server version reports in its append answer.
 */
export const appendedPositions = async (
  context: StoreContext,
  streamId: string,
  firstRevision: bigint,
  lastRevision: bigint,
): Promise<{ firstPosition: GlobalPosition; lastPosition: GlobalPosition }> => {
  const positionAt = async (revision: bigint, backwards: boolean): Promise<GlobalPosition> => {
    const [event] = await readStreamEvents(context, streamId, { fromRevision: revision, maxCount: 1, backwards });
    if (!event || event.event?.revision !== revision) {
      throw new Error(`kurrentdb store: the append to stream ${streamId} succeeded, but event revision ${revision} could not be read back for its position`);
    }
    return positionOf(event);
  };
  const [firstPosition, lastPosition] = await Promise.all([
    positionAt(firstRevision, false),
    lastRevision === firstRevision ? undefined : positionAt(lastRevision, true),
  ]);
  return { firstPosition, lastPosition: lastPosition ?? firstPosition };
};

/**
 * {@link appendedPositions} after an append that succeeded: a failure to read
 * back must not pass for a failed append, so its error says the events are in.
 */
export const positionsOfDoneAppend = async (
  context: StoreContext,
  streamId: string,
  firstRevision: bigint,
  lastRevision: bigint,
): Promise<{ firstPosition: GlobalPosition; lastPosition: GlobalPosition }> => {
  try {
    return await appendedPositions(context, streamId, firstRevision, lastRevision);
  } catch (error) {
    const detail = scrub(error instanceof Error ? error.message : String(error), context.connection.secrets);
    throw new AppendWrittenResultUnknownError(
      STORE_NAME,
      [streamId],
      `the append to stream ${streamId} was written (the stream is now at version ${lastRevision + 1n}), but reading back its log positions failed (${detail}); ` +
        'running the same command again finds it done',
      scrubError(error, context.connection.secrets),
    );
  }
};

/** An append of no events writes nothing; it still checks the expected version, like every store. */
export const appendNothing = async (context: StoreContext, streamId: string, expectedVersion: ExpectedVersion | undefined): Promise<AppendResult> => {
  const current = await currentVersionOf(context, streamId);
  if (!versionMatches(expectedVersion, current)) throw new WrongExpectedVersionError(streamId, expectedVersion ?? 'any', current);
  return { streamId, nextExpectedVersion: current, createdNewStream: false, firstPosition: 0n, lastPosition: 0n };
};

/**
 * `appendToStream` of the port: one KurrentDB append (atomic for its stream),
 * with the expected version as `streamState`. A connection string with
 * `throwOnAppendFailure=false` makes the client answer a version conflict
 * with `success: false` instead of an error; that answer is a conflict too.
 */
export const appendToStream = async (
  context: StoreContext,
  streamId: string,
  events: readonly NewStoredEvent[],
  expectedVersion: ExpectedVersion | undefined,
): Promise<AppendResult> => {
  assertStreamInStore(context, streamId);
  const streamState = toStreamState(expectedVersion);
  if (events.length === 0) return appendNothing(context, streamId, expectedVersion);
  const data = events.map((event) => toEventData(event, 'json'));
  const appended = await attempt(
    context,
    { operation: `append ${events.length} event(s) to stream ${streamId}`, writes: true, streamIds: [streamId] },
    () => context.client.appendToStream(streamId, data, { streamState }),
    { streamId, expectedVersion: expectedVersion ?? 'any' },
  );
  if (!appended.success) {
    // The failed answer's revision is not reliable across client versions: ask the stream.
    throw new WrongExpectedVersionError(streamId, expectedVersion ?? 'any', await currentVersionOf(context, streamId));
  }
  const lastRevision = appended.nextExpectedRevision;
  const firstRevision = lastRevision - BigInt(events.length) + 1n;
  const positions = await positionsOfDoneAppend(context, streamId, firstRevision, lastRevision);
  return {
    streamId,
    nextExpectedVersion: Number(lastRevision + 1n),
    createdNewStream: firstRevision === 0n,
    ...positions,
  };
};
