import { randomUUID } from 'node:crypto';
import type { EventStore, NewStoredEvent, StoredEvent } from '../store/port.js';
import { WrongExpectedVersionError } from '../store/port.js';

/**
 * The event-store contract: one suite, every store. A store is done when
 * `describeEventStoreContract('sqlite', factory)` passes in its test file.
 * Uses the Jest globals (`describe`, `it`, `expect`).
 */
export interface StoreFactoryResult {
  readonly store: EventStore;
  /** Closes and removes what the factory created. */
  readonly teardown?: () => Promise<void>;
  /**
   * What the store offers for appends to several streams in one call, when its
   * tests know it: checked against what the store says of itself and does.
   */
  readonly multiStreamAppends?: MultiStreamAppendSupport;
}

/** `atomic`: `appendMany`, all or nothing; `not atomic`: `appendMany`, stream after stream; `none`: no `appendMany`. */
export type MultiStreamAppendSupport = 'atomic' | 'not atomic' | 'none';

/** What a store says it offers for multi-stream appends. */
export const multiStreamAppendSupport = (store: EventStore): MultiStreamAppendSupport =>
  store.appendMany === undefined ? 'none' : store.capabilities?.atomicMultiStreamAppend === true ? 'atomic' : 'not atomic';
export type StoreFactory = () => Promise<StoreFactoryResult>;

let counter = 0;
/** A fresh, unique stream id per test, so suites may share one database. */
export const uniqueStreamId = (prefix = 'contract'): string => `${prefix}-${Date.now().toString(36)}-${(counter++).toString(36)}-${randomUUID().slice(0, 8)}`;

export const sampleEvent = (n: number, extra: Record<string, unknown> = {}): NewStoredEvent => ({
  eventId: randomUUID(),
  type: 'ContractTested',
  schemaVersion: 1,
  data: { n, ...extra },
  metadata: { note: `event ${n}` },
});

const events = (count: number, from = 0) => Array.from({ length: count }, (_, i) => sampleEvent(from + i));

const readEverything = async (store: EventStore, after = 0n, maxCount = 7): Promise<StoredEvent[]> => {
  const all: StoredEvent[] = [];
  let position = after;
  for (;;) {
    const batch = await store.readAll({ after: position, maxCount });
    all.push(...batch.events);
    if (batch.isEnd || batch.events.length === 0) return all;
    position = batch.lastPosition;
  }
};

/**
 * What a store states about multi-stream appends, checked against what it
 * does: without `appendMany` it may not claim atomicity; with it, a call lands
 * every stream; when it claims `atomicMultiStreamAppend`, a call with one
 * wrong expected version writes nothing at all; without that claim, a call
 * whose first stream is refused still writes nothing. Throws on a mismatch.
 */
export const verifyMultiStreamAppends = async (store: EventStore): Promise<void> => {
  const atomic = store.capabilities?.atomicMultiStreamAppend === true;
  const appendMany = store.appendMany?.bind(store);
  // Claiming atomic multi-stream appends without offering them is a false statement.
  expect({ claimsAtomic: atomic, offersAppendMany: appendMany !== undefined }).not.toEqual({ claimsAtomic: true, offersAppendMany: false });
  if (appendMany === undefined) return;
  const a = uniqueStreamId('multi-a');
  const b = uniqueStreamId('multi-b');
  await store.appendToStream(a, events(1));
  const results = await appendMany([
    { streamId: a, events: events(2, 1), expectedVersion: 1 },
    { streamId: b, events: events(3), expectedVersion: 'no_stream' },
  ]);
  expect(results.map((r) => [r.streamId, r.nextExpectedVersion])).toEqual([
    [a, 3],
    [b, 3],
  ]);
  expect((await store.readStream(a)).events.map((e) => (e.data as { n: number }).n)).toEqual([0, 1, 2]);
  expect((await store.readStream(b)).events.map((e) => (e.data as { n: number }).n)).toEqual([0, 1, 2]);
  const head = await store.headPosition();
  // Atomic: the wrong version is the second stream's, after one the store could have written already.
  const refused = atomic
    ? [
        { streamId: a, events: events(1, 10), expectedVersion: 3 },
        { streamId: b, events: events(1, 10), expectedVersion: 1 },
      ]
    : [
        { streamId: a, events: events(1, 10), expectedVersion: 1 },
        { streamId: b, events: events(1, 10), expectedVersion: 3 },
      ];
  await expect(appendMany(refused)).rejects.toBeInstanceOf(WrongExpectedVersionError);
  expect((await store.readStream(a)).currentVersion).toBe(3);
  expect((await store.readStream(b)).currentVersion).toBe(3);
  expect(await store.headPosition()).toBe(head);
};

