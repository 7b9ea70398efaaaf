import { randomFillSync } from 'node:crypto';

/*
 * Random bytes for keys and nonces, drawn from a small buffer the system's
 * CSPRNG fills 4 KB at a time: `randomBytes(12)` costs about 2.7 µs a call,
 * mostly the call itself, and a registration draws twice (its key, its
 * seal's nonce). Node's own `randomUUID` buffers its randomness the same way.
 * Each draw is a copy and its bytes are zeroed in the buffer, so no two draws
 * share a byte and what was handed out is not kept.
 */

const POOL_BYTES = 4096;
const pool = Buffer.alloc(POOL_BYTES);
let next = POOL_BYTES;

/** `length` fresh random bytes (at most 4,096), in a buffer of their own. */
export const drawRandomBytes = (length: number): Buffer => {
  if (!Number.isInteger(length) || length < 0 || length > POOL_BYTES) throw new RangeError(`drawRandomBytes draws 0 to ${POOL_BYTES} bytes, not ${length}`);
  if (next + length > POOL_BYTES) {
    randomFillSync(pool);
    next = 0;
  }
  const out = Buffer.allocUnsafe(length);
  pool.copy(out, 0, next, next + length);
  pool.fill(0, next, next + length);
  next += length;
  return out;
};
