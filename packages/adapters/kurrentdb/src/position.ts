import type { GlobalPosition } from '@learner-ledger/core';

/** A position in the KurrentDB transaction log, as the client reports it. */
export interface KurrentPosition {
  readonly commit: bigint;
  readonly prepare: bigint;
}

/** 2^64: prepare positions are signed 64-bit on the server, so they always fit below it. */
export const PREPARE_RANGE = 1n << 64n;

/**
 * The port's global position for a KurrentDB log position:
 * `commit * 2^64 + prepare`. KurrentDB orders `$all` by commit position, then
 * prepare position, and both are non-negative 64-bit integers, so this packing
 * is lossless and keeps the order (p1 before p2 in `$all` ⇔ encode(p1) < encode(p2)).
 * `0n` stays "before the first event": the log opens with system records, so no
 * event of a stream is ever at commit 0, prepare 0.
 */
export const encodePosition = (position: KurrentPosition): GlobalPosition => {
  const { commit, prepare } = position;
  if (commit < 0n || prepare < 0n || prepare >= PREPARE_RANGE || commit >= PREPARE_RANGE) {
    throw new RangeError(`KurrentDB position out of range: commit ${commit}, prepare ${prepare}`);
  }
  return commit * PREPARE_RANGE + prepare;
};

/** The KurrentDB log position packed into a global position by {@link encodePosition}. */
export const decodePosition = (position: GlobalPosition): KurrentPosition => {
  if (position < 0n || position >= PREPARE_RANGE * PREPARE_RANGE) {
    throw new RangeError(`Not a KurrentDB global position: ${position}`);
  }
  return { commit: position / PREPARE_RANGE, prepare: position % PREPARE_RANGE };
};
