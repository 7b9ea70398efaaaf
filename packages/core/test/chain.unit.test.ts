import { createHash } from 'node:crypto';
import * as E from 'fp-ts/lib/Either.js';
import fc from 'fast-check';
import {
  canonicalJson,
  chainDigest,
  chainEvents,
  computeLink,
  GENESIS_HASH,
  createLedger,
  decodeEvent,
  InMemoryEventStore,
  InMemorySnapshotStore,
  organizationStreamId,
  proveEvent,
  verifyChain,
  verifyEventProof,
  type ChainDigest,
  type EventStore,
  type Ledger,
  type StoredEvent,
} from '../src/index.js';
import { adminContext, randomHistory } from '../src/testing/index.js';

const write = async (ledger: Ledger, orgId: string, seed: number, commands: number): Promise<void> => {
  for (const command of randomHistory(orgId, seed, commands)) await ledger.execute(command, adminContext());
};

const digestOf = async (store: EventStore, orgId: string): Promise<ChainDigest> => {
  const digest = await chainDigest(store, orgId);
  if (E.isLeft(digest)) throw new Error(digest.left.message);
  return digest.right;
};

/** A store whose reads can be rewritten, as a hand edit of the stored rows would. */
class EditableStore extends InMemoryEventStore {
  edit: ((stored: StoredEvent) => StoredEvent) | undefined;
  override async readStream(...args: Parameters<InMemoryEventStore['readStream']>) {
    const read = await super.readStream(...args);
    const edit = this.edit;
    return edit ? { ...read, events: read.events.map(edit) } : read;
  }
}

describe('canonical JSON', () => {
  it('is the same text whatever the key order, and reads back as the same value', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const text = canonicalJson(value);
        const reordered = JSON.parse(JSON.stringify(value), (_key, v: unknown) => (v !== null && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).reverse()) : v));
        expect(canonicalJson(reordered)).toBe(text);
        expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(value)));
      }),
    );
  });
});

