import * as E from 'fp-ts/lib/Either.js';
import fc from 'fast-check';
import { CHAIN_KEY, chainHashOf, GENESIS_HASH, isLinked, metadataWithLink, stampedTexts, storedLinkOf } from '../src/chain/link.js';
import { canonicalJson } from '../src/chain/canonical.js';
import { emptyCacheEntry, foldStored, viewOf, type CacheEntry } from '../src/ledger/state-cache.js';
import { decodeEventFully, linkApart } from '../src/serialization.js';
import { chainDigest, chainEvents, createLedger, InMemoryEventStore, organizationStreamId, proveEvent, serializeOrganizationState, verifyChain, type EventStore, type StoredEvent } from '../src/index.js';
import { emptyFoldedState } from '../src/organization/state.js';
import { organizationDecider } from '../src/index.js';
import { adminContext, randomHistory } from '../src/testing/index.js';

/**
 * A store may keep each event's chain link apart from its metadata (the SQL
 * stores: a column of its own, handed over as text). Read that way, a stream
 * folds to the same state and chain hash, verifies alike, gives the same
 * digest and the same proofs, as read with the link in the metadata; and
 * a link that does not parse folds as the same link in the metadata would.
 */
const ORG = 'acme';
const NUM_RUNS = 30;

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

/** An event as a store that keeps the link apart gives it: metadata parsed without the link, the link as JSON text. */
const apart = (stored: StoredEvent): StoredEvent => {
  const split = linkApart(stored);
  return { ...stored, metadata: JSON.parse(JSON.stringify(split.metadata)), link: split.link === undefined ? undefined : JSON.stringify(split.link) };
};

/** A store whose reads give `events`, as they are. */
const storeOf = (events: readonly StoredEvent[]): EventStore =>
  ({
    readStream: async (streamId: string, options: { fromVersion?: number; maxCount?: number } = {}) => {
      const from = Math.max(1, options.fromVersion ?? 1);
      const inStream = events.filter((e) => e.streamId === streamId);
      return { streamId, currentVersion: inStream.length, events: inStream.filter((e) => e.streamVersion >= from).slice(0, options.maxCount ?? Number.POSITIVE_INFINITY) };
    },
  }) as unknown as EventStore;

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
  return { state: serializeOrganizationState(state), version: events.length, lastHash: hash, lastChained: chained };
};

const summary = (entry: CacheEntry) => ({ state: serializeOrganizationState(viewOf(entry)), version: entry.version, lastHash: entry.lastHash, lastChained: entry.lastChained });

const foldInPages = (events: readonly StoredEvent[], page: number): CacheEntry => {
  const entry = emptyCacheEntry();
  for (let from = 0; from < events.length; from += page) foldStored(entry, events.slice(from, from + page));
  return entry;
};

