import type { GlobalPosition } from '@learner-ledger/core';

/** A position in the KurrentDB transaction log, as the client reports it. */
export interface KurrentPosition {
  readonly commit: bigint;
  readonly prepare: bigint;
}

/** The largest log position KurrentDB can hold: positions are signed 64-bit byte offsets into the log. */
export const MAX_LOG_POSITION = (1n << 63n) - 1n;

/**
 * Why a log position has no global position, or undefined when it has one.
 *
 * KurrentDB orders `$all` by commit position, then prepare position. Every
 * event written through gRPC (single-stream appends, and the multi-stream
 * appends of 25.1+) is committed by its own record, so its commit and prepare
 * positions are equal, and that one number orders `$all` on its own. Only the
 * explicit transactions of the legacy TCP API give events a commit position
 * after their prepare position; several events then share a commit position
 * and no single 63-bit number both orders and resumes them.
 */
export const positionProblem = (position: KurrentPosition | undefined): string | undefined => {
  if (!position) return 'came without its log position';
  const { commit, prepare } = position;
  if (commit < 0n || prepare < 0n || commit > MAX_LOG_POSITION || prepare > MAX_LOG_POSITION) {
    // Stream reads of servers before 22.6 (and of transaction events on any server) send 2^64 - 1: "no position".
    return `came without a usable log position (commit ${commit}, prepare ${prepare}: the server sent none)`;
  }
  if (commit !== prepare) {
    return `was written by an explicit transaction of the legacy TCP API (commit ${commit}, prepare ${prepare}), which has no single global position`;
  }
  return undefined;
};

/**
 * The port's global position for a KurrentDB log position: the commit
 * position, which equals the prepare position of every event written through
 * gRPC (only the legacy TCP API's explicit transactions differ). It fits a
 * signed 64-bit integer (SQLite `INTEGER`, PostgreSQL `bigint`), keeps the
 * order of `$all`, and `0n` stays "before the first event" (the log opens with
 * system records).
 *
 * @throws RangeError for a position without a global position.
 */
export const encodePosition = (position: KurrentPosition): GlobalPosition => {
  const problem = positionProblem(position);
  if (problem !== undefined) throw new RangeError(`KurrentDB position has no global position: the event ${problem}`);
  return position.commit;
};

/** The KurrentDB log position of a global position: commit and prepare are the same number. */
export const decodePosition = (position: GlobalPosition): KurrentPosition => {
  if (position < 0n || position > MAX_LOG_POSITION) {
    throw new RangeError(`Not a KurrentDB global position: ${position} (KurrentDB positions run from 0 to ${MAX_LOG_POSITION})`);
  }
  return { commit: position, prepare: position };
};
