import * as E from 'fp-ts/lib/Either.js';
import fc from 'fast-check';
import { chainHashOf, GENESIS_HASH, isLinked, metadataWithoutLink } from '../src/chain/link.js';
import { LedgerLoadError } from '../src/ledger/errors.js';
import { emptyCacheEntry, foldStored, viewOf, type CacheEntry } from '../src/ledger/state-cache.js';
import { emptyFoldedState } from '../src/organization/state.js';
import { decodeEvent, decodeEventFully, trustedMetadata } from '../src/serialization.js';
import { createLedger, InMemoryEventStore, organizationDecider, organizationStreamId, serializeOrganizationState, type StoredEvent } from '../src/index.js';
import { adminContext, randomHistory } from '../src/testing/index.js';

/**
 * The fold reads an event the read checks accept in place (its metadata as
 * stored, chain link included) and decodes any other. Folding a stream that
 * way gives exactly what folding the fully decoded envelopes gives: the same
 * state, version, last event, instant and chain hash; whether the events come
 * marked by the in-memory store or as plain JSON from another store.
 */
const NUM_RUNS = 40;
const ORG = 'acme';

/** Writes a random history, its first `unchained` commands without the chain (a log from before it), and reads the stream back. */
const writeHistory = async (seed: number, count: number, unchained: number): Promise<readonly StoredEvent[]> => {
  const store = new InMemoryEventStore();
  const commands = randomHistory(ORG, seed, count);
  let ledger = createLedger({ store, chain: false, snapshots: false });
  for (let i = 0; i < commands.length; i++) {
    if (i === unchained) ledger = createLedger({ store, snapshots: false });
    await ledger.execute(commands[i]!, adminContext({ commandId: `cmd-${seed}-${i}`, now: new Date(Date.UTC(2026, 0, 1, 9, i)).toISOString() }));
  }
  return (await store.readStream(organizationStreamId(ORG))).events;
};

/** The stream's events as a store that parses JSON gives them: unmarked, unfrozen. */
const asParsed = (events: readonly StoredEvent[]): StoredEvent[] => events.map((event) => ({ ...event, data: JSON.parse(JSON.stringify(event.data)), metadata: JSON.parse(JSON.stringify(event.metadata)) }));

/** The fold as it was before reading in place: every event fully decoded into an envelope, every hash through `chainHashOf`. */
const referenceFold = (events: readonly StoredEvent[]) => {
  const state = emptyFoldedState();
  let hash: string | undefined = GENESIS_HASH;
  let chained = true;
  for (const stored of events) {
    const decoded = decodeEventFully(stored);
    if (E.isLeft(decoded)) throw new Error(decoded.left.message);
    organizationDecider.evolve(state, decoded.right.event, decoded.right.metadata);
    hash = chainHashOf(stored, hash);
    chained = isLinked(stored.metadata);
  }
  const last = events[events.length - 1];
  return { state: serializeOrganizationState(state), version: events.length, lastEventId: last?.eventId, lastOccurredAt: (last?.metadata as { occurredAt?: string } | undefined)?.occurredAt, lastHash: hash, lastChained: chained };
};

const summary = (entry: CacheEntry) => ({
  state: serializeOrganizationState(viewOf(entry)),
  version: entry.version,
  lastEventId: entry.lastEventId,
  lastOccurredAt: entry.lastOccurredAt,
  lastHash: entry.lastHash,
  lastChained: entry.lastChained,
});

describe('folding stored events in place', () => {
  it('gives the state, version, instant and chain hash of the fully decoded fold, for marked and parsed events, chained or not', async () => {
    await fc.assert(
      fc.asyncProperty(fc.nat(), fc.integer({ min: 1, max: 30 }), fc.nat(40), fc.integer({ min: 1, max: 7 }), async (seed, count, unchained, page) => {
        const events = await writeHistory(seed, count, unchained);
        const expected = referenceFold(events);
        for (const stored of [events, asParsed(events)]) {
          const entry = emptyCacheEntry();
          // Pages of any size, as the store returns them.
          for (let from = 0; from < stored.length; from += page) foldStored(entry, stored.slice(from, from + page));
          expect(summary(entry)).toEqual(expected);
          expect(entry.commands.lastVersion).toBe(events.length);
        }
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('reads in place exactly the events decodeEvent reads on its fast path, with their metadata less the chain link', async () => {
    const events = await writeHistory(7, 25, 5);
    for (const stored of [...events, ...asParsed(events)]) {
      const metadata = trustedMetadata(stored);
      expect(metadata).toBeDefined();
      const decoded = decodeEvent(stored);
      expect(E.isRight(decoded) && decoded.right).toEqual(expect.objectContaining({ event: { type: stored.type, data: stored.data }, metadata: metadataWithoutLink(metadata) }));
    }
  });

  it('still refuses an invalid stored event, naming its field', async () => {
    const events = asParsed(await writeHistory(11, 12, 0));
    const at = events.findIndex((event) => event.type === 'LearnerRegistered');
    events[at] = { ...events[at]!, data: { ...(events[at]!.data as object), learnerId: 42 } };
    expect(trustedMetadata(events[at]!)).toBeUndefined();
    const entry = emptyCacheEntry();
    expect(() => foldStored(entry, events)).toThrow(LedgerLoadError);
    expect(() => foldStored(emptyCacheEntry(), events)).toThrow(/data\.learnerId/);
    expect(entry.version).toBe(at);
  });
});
