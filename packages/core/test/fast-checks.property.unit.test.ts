import * as E from 'fp-ts/lib/Either.js';
import fc from 'fast-check';
import type * as t from 'io-ts';
import { compileCopyWithout, compileFastCheck, isFastEntityId, isFastInstant, isFastOrgId } from '../src/fast-checks.js';
import { CHAIN_KEY, metadataWithoutLink } from '../src/chain/link.js';
import {
  CURRENT_EVENT_CODECS,
  decodeEvent,
  decodeEventFully,
  EntityIdCodec,
  EVENT_TYPES,
  EventMetadata,
  IsoInstant,
  OrgIdCodec,
} from '../src/index.js';
import { instantArb, mutate, mutationArb, trickyStringArb, validArb } from './codec-arbitraries.js';
import { linkArb, metadataArb, storedEventArb } from './stored-event-arbitraries.js';

/**
 * The checks compiled from the codecs, which decide whether a stored event
 * takes the fast path, accept nothing the codecs refuse (never looser), and
 * accept what the library writes (so the fast path is the common one).
 * decodeEvent, fast path included, gives the result of the full decode for
 * any stored event: valid, upcast, mutated, unknown, foreign.
 */
const NUM_RUNS = 300;
const dataCodecOf = (type: keyof typeof CURRENT_EVENT_CODECS): t.Mixed => CURRENT_EVENT_CODECS[type].codec.props.data as t.Mixed;

