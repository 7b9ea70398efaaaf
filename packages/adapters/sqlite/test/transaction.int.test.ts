import { WrongExpectedVersionError } from '@learner-ledger/core';
import { type SqliteEventStore, openSqliteEventStore } from '../src/index.js';
import { temporaryDirectory } from './support.js';

const event = (n: number) => ({ eventId: `e-${n}`, type: 'TransactionTested', schemaVersion: 1, data: { n }, metadata: {} });

describe('sqlite store transactions shared with read models', () => {
  const temp = temporaryDirectory();
  let store: SqliteEventStore;
  const checkpoint = () => store.database.prepare<[], number | undefined>(`SELECT position FROM demo_checkpoint WHERE name = 'roster'`).pluck().get();
  const rosterSize = () => store.database.prepare('SELECT COUNT(*) FROM demo_roster').pluck().get();

  beforeAll(() => {
    store = openSqliteEventStore({ path: temp.file(), pollIntervalMs: 10 });
    store.database.exec(`
      CREATE TABLE demo_checkpoint (name TEXT PRIMARY KEY, position INTEGER NOT NULL);
      CREATE TABLE demo_roster (learner_id TEXT PRIMARY KEY);
    `);
  });
  afterAll(async () => {
    await store.close();
    temp.remove();
  });

  /** A projection step: apply a batch to the read model and move its checkpoint, together. */
  const project = (after: bigint): bigint =>
    store.transaction(() => {
      const batch = store.readAllSync({ after });
      const insert = store.database.prepare('INSERT INTO demo_roster (learner_id) VALUES (?)');
      for (const e of batch.events) insert.run(`learner-${(e.data as { n: number }).n}`);
      store.database.prepare(`INSERT INTO demo_checkpoint (name, position) VALUES ('roster', ?) ON CONFLICT (name) DO UPDATE SET position = excluded.position`).run(batch.lastPosition);
      return batch.lastPosition;
    });

  it('commits events, read-model rows and checkpoint together', async () => {
    const result = store.transaction(() => {
      const appended = store.appendToStreamSync('tx-a', [event(1), event(2)], { expectedVersion: 'no_stream' });
      store.database.prepare('INSERT INTO demo_roster (learner_id) VALUES (?)').run('written-with-events');
      return appended;
    });
    expect(result.nextExpectedVersion).toBe(2);
    expect(rosterSize()).toBe(1);
    expect(project(0n)).toBe(2n);
    expect(checkpoint()).toBe(2);
    expect(rosterSize()).toBe(3);
  });

  it('rolls back everything when the function throws: no event, no row, no checkpoint move', async () => {
    const head = await store.headPosition();
    expect(() =>
      store.transaction(() => {
        store.appendToStreamSync('tx-b', [event(3)]);
        store.database.prepare(`UPDATE demo_checkpoint SET position = 999`).run();
        throw new Error('projection crashed');
      }),
    ).toThrow('projection crashed');
    expect(await store.headPosition()).toBe(head);
    expect(checkpoint()).toBe(2);
    expect((await store.readStream('tx-b')).currentVersion).toBe(0);
  });

  it('rolls back when an append inside conflicts, and lets a caught inner failure roll back alone (savepoint)', async () => {
    const head = await store.headPosition();
    expect(() =>
      store.transaction(() => {
        store.database.prepare('INSERT INTO demo_roster (learner_id) VALUES (?)').run('never');
        store.appendToStreamSync('tx-a', [event(4)], { expectedVersion: 0 });
      }),
    ).toThrow(WrongExpectedVersionError);
    expect(store.database.prepare(`SELECT COUNT(*) FROM demo_roster WHERE learner_id = 'never'`).pluck().get()).toBe(0);

    const outcome = store.transaction(() => {
      store.appendToStreamSync('tx-c', [event(5)]);
      try {
        store.transaction(() => {
          store.appendToStreamSync('tx-d', [event(6)]);
          throw new Error('inner step failed');
        });
      } catch {
        // the outer transaction carries on without the inner step
      }
      return 'outer committed';
    });
    expect(outcome).toBe('outer committed');
    expect((await store.readStream('tx-c')).currentVersion).toBe(1);
    expect((await store.readStream('tx-d')).currentVersion).toBe(0);
    expect(await store.headPosition()).toBe(head + 1n);
  });

  it('refuses an async function and rolls back what it wrote before its first await', async () => {
    const head = await store.headPosition();
    expect(() =>
      store.transaction(async () => {
        store.appendToStreamSync('tx-e', [event(7)]);
      }),
    ).toThrow(/must be synchronous/);
    expect(await store.headPosition()).toBe(head);
  });

  it('wakes a waiting reader only once the outer transaction has committed', async () => {
    const head = await store.headPosition();
    const waiting = store.waitForEvents(head, { timeoutMs: 5000 });
    let seenInside: bigint | undefined;
    store.transaction(() => {
      store.appendToStreamSync('tx-f', [event(8)]);
      seenInside = store.headPositionSync();
    });
    expect(seenInside).toBe(head + 1n);
    expect(await waiting).toBe(true);
  });
});
