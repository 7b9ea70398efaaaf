import { sampleEvent } from '@learner-ledger/core/testing';
import { openPostgresEventStore, type PostgresEventStore } from '../src/index.js';
import { EventNotifier } from '../src/schema/waitForEvents.js';
import { databaseUrl, freshStore, sleep } from './support.js';

describe('postgres waitForEvents', () => {
  let store: PostgresEventStore;
  beforeAll(async () => {
    store = await freshStore('ll_test_wait');
  });
  afterAll(() => store.close());

  it('wakes every waiter on one notification, each only for what it waits for', async () => {
    // Polling only every 10 minutes: within the test, only a notification can wake anyone.
    const listening = await openPostgresEventStore({ connectionString: databaseUrl(), schema: 'll_test_wait', pollIntervalMs: 600_000 });
    try {
      const head = await listening.headPosition();
      const waits = Array.from({ length: 20 }, () => listening.waitForEvents(head, { timeoutMs: 30_000 }));
      const further = listening.waitForEvents(head + 5n, { timeoutMs: 400 });
      await sleep(100);
      await store.appendToStream('org-wait', [sampleEvent(1)]); // through another store, as another process would
      expect(await Promise.all(waits)).toEqual(Array(20).fill(true));
      expect(await further).toBe(false);
      expect(await listening.waitForEvents(head, { timeoutMs: 30_000 })).toBe(true); // already there: at once
    } finally {
      await listening.close();
    }
  });

  it('still wakes by polling the head when no LISTEN connection can be made', async () => {
    const notifier = new EventNotifier({
      clientConfig: { connectionString: 'postgres://nobody@127.0.0.1:1/none', connectionTimeoutMillis: 500 },
      channel: store.names.channel,
      headPosition: () => store.headPosition(),
      pollIntervalMs: 30,
    });
    try {
      const head = await store.headPosition();
      expect(await notifier.wait(head, { timeoutMs: 100 })).toBe(false);
      const waiting = notifier.wait(head, { timeoutMs: 5_000 });
      await sleep(50);
      await store.appendToStream('org-wait-poll', [sampleEvent(1)]);
      expect(await waiting).toBe(true);
    } finally {
      await notifier.close();
    }
  });

  it('resolves false on abort, on an already aborted signal, and when the store closes', async () => {
    const head = await store.headPosition();
    const aborted = new AbortController();
    aborted.abort();
    expect(await store.waitForEvents(head, { signal: aborted.signal })).toBe(false);
    const other = await freshStore('ll_test_wait_close');
    const waiting = other.waitForEvents(0n);
    await sleep(50);
    await other.close();
    expect(await waiting).toBe(false);
    expect(await other.waitForEvents(0n)).toBe(false);
  });
});