/** Declares the event-store contract suite for one store. Call it at the top level of a Jest test file: it uses the Jest globals. */
export const describeEventStoreContract = (name: string, factory: StoreFactory): void => {
  describe(`event store contract: ${name}`, () => {
    let store: EventStore;
    let teardown: (() => Promise<void>) | undefined;
    let stated: MultiStreamAppendSupport | undefined;

    beforeAll(async () => {
      const created = await factory();
      store = created.store;
      teardown = created.teardown;
      stated = created.multiStreamAppends;
    });
    afterAll(async () => {
      if (teardown) await teardown();
      else await store?.close();
    });

    it('appends to a new stream and reports the version and positions', async () => {
      const streamId = uniqueStreamId();
      const result = await store.appendToStream(streamId, events(3), { expectedVersion: 'no_stream' });
      expect(result.streamId).toBe(streamId);
      expect(result.nextExpectedVersion).toBe(3);
      expect(result.createdNewStream).toBe(true);
      expect(result.firstPosition > 0n).toBe(true);
      expect(result.lastPosition > result.firstPosition).toBe(true);
      const second = await store.appendToStream(streamId, events(2, 3), { expectedVersion: 3 });
      expect(second.nextExpectedVersion).toBe(5);
      expect(second.createdNewStream).toBe(false);
      expect(second.firstPosition > result.lastPosition).toBe(true);
      const read = await store.readStream(streamId);
      expect(read.currentVersion).toBe(5);
      expect(read.events.map((e) => (e.data as { n: number }).n)).toEqual([0, 1, 2, 3, 4]);
      expect(read.events.map((e) => e.streamVersion)).toEqual([1, 2, 3, 4, 5]);
    });

    it('refuses a wrong expected version and writes nothing', async () => {
      const streamId = uniqueStreamId();
      await store.appendToStream(streamId, events(2), { expectedVersion: 'no_stream' });
      const head = await store.headPosition();
      for (const expected of [0, 1, 3, 'no_stream'] as const) {
        await expect(store.appendToStream(streamId, events(1), { expectedVersion: expected })).rejects.toBeInstanceOf(WrongExpectedVersionError);
      }
      await expect(store.appendToStream(uniqueStreamId(), events(1), { expectedVersion: 'stream_exists' })).rejects.toBeInstanceOf(WrongExpectedVersionError);
      await expect(store.appendToStream(uniqueStreamId(), events(1), { expectedVersion: 2 })).rejects.toBeInstanceOf(WrongExpectedVersionError);
      expect((await store.readStream(streamId)).currentVersion).toBe(2);
      expect(await store.headPosition()).toBe(head);
      const ok = await store.appendToStream(streamId, events(1), { expectedVersion: 'stream_exists' });
      expect(ok.nextExpectedVersion).toBe(3);
      const any = await store.appendToStream(streamId, events(1), { expectedVersion: 'any' });
      expect(any.nextExpectedVersion).toBe(4);
    });

    it('reads a missing stream as empty, and pages a stream', async () => {
      const missing = await store.readStream(uniqueStreamId());
      expect(missing.currentVersion).toBe(0);
      expect(missing.events).toEqual([]);
      const streamId = uniqueStreamId();
      await store.appendToStream(streamId, events(10));
      const page = await store.readStream(streamId, { fromVersion: 4, maxCount: 3 });
      expect(page.currentVersion).toBe(10);
      expect(page.events.map((e) => e.streamVersion)).toEqual([4, 5, 6]);
      const tail = await store.readStream(streamId, { fromVersion: 9, maxCount: 100 });
      expect(tail.events.map((e) => e.streamVersion)).toEqual([9, 10]);
      const past = await store.readStream(streamId, { fromVersion: 11 });
      expect(past.events).toEqual([]);
    });

    it('keeps data and metadata verbatim', async () => {
      const streamId = uniqueStreamId();
      const tricky = {
        sql: "'; DROP TABLE events; --",
        unicode: 'Zoë Ångström — 学习者 🎓 \u202e',
        quotes: '"\\\'`',
        nested: { list: [1, 'two', null, { three: true }], empty: {} },
        leadingZeros: '000123',
        big: 'x'.repeat(10_000),
        number: 1.5,
        // Strings JavaScript holds but some JSON parsers refuse: a NUL and a lone surrogate.
        nul: 'a\u0000b',
        loneSurrogate: 'a\ud800b',
      };
      const event: NewStoredEvent = { eventId: randomUUID(), type: 'Tricky', schemaVersion: 3, data: tricky, metadata: { actor: { kind: 'admin', id: "o'brien" } } };
      await store.appendToStream(streamId, [event]);
      const [stored] = (await store.readStream(streamId)).events;
      expect(stored!.eventId).toBe(event.eventId);
      expect(stored!.type).toBe('Tricky');
      expect(stored!.schemaVersion).toBe(3);
      expect(stored!.data).toEqual(tricky);
      expect(stored!.metadata).toEqual(event.metadata);
      expect(stored!.streamId).toBe(streamId);
    });

    it('reads the global log from every position, each event exactly once, in order', async () => {
      const start = await store.headPosition();
      const streams = [uniqueStreamId('a'), uniqueStreamId('b'), uniqueStreamId('c')];
      const written: string[] = [];
      for (let round = 0; round < 4; round++) {
        for (const streamId of streams) {
          const batch = events(round + 1, round * 10);
          await store.appendToStream(streamId, batch);
          written.push(...batch.map((e) => e.eventId));
        }
      }
      const all = (await readEverything(store, start)).filter((e) => streams.includes(e.streamId));
      expect(all.map((e) => e.eventId)).toEqual(written);
      for (let i = 1; i < all.length; i++) expect(all[i]!.globalPosition > all[i - 1]!.globalPosition).toBe(true);
      for (let i = 0; i < all.length; i++) {
        const from = all[i]!.globalPosition;
        const rest = (await readEverything(store, from, 5)).filter((e) => streams.includes(e.streamId));
        expect(rest.map((e) => e.eventId)).toEqual(written.slice(i + 1));
      }
    });

    it('filters the log to exact stream ids (a prefix is not a match)', async () => {
      const base = uniqueStreamId('tenant');
      const acme = `${base}-acme`;
      const acme1 = `${base}-acme-1`;
      const start = await store.headPosition();
      await store.appendToStream(acme, events(2));
      await store.appendToStream(acme1, events(3));
      await store.appendToStream(acme, events(1, 2));
      const seen: StoredEvent[] = [];
      let after = start;
      for (;;) {
        const batch = await store.readAll({ after, maxCount: 2, streamIds: [acme] });
        seen.push(...batch.events);
        if (batch.isEnd) break;
        after = batch.lastPosition;
      }
      expect(seen.map((e) => e.streamId)).toEqual([acme, acme, acme]);
      expect(seen.map((e) => (e.data as { n: number }).n)).toEqual([0, 1, 2]);
    });

    it('takes skipTypes as a hint: every other event comes, in order, and the reader moves past the skipped ones', async () => {
      const streamId = uniqueStreamId('skip');
      const start = await store.headPosition();
      const typed = (n: number, type: string): NewStoredEvent => ({ ...sampleEvent(n), type });
      const written = [typed(0, 'ContractKept'), typed(1, 'ContractSkipped'), typed(2, 'ContractSkipped'), typed(3, 'ContractKept'), typed(4, 'ContractSkipped'), typed(5, 'ContractSkipped')];
      const appended = await store.appendToStream(streamId, written);
      const seen: StoredEvent[] = [];
      let after = start;
      for (;;) {
        const batch = await store.readAll({ after, maxCount: 1, skipTypes: ['ContractSkipped'] });
        seen.push(...batch.events.filter((e) => e.streamId === streamId));
        after = batch.lastPosition;
        if (batch.isEnd) break;
      }
      const kept = seen.filter((e) => e.type !== 'ContractSkipped');
      expect(kept.map((e) => (e.data as { n: number }).n)).toEqual([0, 3]);
      // A store may return skipped events (it need not filter), but only as they were written, in order.
      for (const event of seen) expect(written[(event.data as { n: number }).n]!.type).toBe(event.type);
      for (let i = 1; i < seen.length; i++) expect(seen[i]!.globalPosition > seen[i - 1]!.globalPosition).toBe(true);
      // Skipped or not, the tail was read: the reader ends at or past the last event.
      expect(after >= appended.lastPosition).toBe(true);
    });

    it('lets exactly one of many concurrent appends with the same expected version win', async () => {
      const streamId = uniqueStreamId();
      await store.appendToStream(streamId, events(1));
      const attempts = await Promise.allSettled(Array.from({ length: 8 }, (_, i) => store.appendToStream(streamId, [sampleEvent(100 + i)], { expectedVersion: 1 })));
      const won = attempts.filter((a) => a.status === 'fulfilled');
      const lost = attempts.filter((a): a is PromiseRejectedResult => a.status === 'rejected');
      expect(won).toHaveLength(1);
      expect(lost).toHaveLength(7);
      for (const loss of lost) expect(loss.reason).toBeInstanceOf(WrongExpectedVersionError);
      expect((await store.readStream(streamId)).currentVersion).toBe(2);
    });

    it('keeps every concurrent append to different streams, with distinct increasing positions', async () => {
      const start = await store.headPosition();
      const streams = Array.from({ length: 8 }, () => uniqueStreamId('par'));
      await Promise.all(streams.map((streamId) => store.appendToStream(streamId, events(5), { expectedVersion: 'no_stream' })));
      const all = (await readEverything(store, start, 100)).filter((e) => streams.includes(e.streamId));
      expect(all).toHaveLength(40);
      expect(new Set(all.map((e) => e.globalPosition)).size).toBe(40);
      for (const streamId of streams) {
        const own = all.filter((e) => e.streamId === streamId);
        expect(own.map((e) => e.streamVersion)).toEqual([1, 2, 3, 4, 5]);
      }
    });

    it('appends to several streams in one call as far as it says, and keeps all or nothing when it says so', async () => {
      // A store whose support depends on its server (KurrentDB) is held to what it says of itself alone.
      if (stated !== undefined) expect(multiStreamAppendSupport(store)).toBe(stated);
      await verifyMultiStreamAppends(store);
    });

    it('lists the streams that hold events by prefix, in order, a page at a time', async () => {
      const base = uniqueStreamId('list');
      const prefix = `${base}-`;
      const inside = [`${prefix}b`, `${prefix}a-1`, `${prefix}a`, `${prefix}c.2`, `${prefix}c`];
      for (const [i, streamId] of inside.entries()) await store.appendToStream(streamId, events(1 + (i % 3)));
      // Sharing the prefix's characters but not the prefix itself: never listed.
      for (const streamId of [base, `${base}_`, `${base}.x`]) await store.appendToStream(streamId, events(1));
      const sorted = [`${prefix}a`, `${prefix}a-1`, `${prefix}b`, `${prefix}c`, `${prefix}c.2`];
      expect(await store.listStreams({ prefix })).toEqual({ streamIds: sorted, isEnd: true });
      const first = await store.listStreams({ prefix, limit: 2 });
      expect(first).toEqual({ streamIds: sorted.slice(0, 2), isEnd: false });
      const second = await store.listStreams({ prefix, limit: 2, after: first.streamIds[1]! });
      expect(second).toEqual({ streamIds: sorted.slice(2, 4), isEnd: false });
      expect(await store.listStreams({ prefix, limit: 2, after: second.streamIds[1]! })).toEqual({ streamIds: sorted.slice(4), isEnd: true });
      expect(await store.listStreams({ prefix, limit: 5 })).toEqual({ streamIds: sorted, isEnd: true });
      // `after` need not be a listed id, nor start with the prefix.
      expect((await store.listStreams({ prefix, after: `${prefix}a-0` })).streamIds).toEqual(sorted.slice(1));
      expect((await store.listStreams({ prefix, after: base })).streamIds).toEqual(sorted);
      expect(await store.listStreams({ prefix, after: `${base}.` })).toEqual({ streamIds: [], isEnd: true });
      expect(await store.listStreams({ prefix: `${prefix}zz` })).toEqual({ streamIds: [], isEnd: true });
      const everything = await store.listStreams();
      expect(everything.streamIds.filter((id) => id.startsWith(base))).toEqual([base, ...sorted, `${base}.x`, `${base}_`]);
      expect(everything.isEnd).toBe(true);
    });

    it('lists only the streams whose first event has the type asked for', async () => {
      const prefix = `${uniqueStreamId('first')}-`;
      const started = (n: number): NewStoredEvent => ({ ...sampleEvent(n), type: 'ContractStarted' });
      await store.appendToStream(`${prefix}1`, [started(1), sampleEvent(2)]);
      await store.appendToStream(`${prefix}2`, [sampleEvent(1), started(2)]);
      await store.appendToStream(`${prefix}3`, [started(1)]);
      await store.appendToStream(`${prefix}4`, [sampleEvent(1)]);
      await store.appendToStream(`${prefix}4`, [started(2)]);
      expect(await store.listStreams({ prefix, firstEventType: 'ContractStarted' })).toEqual({ streamIds: [`${prefix}1`, `${prefix}3`], isEnd: true });
      expect(await store.listStreams({ prefix, firstEventType: 'ContractTested', limit: 1 })).toEqual({ streamIds: [`${prefix}2`], isEnd: false });
      expect(await store.listStreams({ prefix, firstEventType: 'ContractStarted', after: `${prefix}1` })).toEqual({ streamIds: [`${prefix}3`], isEnd: true });
      expect(await store.listStreams({ prefix, firstEventType: 'Contract' })).toEqual({ streamIds: [], isEnd: true });
    });

    it('wakes a waiting reader when an event is appended, and times out otherwise', async () => {
      const head = await store.headPosition();
      expect(await store.waitForEvents(head, { timeoutMs: 50 })).toBe(false);
      const waiting = store.waitForEvents(head, { timeoutMs: 10_000 });
      await store.appendToStream(uniqueStreamId('wake'), events(1));
      expect(await waiting).toBe(true);
      const controller = new AbortController();
      const aborted = store.waitForEvents(await store.headPosition(), { signal: controller.signal, timeoutMs: 10_000 });
      controller.abort();
      expect(await aborted).toBe(false);
    });

    it('reports the head position of the log', async () => {
      const streamId = uniqueStreamId();
      const result = await store.appendToStream(streamId, events(2));
      expect(await store.headPosition()).toBeGreaterThanOrEqual(result.lastPosition);
      const batch = await store.readAll({ after: result.firstPosition, maxCount: 1 });
      expect(batch.events[0]?.globalPosition).toBe(result.lastPosition);
    });
  });
};