describe('the chain link kept apart from the metadata', () => {
  it('folds to the state and chain hash of the link in the metadata, in pages of any size, also when a link does not parse', async () => {
    await fc.assert(
      fc.asyncProperty(fc.nat(), fc.integer({ min: 1, max: 25 }), fc.nat(30), fc.integer({ min: 1, max: 7 }), fc.option(fc.tuple(fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), fc.constantFrom('{not json', '{"v":2}', 'null')), { nil: undefined }), async (seed, count, unchained, page, broken) => {
        const events = await writeHistory(seed, count, unchained);
        let inMetadata: StoredEvent[] = [...events];
        let kept = events.map(apart);
        if (broken) {
          // The same edited link, in either place: the fold must treat both alike (as an event that carries no hash).
          const at = Math.floor(broken[0] * events.length);
          const [, text] = broken;
          let value: unknown = text;
          try {
            value = JSON.parse(text);
          } catch {
            // Not JSON: in the metadata, the text itself stands for it (it carries no hash either).
          }
          inMetadata = inMetadata.map((e, i) => (i === at ? { ...e, metadata: { ...(e.metadata as object), [CHAIN_KEY]: value } } : e));
          kept = kept.map((e, i) => (i === at ? { ...e, link: text } : e));
        }
        expect(summary(foldInPages(kept, page))).toEqual(referenceFold(inMetadata));
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('verifies alike, and gives the same digest and proofs, as the link in the metadata', async () => {
    await fc.assert(
      fc.asyncProperty(fc.nat(), fc.integer({ min: 1, max: 20 }), fc.nat(25), fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), async (seed, count, unchained, at) => {
        const events = await writeHistory(seed, count, unchained);
        const inMetadata = storeOf(events);
        const kept = storeOf(events.map(apart));
        expect(await verifyChain(kept, ORG)).toEqual(await verifyChain(inMetadata, ORG));
        const digest = await chainDigest(inMetadata, ORG);
        expect(await chainDigest(kept, ORG)).toEqual(digest);
        const version = 1 + Math.floor(at * events.length);
        const options = E.isRight(digest) ? { digest: digest.right } : {};
        expect(await proveEvent(kept, ORG, version, options)).toEqual(await proveEvent(inMetadata, ORG, version, options));
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('reads a link from either place; metadata holding the chain key beside a link kept apart holds none', async () => {
    const events = await writeHistory(3, 8, 0);
    for (const stored of events) {
      const kept = apart(stored);
      expect(storedLinkOf(kept)).toEqual(storedLinkOf(stored));
      expect(metadataWithLink(kept)).toEqual(stored.metadata);
      expect(storedLinkOf({ ...kept, metadata: { ...(kept.metadata as object), [CHAIN_KEY]: storedLinkOf(stored) } })).toBeUndefined();
    }
  });

  it('splits a chained event without copying its metadata, and any other event like it', () => {
    const metadata = { eventId: 'e1', orgId: ORG, extra: 1 };
    const [stamped] = chainEvents(organizationStreamId(ORG), [{ eventId: 'e1', type: 'T', schemaVersion: 1, data: {}, metadata }], 1, GENESIS_HASH).events;
    const split = linkApart(stamped!);
    expect(split.metadata).toBe(metadata);
    expect(split.link).toEqual((stamped!.metadata as Record<string, unknown>)[CHAIN_KEY]);
    // A copy of the event is split by copying its metadata, to the same values.
    expect(linkApart({ ...stamped! })).toEqual(split);
    expect(linkApart({ metadata: [1] })).toEqual({ metadata: [1], link: undefined });
  });

  it('hands a store the canonical texts the link was computed from: JSON of the same payload and metadata, none once the event is copied or its metadata held a chain key', () => {
    const json = fc.jsonValue({ maxDepth: 3 });
    fc.assert(
      fc.property(json, fc.dictionary(fc.string({ maxLength: 6 }), json, { maxKeys: 6 }), fc.boolean(), (data, extra, ownChainKey) => {
        const metadata: Record<string, unknown> = { eventId: 'e1', orgId: ORG, ...extra };
        delete metadata[CHAIN_KEY];
        if (ownChainKey) metadata[CHAIN_KEY] = { v: 2, hash: 'x', parts: 'y' };
        const [stamped] = chainEvents(organizationStreamId(ORG), [{ eventId: 'e1', type: 'T', schemaVersion: 1, data, metadata }], 1, GENESIS_HASH).events;
        const texts = stampedTexts(stamped!);
        if (ownChainKey) {
          expect(texts).toBeUndefined();
          return;
        }
        expect(texts).toEqual({ data: canonicalJson(data), metadata: canonicalJson(metadata) });
        // The values a reader parses back are those JSON.stringify would have written.
        expect(JSON.parse(texts!.data)).toEqual(JSON.parse(JSON.stringify(data) ?? 'null'));
        expect(JSON.parse(texts!.metadata)).toEqual(JSON.parse(JSON.stringify(linkApart(stamped!).metadata)));
        expect(stampedTexts({ ...stamped! })).toBeUndefined();
      }),
      { numRuns: 200 },
    );
  });
});
