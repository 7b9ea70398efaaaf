import { ANY, NO_STREAM, STREAM_EXISTS, type AppendStreamState, type CurrentStreamState } from '@kurrent/kurrentdb-client';
import type { ExpectedVersion } from '@learner-ledger/core';

/**
 * The client's `streamState` for a port expected version. Port versions count
 * events (1-based, 0 ≡ no stream); KurrentDB revisions number them from 0, so
 * "the stream holds n events" is revision n - 1.
 */
export const toStreamState = (expected: ExpectedVersion | undefined): AppendStreamState => {
  if (expected === undefined || expected === 'any') return ANY;
  if (expected === 'no_stream') return NO_STREAM;
  if (expected === 'stream_exists') return STREAM_EXISTS;
  if (!Number.isSafeInteger(expected) || expected < 0) {
    throw new RangeError(`Expected version must be a non-negative integer, 'any', 'no_stream' or 'stream_exists', got ${String(expected)}`);
  }
  return expected === 0 ? NO_STREAM : BigInt(expected - 1);
};

/**
 * The port's stream version (event count) for a state the server reports:
 * `no_stream` (or a deleted/tombstoned marker, a negative revision) is 0,
 * revision r is r + 1.
 */
export const toStreamVersion = (state: CurrentStreamState | AppendStreamState | undefined): number => {
  if (typeof state !== 'bigint' || state < 0n) return 0;
  return Number(state + 1n);
};