/** The canonical JSON as its definition says, written the plain way: keys sorted, members joined. */
const referenceJson = (value: unknown): string => {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map((item) => (item === undefined || typeof item === 'function' || typeof item === 'symbol' ? 'null' : referenceJson(item))).join(',')}]`;
  const record = value as Record<string, unknown>;
  const members = Object.keys(record)
    .sort()
    .filter((key) => !(record[key] === undefined || typeof record[key] === 'function' || typeof record[key] === 'symbol'))
    .map((key) => `${JSON.stringify(key)}:${referenceJson(record[key])}`);
  return `{${members.join(',')}}`;
};

describe('canonical JSON, as chain version 1 hashes it', () => {
  it('is the text of every value with its keys sorted and written once, as JSON.stringify writes strings and numbers', () => {
    const strings = fc.string({ unit: 'binary', maxLength: 12 });
    const values = fc.letrec<{ value: unknown }>((tie) => ({
      value: fc.oneof(
        { depthSize: 'small' },
        strings,
        fc.double(),
        fc.integer(),
        fc.boolean(),
        fc.constant(null),
        fc.constant(undefined),
        fc.array(tie('value'), { maxLength: 4 }),
        fc.dictionary(fc.oneof(strings, fc.nat().map(String)), tie('value'), { maxKeys: 5 }),
      ),
    })).value;
    fc.assert(
      fc.property(values, fc.array(values, { minLength: 2, maxLength: 2 }), (value, [a, b]) => {
        expect(canonicalJson(value)).toBe(referenceJson(value));
        // Objects of one key order, then of another with the same keys: the key orders kept between values are not mixed up.
        const one = { zeta: a, alpha: b, mid: value };
        const other = { mid: b, zeta: value, alpha: a };
        expect(canonicalJson(one)).toBe(referenceJson(one));
        expect(canonicalJson(other)).toBe(referenceJson(other));
      }),
      { numRuns: 500 },
    );
  });

  it('hashes an event as version 1 always did: the SHA-256 of its canonical parts, one per line, the link left out; version 2 alike, with SHA-256 part digests', () => {
    const event = {
      streamId: 'org-acme',
      streamVersion: 3,
      eventId: 'e-3',
      type: 'LearnerRegistered',
      schemaVersion: 1,
      data: { learnerId: 'l-1', name: { first: 'Zoë', last: 'O"Brien\\' }, emails: ['a@b.example', null], tags: { b: 1, a: 2.5, '10': true, '9': false }, note: 'tab\there \ud83d\ude00 \ud800' },
      metadata: { eventId: 'e-3', occurredAt: '2026-01-05T14:00:00.000Z', orgId: 'acme', actor: { kind: 'admin', id: 'x' }, line: 7, chain: { v: 1, hash: 'stored', parts: 'stored' } },
    };
    const previous = 'ab'.repeat(32);
    const { chain: _link, ...metadata } = event.metadata;
    const text = [
      'learner-ledger chain v1',
      previous,
      referenceJson({ streamId: event.streamId, streamVersion: event.streamVersion, eventId: event.eventId }),
      referenceJson({ type: event.type, schemaVersion: event.schemaVersion }),
      referenceJson(event.data),
      referenceJson(metadata),
    ].join('\n');
    const link = computeLink(event, previous, 1);
    expect(link.hash).toBe(createHash('sha256').update(text).digest('hex'));
    // Pinned: links written by earlier releases of this library keep verifying.
    expect(link).toEqual({ hash: '52f3f35e64e69fedf9153749cd4906dd29f876ed1bfaff53e323f37dcaea0779', parts: '7d915750.e6e8b928.ecec4a55.73e92a0a' });
    const digest = (part: string) => createHash('sha256').update(part).digest('hex').slice(0, 8);
    const [, , place, type, data, meta] = text.split('\n');
    expect(computeLink(event, previous, 2)).toEqual({ hash: link.hash, parts: [type, data, meta, place].map((part) => digest(part!)).join('.') });
    expect(computeLink(event, previous)).toEqual(computeLink(event, previous, 2));
  });

  it('hashes the type and place parts as the canonical JSON of their objects, whatever their values, on first sight and once remembered', () => {
    const strings = fc.oneof(fc.constantFrom('LearnerDeactivated', 'LicenseReleased', 'org-acme'), fc.string({ unit: 'binary', maxLength: 8 }));
    const numbers = fc.oneof(fc.integer({ min: 0, max: 3 }), fc.integer(), fc.double(), fc.constantFrom(-0, Number.NaN, Number.POSITIVE_INFINITY, 1e21, 5e-7));
    const digest = (part: string) => createHash('sha256').update(part).digest('hex').slice(0, 8);
    fc.assert(
      fc.property(fc.record({ type: strings, schemaVersion: numbers, eventId: strings, streamId: strings, streamVersion: numbers, previous: fc.constantFrom(GENESIS_HASH, 'ab'.repeat(32)) }), (input) => {
        const { type, schemaVersion, eventId, streamId, streamVersion, previous } = input;
        const event = { streamId, streamVersion, eventId, type, schemaVersion, data: { learnerId: 'l-1' }, metadata: { eventId, orgId: 'acme' } };
        const parts = [
          referenceJson({ type, schemaVersion }),
          referenceJson(event.data),
          referenceJson(event.metadata),
          referenceJson({ streamId, streamVersion, eventId }),
        ];
        const hash = createHash('sha256').update(['learner-ledger chain v1', previous, parts[3], parts[0], parts[1], parts[2]].join('\n')).digest('hex');
        // Twice: the second time the type's text and digest are the ones remembered from the first.
        for (let round = 0; round < 2; round++) {
          expect(computeLink(event, previous, 2)).toEqual({ hash, parts: parts.map(digest).join('.') });
          expect(computeLink(event, previous, 1).hash).toBe(hash);
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('the chain of an organization stream', () => {
  it('every stream the ledger writes verifies; its digest proves each of its events, and no other', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer(), fc.integer({ min: 0, max: 20 }), fc.integer({ min: 1, max: 7 }), async (seed, commands, maxCommands) => {
        const store = new InMemoryEventStore();
        const ledger = createLedger({ store, groupCommit: { maxCommands } });
        await Promise.all(randomHistory('acme', seed, commands).map((command) => ledger.execute(command, adminContext())));
        const verification = await verifyChain(store, 'acme');
        expect(verification.mismatch).toBeUndefined();
        expect(verification.unchainedEvents).toBe(0);
        const digest = await digestOf(store, 'acme');
        expect(digest).toMatchObject({ streamId: organizationStreamId('acme'), streamVersion: verification.events, hash: verification.head.hash });
        expect((await verifyChain(store, 'acme', { digest })).mismatch).toBeUndefined();
        for (let version = 1; version <= digest.streamVersion; version++) {
          const proof = await proveEvent(store, 'acme', version, { digest });
          if (E.isLeft(proof)) throw new Error(proof.left.message);
          expect(verifyEventProof(proof.right, digest)).toEqual(E.right({ hash: expect.stringMatching(/^[0-9a-f]{64}$/) }));
          // The same proof with the event's payload changed proves nothing.
          const forged = { ...proof.right, event: { ...proof.right.event, data: { ...(proof.right.event.data as object), forged: true } } };
          expect(E.isLeft(verifyEventProof(forged, digest))).toBe(true);
          expect(E.isLeft(verifyEventProof(proof.right, { ...digest, merkleRoot: digest.hash }))).toBe(true);
        }
      }),
      { numRuns: 25 },
    );
  });

  it('a digest keeps proving its events after the stream grew, and no longer matches once an event it covers changed', async () => {
    const store = new EditableStore();
    const ledger = createLedger({ store });
    await write(ledger, 'acme', 1, 8);
    const digest = await digestOf(store, 'acme');
    await write(ledger, 'acme', 2, 8);
    expect((await verifyChain(store, 'acme', { digest })).mismatch).toBeUndefined();
    const proof = await proveEvent(store, 'acme', 2, { digest });
    expect(E.isRight(proof) && E.isRight(verifyEventProof(proof.right, digest))).toBe(true);
    // An event changed and every link from it on recomputed: the chain alone cannot tell, the digest can.
    const all = (await store.readStream(organizationStreamId('acme'))).events;
    const changed = all.map((stored, i) => (i === 1 ? { ...stored, data: { ...(stored.data as object), name: 'Someone Else' } } : stored));
    const unlinked = changed.slice(1).map(({ eventId, type, schemaVersion, data, metadata }) => ({ eventId, type, schemaVersion, data, metadata: { ...(metadata as object), chain: undefined } }));
    const relinked = chainEvents(organizationStreamId('acme'), unlinked, 2, (all[0]!.metadata as { chain: { hash: string } }).chain.hash).events;
    store.edit = (stored) => (stored.streamVersion >= 2 ? { ...stored, ...relinked[stored.streamVersion - 2]! } : stored);
    expect((await verifyChain(store, 'acme')).mismatch).toBeUndefined();
    expect((await verifyChain(store, 'acme', { digest })).mismatch).toMatchObject({ kind: 'digest', position: digest.streamVersion });
  });

  it('a digest of more events than the stream holds says events were removed', async () => {
    const store = new EditableStore();
    const ledger = createLedger({ store });
    await write(ledger, 'acme', 3, 5);
    const digest = await digestOf(store, 'acme');
    store.edit = (stored) => stored;
    const shorter = { ...digest, streamVersion: digest.streamVersion + 2 };
    expect((await verifyChain(store, 'acme', { digest: shorter })).mismatch).toMatchObject({ kind: 'digest', position: digest.streamVersion + 2 });
    expect((await verifyChain(store, 'acme', { digest: { ...digest, hash: '0'.repeat(64) } })).mismatch).toMatchObject({ kind: 'digest' });
  });
});

describe('a log written with version 1 links', () => {
  it('keeps verifying and proving its events, tells which part of one changed, and takes version 2 events after it', async () => {
    const source = new InMemoryEventStore();
    await write(createLedger({ store: source, chain: false }), 'acme', 12, 8);
    const streamId = organizationStreamId('acme');
    const unlinked = (await source.readStream(streamId)).events;
    // Linked as releases before version 2 linked them.
    let previous = GENESIS_HASH;
    const linked = unlinked.map((stored) => {
      const { hash, parts } = computeLink(stored, previous, 1);
      previous = hash;
      return { eventId: stored.eventId, type: stored.type, schemaVersion: stored.schemaVersion, data: stored.data, metadata: { ...(stored.metadata as object), chain: { v: 1, hash, parts } } };
    });
    const store = new EditableStore();
    await store.appendToStream(streamId, linked, { expectedVersion: 'no_stream' });
    const before = await digestOf(store, 'acme');
    await write(createLedger({ store }), 'acme', 13, 4);
    const all = (await store.readStream(streamId)).events;
    expect(all.length).toBeGreaterThan(linked.length);
    expect(all.map((stored) => (stored.metadata as { chain: { v: number } }).chain.v)).toEqual(all.map((_, i) => (i < linked.length ? 1 : 2)));
    const verification = await verifyChain(store, 'acme', { digest: before });
    expect(verification.mismatch).toBeUndefined();
    expect(verification.unchainedEvents).toBe(0);
    const digest = await digestOf(store, 'acme');
    for (const version of [1, linked.length, linked.length + 1, all.length]) {
      const proof = await proveEvent(store, 'acme', version, { digest });
      if (E.isLeft(proof)) throw new Error(proof.left.message);
      expect(proof.right.chainVersion).toBe(version <= linked.length ? 1 : 2);
      expect(E.isRight(verifyEventProof(proof.right, digest))).toBe(true);
    }
    for (const version of [2, linked.length + 1]) {
      store.edit = (stored) => (stored.streamVersion === version ? { ...stored, data: { ...(stored.data as object), edited: true } } : stored);
      expect((await verifyChain(store, 'acme')).mismatch).toMatchObject({ position: version, kind: 'data' });
    }
  });
});

describe('a log written before the chain', () => {
  it('is anchored by the first chained event, which verification checks, also after a snapshot', async () => {
    for (const snapshots of [false, true] as const) {
      const store = new InMemoryEventStore();
      const snapshotStore = new InMemorySnapshotStore();
      const old = createLedger({ store, chain: false, ...(snapshots ? { snapshots: snapshotStore, snapshotEvery: 1 } : { snapshots: false }) });
      await write(old, 'acme', 4, 12);
      await old.flushSnapshots();
      const legacy = await verifyChain(store, 'acme');
      expect(legacy.mismatch).toBeUndefined();
      expect(legacy.unchainedEvents).toBe(legacy.events);
      // A ledger with the chain, in a new process: from the snapshot, or folding the stream.
      const ledger = createLedger({ store, ...(snapshots ? { snapshots: snapshotStore } : { snapshots: false }) });
      await write(ledger, 'acme', 5, 6);
      if (snapshots) expect(ledger.snapshotCounters().loaded).toBe(1);
      const verification = await verifyChain(store, 'acme');
      expect(verification.mismatch).toBeUndefined();
      expect(verification.unchainedEvents).toBe(legacy.events);
      expect(verification.events).toBeGreaterThan(legacy.events);
      const [first] = (await store.readStream(organizationStreamId('acme'), { fromVersion: legacy.events + 1, maxCount: 1 })).events;
      expect((first!.metadata as { chain: { anchors: number } }).chain.anchors).toBe(legacy.events);
    }
  });

  it('hashes the anchored events as the chain would have: the head is that of the same log written with the chain', async () => {
    const ids = () => {
      let n = 0;
      return () => `id-${n++}`;
    };
    const heads: string[] = [];
    for (const chainFirst of [false, true]) {
      const store = new InMemoryEventStore();
      const newId = ids();
      await write(createLedger({ store, chain: chainFirst, newId }), 'acme', 10, 8);
      await write(createLedger({ store, newId }), 'acme', 11, 4);
      const verification = await verifyChain(store, 'acme');
      expect(verification.mismatch).toBeUndefined();
      heads.push(verification.head.hash);
    }
    expect(heads[0]).toBe(heads[1]);
  });

  it('an edit of an anchored event is reported at the event that anchors it', async () => {
    const store = new EditableStore();
    await write(createLedger({ store, chain: false }), 'acme', 6, 6);
    const prefix = (await verifyChain(store, 'acme')).events;
    await write(createLedger({ store }), 'acme', 7, 3);
    store.edit = (stored) => (stored.streamVersion === 1 ? { ...stored, data: { ...(stored.data as object), seats: 1000 } } : stored);
    expect((await verifyChain(store, 'acme')).mismatch).toMatchObject({ position: prefix + 1, kind: 'hash' });
  });

  it('chained events followed by one without a link: reported at that event', async () => {
    const store = new InMemoryEventStore();
    await write(createLedger({ store }), 'acme', 8, 3);
    const chained = (await verifyChain(store, 'acme')).events;
    await write(createLedger({ store, chain: false }), 'acme', 9, 4);
    expect((await verifyChain(store, 'acme')).mismatch).toMatchObject({ position: chained + 1, kind: 'missing-link' });
  });
});

describe('reading chained events from the in-memory store', () => {
  it('decodes each to its metadata without the link, as a plain copy of it decodes, and a copy with other metadata to that metadata', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer(), fc.integer({ min: 1, max: 12 }), async (seed, commands) => {
        const store = new InMemoryEventStore();
        await write(createLedger({ store }), 'acme', seed, commands);
        for (const stored of (await store.readStream(organizationStreamId('acme'))).events) {
          const { chain: link, ...withoutLink } = stored.metadata as Record<string, unknown>;
          expect(link).toBeDefined();
          const decoded = decodeEvent(stored);
          if (E.isLeft(decoded)) throw new Error(decoded.left.message);
          expect(decoded.right.metadata).toEqual(withoutLink);
          expect(decoded.right.metadata).not.toHaveProperty('chain');
          // A copy built from the stored event (as a hand edit is) is decoded from its own metadata, not the one kept for the original.
          const plain = decodeEvent({ ...stored, metadata: JSON.parse(JSON.stringify(stored.metadata)) as unknown });
          expect(E.isRight(plain) && plain.right.metadata).toEqual(withoutLink);
          const edited = decodeEvent({ ...stored, metadata: { ...(stored.metadata as object), correlationId: 'another' } });
          expect(E.isRight(edited) && edited.right.metadata).toEqual({ ...withoutLink, correlationId: 'another' });
        }
      }),
      { numRuns: 25 },
    );
  });
});
