import * as E from 'fp-ts/lib/Either.js';
import fc from 'fast-check';
import { CHAIN_KEY, metadataWithoutLink } from '../src/chain/link.js';
import { decodeEvent, decodeEventFully, trustedMetadata } from '../src/serialization.js';
import { InMemoryEventStore, type StoredEvent } from '../src/index.js';
import { frozenCopy } from '../src/store/in-memory.js';
import { mutate, mutationArb } from './codec-arbitraries.js';
import { linkArb, storedEventArb } from './stored-event-arbitraries.js';

/**
 * The in-memory store builds each stored event with its fields and its
 * marks (checked on write, metadata without its link) inside the object.
 * What it hands back is still the plain frozen object that was appended, it
 * decodes exactly as the full decode does whether it was marked or not, and
 * the marks never travel: a spread of a stored event with other data is
 * checked again.
 */
const NUM_RUNS = 200;
const FIELDS = ['eventId', 'type', 'schemaVersion', 'data', 'metadata', 'streamId', 'streamVersion', 'globalPosition'];

/** Events of every kind, half of them carrying a chain link. */
const eventArb = fc.tuple(storedEventArb, fc.option(linkArb)).map(([stored, link]): StoredEvent => {
  const metadata = stored.metadata;
  const linked = link !== null && metadata !== null && typeof metadata === 'object' && !Array.isArray(metadata) ? { ...metadata, [CHAIN_KEY]: link } : metadata;
  return { ...stored, metadata: linked };
});

/** Appends each event to its stream, one append each (an event the store refuses, as not JSON, is left out), and reads the log back. */
const storeAndRead = async (events: readonly StoredEvent[]): Promise<{ appended: StoredEvent[]; read: readonly StoredEvent[] }> => {
  const store = new InMemoryEventStore();
  const appended: StoredEvent[] = [];
  for (const event of events) {
    const { eventId, type, schemaVersion, data, metadata, streamId } = event;
    try {
      await store.appendToStream(streamId, [{ eventId, type, schemaVersion, data, metadata }]);
      appended.push(event);
    } catch (error) {
      if (!(error instanceof TypeError)) throw error;
    }
  }
  return { appended, read: (await store.readAll({ maxCount: events.length + 1 })).events };
};

describe('events the in-memory store keeps', () => {
  it('read back as the plain frozen events appended, and decode exactly as the full decode does', async () => {
    const outcomes = new Set<string>();
    await fc.assert(
      fc.asyncProperty(fc.array(eventArb, { minLength: 1, maxLength: 6 }), async (events) => {
        const { appended, read } = await storeAndRead(events);
        expect(read).toHaveLength(appended.length);
        read.forEach((stored, i) => {
          expect(Object.getPrototypeOf(stored)).toBe(Object.prototype);
          expect(Object.isFrozen(stored)).toBe(true);
          expect(Object.keys(stored)).toEqual(FIELDS);
          const { eventId, type, schemaVersion, data, metadata, streamId } = appended[i]!;
          const streamVersion = appended.slice(0, i + 1).filter((event) => event.streamId === streamId).length;
          expect(stored).toEqual({ eventId, type, schemaVersion, data: frozenCopy(data, 'data'), metadata: frozenCopy(metadata, 'metadata'), streamId, streamVersion, globalPosition: BigInt(i + 1) });
          // Marked or not, the fast path gives the full decode's envelope or its error (stream, version, position, field).
          const fast = decodeEvent(stored);
          expect(fast).toEqual(decodeEventFully(stored));
          const trusted = trustedMetadata(stored);
          if (trusted !== undefined) expect(E.isRight(fast) && fast.right).toEqual(expect.objectContaining({ event: { type: stored.type, data: stored.data }, metadata: metadataWithoutLink(trusted) }));
          outcomes.add(E.isRight(fast) ? (trusted !== undefined ? 'in place' : 'decoded') : 'refused');
        });
      }),
      { numRuns: NUM_RUNS },
    );
    // Upcast events ('decoded') are too rare here to count on; the read checks' own properties cover them.
    expect(outcomes).toContain('in place');
    expect(outcomes).toContain('refused');
  });

  it('carry no mark to a spread of them: other data is checked again, and refused naming its field', async () => {
    const outcomes = new Set<string>();
    await fc.assert(
      fc.asyncProperty(eventArb, fc.array(mutationArb, { minLength: 1, maxLength: 2 }), async (event, mutations) => {
        const { read } = await storeAndRead([event]);
        if (read.length === 0) return;
        const changed: StoredEvent = { ...read[0]!, data: mutate(read[0]!.data, mutations) };
        const assigned: StoredEvent = Object.assign({}, read[0]!, { data: changed.data });
        for (const copy of [changed, assigned]) {
          expect(Object.getOwnPropertySymbols(copy)).toEqual([]);
          const full = decodeEventFully(copy);
          expect(decodeEvent(copy)).toEqual(full);
          if (trustedMetadata(copy) !== undefined) expect(E.isRight(full)).toBe(true);
          outcomes.add(E.isRight(full) ? 'accepted' : 'refused');
        }
      }),
      { numRuns: NUM_RUNS },
    );
    expect([...outcomes].sort()).toEqual(['accepted', 'refused']);
  });
});
