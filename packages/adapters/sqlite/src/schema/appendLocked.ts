import type { LockedAppendResult, LockedDecision, StoredEvent } from '@learner-ledger/core';
import { type AppendStatements, appendToStreams } from './appendToStreams.js';
import { type ReadStreamStatements, readStream } from './readStream.js';

/**
 * Reads the stream's events after `afterVersion`, lets `decide` choose what
 * to append after them, and appends it. Must run inside one write
 * transaction (the caller opens it with BEGIN IMMEDIATE): the file's write
 * lock then covers the read, the decision and the append, so a writer of
 * another process waits for the commit instead of deciding on what this
 * one is about to change.
 */
export const appendLocked = <T>(
  statements: { readonly append: AppendStatements; readonly read: ReadStreamStatements },
  streamId: string,
  afterVersion: number,
  decide: (tail: readonly StoredEvent[]) => LockedDecision<T>,
): LockedAppendResult<T> => {
  const tail = readStream(statements.read, streamId, { fromVersion: afterVersion + 1 }).events;
  const { events, value } = decide(tail);
  if (events.length === 0) return { value };
  const [append] = appendToStreams(statements.append, [{ streamId, events, expectedVersion: afterVersion + tail.length }]);
  return { value, append: append! };
};
