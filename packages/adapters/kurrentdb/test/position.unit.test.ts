import fc from 'fast-check';
import { decodePosition, encodePosition, MAX_LOG_POSITION, positionProblem } from '../src/position.js';

/** Every log position an event written through gRPC can have: commit and prepare are the same offset. */
const logOffset = fc.bigInt({ min: 0n, max: MAX_LOG_POSITION });
const committedPosition = logOffset.map((offset) => ({ commit: offset, prepare: offset }));
const INT64_MAX = (1n << 63n) - 1n;
const NO_POSITION = (1n << 64n) - 1n; // what servers send for "no position"

describe('global position encoding (the commit position)', () => {
  it('is the commit position, and reads back as that commit and prepare', () => {
    expect(encodePosition({ commit: 0n, prepare: 0n })).toBe(0n);
    expect(encodePosition({ commit: 1234n, prepare: 1234n })).toBe(1234n);
    expect(decodePosition(1234n)).toEqual({ commit: 1234n, prepare: 1234n });
    expect(decodePosition(0n)).toEqual({ commit: 0n, prepare: 0n });
  });

  it('fits a signed 64-bit column: the largest position is 2^63 - 1', () => {
    expect(MAX_LOG_POSITION).toBe(INT64_MAX);
    expect(encodePosition({ commit: MAX_LOG_POSITION, prepare: MAX_LOG_POSITION })).toBe(INT64_MAX);
    fc.assert(fc.property(committedPosition, (p) => expect(encodePosition(p) <= INT64_MAX && encodePosition(p) >= 0n).toBe(true)), { numRuns: 500 });
  });

  it('round-trips every position an event written through gRPC can have', () => {
    fc.assert(fc.property(committedPosition, (p) => expect(decodePosition(encodePosition(p))).toEqual(p)), { numRuns: 500 });
    fc.assert(fc.property(logOffset, (g) => expect(encodePosition(decodePosition(g))).toBe(g)), { numRuns: 500 });
  });

  it('keeps the order of $all', () => {
    fc.assert(
      fc.property(committedPosition, committedPosition, (a, b) => {
        // $all is ordered by commit, then prepare; for these positions both are the same offset.
        const inLog = a.commit === b.commit ? 0 : a.commit < b.commit ? -1 : 1;
        const byEncoding = encodePosition(a) === encodePosition(b) ? 0 : encodePosition(a) < encodePosition(b) ? -1 : 1;
        expect(byEncoding).toBe(inLog);
      }),
      { numRuns: 500 },
    );
  });

  it('refuses positions without a single global position, saying why', () => {
    expect(positionProblem({ commit: 900n, prepare: 900n })).toBeUndefined();
    expect(positionProblem(undefined)).toBe('came without its log position');
    expect(positionProblem({ commit: NO_POSITION, prepare: NO_POSITION })).toMatch(/the server sent none/);
    expect(positionProblem({ commit: 900n, prepare: 800n })).toMatch(/explicit transaction of the legacy TCP API \(commit 900, prepare 800\)/);
    fc.assert(
      fc.property(logOffset, logOffset, (commit, prepare) => {
        fc.pre(commit !== prepare);
        expect(() => encodePosition({ commit, prepare })).toThrow(RangeError);
      }),
      { numRuns: 200 },
    );
    expect(() => encodePosition({ commit: -1n, prepare: -1n })).toThrow(RangeError);
    expect(() => encodePosition({ commit: INT64_MAX + 1n, prepare: INT64_MAX + 1n })).toThrow(RangeError);
    expect(() => decodePosition(-1n)).toThrow(RangeError);
    expect(() => decodePosition(INT64_MAX + 1n)).toThrow(/KurrentDB positions run from 0 to 9223372036854775807/);
  });
});