describe('checks compiled from the codecs', () => {
  it.each(EVENT_TYPES)('%s: accepts the data the library writes', (type) => {
    const codec = dataCodecOf(type);
    const fast = compileFastCheck(codec);
    fc.assert(
      fc.property(validArb(codec, false), (data) => {
        const json = JSON.parse(JSON.stringify(data));
        expect(codec.is(json)).toBe(true);
        expect(fast(json)).toBe(true);
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it.each(EVENT_TYPES)('%s: never accepts data its codec refuses (valid, lenient and mutated data)', (type) => {
    const codec = dataCodecOf(type);
    const fast = compileFastCheck(codec);
    const outcomes = new Set<string>();
    fc.assert(
      fc.property(validArb(codec, true), fc.array(mutationArb, { maxLength: 3 }), (data, mutations) => {
        const value = mutate(data, mutations);
        const accepted = fast(value);
        outcomes.add(`${accepted}/${codec.is(value)}`);
        if (accepted) {
          expect(codec.is(value)).toBe(true);
          expect(E.isRight(codec.decode(value))).toBe(true);
        }
      }),
      { numRuns: NUM_RUNS },
    );
    // Both answers were met: the property looked at values on either side.
    expect(outcomes).toContain('true/true');
    expect(outcomes).toContain('false/false');
  });

  it('metadata: accepts what the library writes and never what the codec refuses', () => {
    const fast = compileFastCheck(EventMetadata);
    fc.assert(
      fc.property(metadataArb(false), (metadata) => expect(fast(JSON.parse(JSON.stringify(metadata)))).toBe(true)),
      { numRuns: NUM_RUNS },
    );
    let refused = 0;
    fc.assert(
      fc.property(metadataArb(true), fc.array(mutationArb, { maxLength: 3 }), (metadata, mutations) => {
        const value = mutate(metadata, mutations);
        if (fast(value)) expect(EventMetadata.is(value)).toBe(true);
        else refused++;
      }),
      { numRuns: NUM_RUNS * 3 },
    );
    expect(refused).toBeGreaterThan(0);
  });

  it('instants: a subset of the codec, which canonical instants are always in', () => {
    fc.assert(
      fc.property(instantArb(true), trickyStringArb, (instant, other) => {
        for (const value of [instant, other, `${instant}`.replace('T', 't'), instant.slice(0, -1)]) {
          if (isFastInstant(value)) expect(IsoInstant.is(value)).toBe(true);
        }
      }),
      { numRuns: NUM_RUNS * 10 },
    );
    fc.assert(
      fc.property(instantArb(false), (instant) => expect(isFastInstant(instant)).toBe(true)),
      { numRuns: NUM_RUNS * 10 },
    );
  });

  it('ids and organization ids: exactly the codec', () => {
    fc.assert(
      fc.property(fc.oneof(trickyStringArb, fc.string({ maxLength: 10 }), fc.constantFrom(1, null, undefined, ['a'])), (value) => {
        expect(isFastEntityId(value)).toBe(EntityIdCodec.is(value));
        expect(isFastOrgId(value)).toBe(OrgIdCodec.is(value));
        expect(isFastOrgId(value)).toBe(OrgIdCodec.is(value)); // once more: now remembered when accepted
      }),
      { numRuns: NUM_RUNS * 10 },
    );
  });
});

describe('decodeEvent with its fast path', () => {
  it('gives exactly the full decode: the same envelope, or the same error naming stream, version, position and field', () => {
    const outcomes = new Set<string>();
    fc.assert(
      fc.property(fc.array(storedEventArb, { minLength: 1, maxLength: 6 }), (events) => {
        // Several in a row: what the fast path remembers between events must not leak from one to the next.
        for (const stored of events) {
          const fast = decodeEvent(stored);
          const full = decodeEventFully(stored);
          expect(fast).toEqual(full);
          outcomes.add(E.isRight(fast) ? 'right' : fast.left.code);
        }
      }),
      { numRuns: NUM_RUNS * 4 },
    );
    expect([...outcomes].sort()).toEqual(['EVENT_DECODE_FAILED', 'UNKNOWN_EVENT_TYPE', 'UNSUPPORTED_SCHEMA_VERSION', 'right']);
  });
});


describe('the metadata copy compiled from its codec', () => {
  const copy = compileCopyWithout(EventMetadata, CHAIN_KEY);

  it('copies what the library writes, chain link left out, exactly as a spread would', () => {
    fc.assert(
      fc.property(metadataArb(false), linkArb, (metadata, link) => {
        const stored = JSON.parse(JSON.stringify({ ...metadata, [CHAIN_KEY]: link })) as object;
        const copied = copy(stored);
        expect(copied).toBeDefined();
        expect(copied).toStrictEqual(metadataWithoutLink(stored));
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('gives nothing or the spread, never another copy (extra keys, missing keys, undefined values)', () => {
    const outcomes = new Set<string>();
    fc.assert(
      fc.property(metadataArb(true), fc.array(mutationArb, { maxLength: 3 }), fc.option(linkArb), fc.constantFrom(undefined, 'extra', 'undefined-optional', 'missing-required'), (metadata, mutations, link, edit) => {
        const value = mutate(link === null ? metadata : { ...metadata, [CHAIN_KEY]: link }, mutations);
        if (value === null || typeof value !== 'object' || Array.isArray(value)) return;
        const edited: Record<string, unknown> = { ...(value as Record<string, unknown>) };
        if (edit === 'extra') edited.tenant = 'other';
        if (edit === 'undefined-optional') edited.importId = undefined;
        if (edit === 'missing-required') delete edited.orgId;
        const copied = copy(edited);
        outcomes.add(copied === undefined ? 'none' : 'copy');
        if (copied !== undefined) expect(copied).toStrictEqual(metadataWithoutLink({ ...edited, [CHAIN_KEY]: true }));
      }),
      { numRuns: NUM_RUNS * 3 },
    );
    expect([...outcomes].sort()).toEqual(['copy', 'none']);
  });
});

describe('decodeEvent with its fast path, on events carrying a chain link', () => {
  it('gives exactly the full decode', () => {
    fc.assert(
      fc.property(storedEventArb, linkArb, (stored, link) => {
        const metadata = stored.metadata;
        const linked = metadata !== null && typeof metadata === 'object' && !Array.isArray(metadata) ? { ...metadata, [CHAIN_KEY]: link } : metadata;
        const event = { ...stored, metadata: linked };
        expect(decodeEvent(event)).toEqual(decodeEventFully(event));
      }),
      { numRuns: NUM_RUNS * 4 },
    );
  });
});
