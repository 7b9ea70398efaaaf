import { randomUUID } from 'node:crypto';
import { type StoredEvent } from '@learner-ledger/core';
import { sampleEvent } from '@learner-ledger/core/testing';
import { openPostgresEventStore, type PostgresEventStore } from '../src/index.js';
import { databaseUrl, dropSchema, sleep } from './support.js';

const SCHEMA = 'll_test_ordering';
const WRITERS = 8;
const BATCHES_PER_WRITER = 120;

/**
 * The catch-up reader's promise under concurrent writers: polling the log by
 * position never skips an event that commits later with a lower position and
 * never returns one twice. Each writer and the reader has a store (and a
 * connection pool) of its own, as separate processes would.
 */
describe('postgres global order under concurrent writers', () => {
  const stores: PostgresEventStore[] = [];
  const open = async (): Promise<PostgresEventStore> => {
    const store = await openPostgresEventStore({ connectionString: databaseUrl(), schema: SCHEMA, maxConnections: 1 });
    stores.push(store);
    return store;
  };

  beforeAll(() => dropSchema(SCHEMA));
  afterAll(async () => {
    await Promise.all(stores.map((store) => store.close()));
  });

  it('shows a polling reader every event of 8 concurrent writers exactly once, in increasing position', async () => {
    const writers = await Promise.all(Array.from({ length: WRITERS }, () => open()));
    const reader = await open();
    const written = new Map<string, bigint>(); // event id → position the append reported
    let writing = true;

    const writeAll = async (store: PostgresEventStore, writer: number): Promise<void> => {
      // Each writer appends small batches to a few streams of its own and to one stream all writers share.
      const own = Array.from({ length: 3 }, (_, i) => `order-w${writer}-s${i}`);
      for (let batch = 0; batch < BATCHES_PER_WRITER; batch++) {
        const size = 1 + ((batch * 7 + writer) % 5);
        const events = Array.from({ length: size }, (_, i) => sampleEvent(batch * 10 + i, { writer }));
        const result =
          batch % 10 === 9
            ? await store.appendToStream('order-shared', events, { expectedVersion: 'any' })
            : await store.appendToStream(own[batch % own.length]!, events);
        events.forEach((event, i) => written.set(event.eventId, result.firstPosition + BigInt(i)));
      }
    };

    const seen: StoredEvent[] = [];
    const readConcurrently = async (): Promise<void> => {
      let after = 0n;
      for (;;) {
        const finished = !writing; // decided before reading, so the last pass sees every commit
        const batch = await reader.readAll({ after, maxCount: 50 });
        seen.push(...batch.events);
        after = batch.lastPosition;
        if (batch.isEnd) {
          if (finished) return;
          await reader.waitForEvents(after, { timeoutMs: 20 });
        }
      }
    };

    const reading = readConcurrently();
    await Promise.all(writers.map((store, writer) => writeAll(store, writer)));
    writing = false;
    await reading;

    const ids = seen.map((event) => event.eventId);
    expect(new Set(ids).size).toBe(ids.length); // never twice
    expect(ids.length).toBe(written.size); // never skipped
    for (const event of seen) expect(written.get(event.eventId)).toBe(event.globalPosition);
    for (let i = 1; i < seen.length; i++) expect(seen[i]!.globalPosition > seen[i - 1]!.globalPosition).toBe(true);
    // No gaps either: positions are 1..N.
    expect(seen[0]!.globalPosition).toBe(1n);
    expect(seen[seen.length - 1]!.globalPosition).toBe(BigInt(seen.length));
    // Each stream's versions are dense and in log order.
    const versions = new Map<string, number>();
    for (const event of seen) {
      expect(event.streamVersion).toBe((versions.get(event.streamId) ?? 0) + 1);
      versions.set(event.streamId, event.streamVersion);
    }
    expect(seen.length).toBeGreaterThan(WRITERS * BATCHES_PER_WRITER);
  });

  it('holds a later append back until an earlier, still open one commits, so it can never become visible first', async () => {
    const [store, other, reader] = await Promise.all([open(), open(), open()]);
    const start = await store.headPosition();
    const early = randomUUID();
    let committed = false;
    let lateSettled = false;
    let late: Promise<unknown> | undefined;
    await store.withTransaction(async (client) => {
      // The early append, inside a transaction we keep open: it holds the log head.
      await client.query(
        `SELECT conflict FROM ${store.names.appendEvents}($1::text[], $2::text[], $3::integer[], $4::integer[], $5::integer[], $6::text[], $7::text[], $8::integer[], $9::json[], $10::json[], $11::text[])`,
        [['order-early'], ['any'], [1], [1], [1], [early], ['ContractTested'], [1], ['{"n":1}'], ['{}'], [null]],
      );
      late = other.appendToStream('order-late', [sampleEvent(2)]).then((result) => {
        lateSettled = true;
        expect(committed).toBe(true);
        return result;
      });
      await sleep(300);
      expect(lateSettled).toBe(false);
      expect((await reader.readAll({ after: start })).events).toEqual([]);
      committed = true;
    });
    await late;
    const after = await reader.readAll({ after: start });
    expect(after.events.map((event) => event.streamId)).toEqual(['order-early', 'order-late']);
    expect(after.events[0]!.eventId).toBe(early);
    expect(after.events[1]!.globalPosition).toBe(after.events[0]!.globalPosition + 1n);
  });
});
