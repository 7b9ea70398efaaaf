import fc from 'fast-check';
import { decodePosition, encodePosition, PREPARE_RANGE } from '../src/position.js';

const int64 = fc.bigInt({ min: 0n, max: (1n << 63n) - 1n });
const position = fc.record({ commit: int64, prepare: int64 });

const compare = (a: { commit: bigint; prepare: bigint }, b: { commit: bigint; prepare: bigint }): number =>
  a.commit !== b.commit ? (a.commit < b.commit ? -1 : 1) : a.prepare === b.prepare ? 0 : a.prepare < b.prepare ? -1 : 1;

describe('global position encoding (commit * 2^64 + prepare)', () => {
  it('packs known positions as documented', () => {
    expect(encodePosition({ commit: 0n, prepare: 0n })).toBe(0n);
    expect(encodePosition({ commit: 0n, prepare: 5n })).toBe(5n);
    expect(encodePosition({ commit: 1n, prepare: 0n })).toBe(18446744073709551616n);
    expect(encodePosition({ commit: 1234n, prepare: 1200n })).toBe(1234n * 2n ** 64n + 1200n);
    expect(decodePosition(1234n * 2n ** 64n + 1200n)).toEqual({ commit: 1234n, prepare: 1200n });
    expect(decodePosition(0n)).toEqual({ commit: 0n, prepare: 0n });
  });

  it('round-trips every 63-bit commit/prepare pair', () => {
    fc.assert(fc.property(position, (p) => expect(decodePosition(encodePosition(p))).toEqual(p)), { numRuns: 500 });
  });

  it('keeps the order of $all (commit first, then prepare)', () => {
    fc.assert(
      fc.property(position, position, (a, b) => {
        const byEncoding = encodePosition(a) === encodePosition(b) ? 0 : encodePosition(a) < encodePosition(b) ? -1 : 1;
        expect(byEncoding).toBe(compare(a, b));
      }),
      { numRuns: 500 },
    );
  });

  it('keeps the order when positions share a commit (events of one transaction)', () => {
    fc.assert(
      fc.property(int64, int64, int64, (commit, p1, p2) => {
        expect(encodePosition({ commit, prepare: p1 }) < encodePosition({ commit, prepare: p2 })).toBe(p1 < p2);
      }),
      { numRuns: 200 },
    );
  });

  it('refuses positions it cannot pack or unpack', () => {
    expect(() => encodePosition({ commit: -1n, prepare: 0n })).toThrow(RangeError);
    expect(() => encodePosition({ commit: 0n, prepare: -1n })).toThrow(RangeError);
    expect(() => encodePosition({ commit: 0n, prepare: PREPARE_RANGE })).toThrow(RangeError);
    expect(() => decodePosition(-1n)).toThrow(RangeError);
    expect(() => decodePosition(PREPARE_RANGE * PREPARE_RANGE)).toThrow(RangeError);
  });
});
