import { createHash } from 'node:crypto';

/**
 * The advisory-lock key of a stream: 64 bits of a hash of the schema and the
 * stream id, written into SQL as a number or passed as a `bigint` (no text
 * reaches the SQL). A locked decide-and-append holds it exclusively; every
 * other append holds it shared, so it waits for one in progress. Two streams
 * that share a key only wait for each other.
 */
export const streamLockKey = (schema: string, streamId: string): bigint =>
  createHash('sha256').update(`learner-ledger:stream:${schema}\u0000${streamId}`).digest().readBigInt64BE(0);
