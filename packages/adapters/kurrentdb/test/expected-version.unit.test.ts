import { ANY, NO_STREAM, STREAM_EXISTS } from '@kurrent/kurrentdb-client';
import fc from 'fast-check';
import { toStreamState, toStreamVersion } from '../src/expected-version.js';

describe('expected version → KurrentDB streamState', () => {
  it('maps the named states', () => {
    expect(toStreamState(undefined)).toBe(ANY);
    expect(toStreamState('any')).toBe(ANY);
    expect(toStreamState('no_stream')).toBe(NO_STREAM);
    expect(toStreamState('stream_exists')).toBe(STREAM_EXISTS);
  });

  it('maps a version (event count) to the revision of the last event', () => {
    expect(toStreamState(0)).toBe(NO_STREAM);
    expect(toStreamState(1)).toBe(0n);
    expect(toStreamState(2)).toBe(1n);
    expect(toStreamState(1_000_000)).toBe(999_999n);
  });

  it('refuses versions that are not counts', () => {
    for (const bad of [-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) expect(() => toStreamState(bad)).toThrow(RangeError);
  });

  it('reads the actual state back as a version, inverse of the mapping', () => {
    expect(toStreamVersion(NO_STREAM)).toBe(0);
    expect(toStreamVersion(undefined)).toBe(0);
    expect(toStreamVersion(-5n)).toBe(0); // deleted stream marker
    expect(toStreamVersion(0n)).toBe(1);
    expect(toStreamVersion(41n)).toBe(42);
    fc.assert(fc.property(fc.integer({ min: 0, max: 2 ** 40 }), (version) => expect(toStreamVersion(toStreamState(version))).toBe(version)), { numRuns: 300 });
  });
});
