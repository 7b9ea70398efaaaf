import { createLedger, type Command } from '@learner-ledger/core';
import { adminContext, sampleEvent } from '@learner-ledger/core/testing';
import { openPostgresEventStore, type PostgresEventStore } from '../src/index.js';
import { streamLockKey } from '../src/schema/lock-key.js';
import { databaseUrl, dropSchema, sleep, withClient } from './support.js';

const SCHEMA = 'll_test_locked_appends';

/** Waits until some connection waits for an advisory lock (the condition, not a duration, is what the test needs). */
const someoneWaitsForAnAdvisoryLock = async (): Promise<void> => {
  for (;;) {
    const waiting = await withClient(async (client) => (await client.query<{ n: string }>(`SELECT count(*) AS n FROM pg_locks WHERE locktype = 'advisory' AND NOT granted`)).rows[0]!.n);
    if (Number(waiting) > 0) return;
    await sleep(10);
  }
};

describe('postgres: appends and locked decide-and-appends of one stream take turns', () => {
  const stores: PostgresEventStore[] = [];
  const open = async (maxConnections = 2): Promise<PostgresEventStore> => {
    const store = await openPostgresEventStore({ connectionString: databaseUrl(), schema: SCHEMA, maxConnections });
    stores.push(store);
    return store;
  };
  beforeAll(() => dropSchema(SCHEMA));
  afterAll(async () => {
    await Promise.all(stores.map((store) => store.close()));
  });

  it('holds an append back while a locked decide-and-append of its stream is open; appends to other streams go on', async () => {
    const store = await open();
    await store.appendToStream('locked-busy', [sampleEvent(0)]);
    let appended = false;
    let append: Promise<unknown> | undefined;
    await withClient(async (holder) => {
      // What appendLocked holds while it decides: the stream's key, exclusively, until its transaction ends.
      await holder.query('BEGIN');
      await holder.query(`SELECT pg_advisory_xact_lock(${streamLockKey(SCHEMA, 'locked-busy')})`);
      append = store.appendToStream('locked-busy', [sampleEvent(1)], { expectedVersion: 1 }).then((result) => {
        appended = true;
        return result;
      });
      await someoneWaitsForAnAdvisoryLock();
      expect((await store.appendToStream('locked-free', [sampleEvent(0)])).nextExpectedVersion).toBe(1);
      expect(appended).toBe(false);
      await holder.query('COMMIT');
    });
    expect(await append).toMatchObject({ nextExpectedVersion: 2 });
  });

  it('lets eight ledger instances race on one organization: none fails, and no command loses more than its first, optimistic race', async () => {
    const ledgers = (await Promise.all(Array.from({ length: 8 }, () => open(3)))).map((store) => createLedger({ store }));
    const orgId = 'locked-race';
    const onboard: Command = { type: 'OnboardOrganization', orgId, name: 'Race', seats: 500, timeZone: 'UTC' };
    expect((await ledgers[0]!.execute(onboard, adminContext()))._tag).toBe('Right');
    const results = await Promise.all(
      Array.from({ length: 240 }, (_, i) =>
        ledgers[i % ledgers.length]!.execute(
          { type: 'RegisterLearner', orgId, learnerId: `L${i}`, email: `l${i}@race.test`, firstName: 'F', lastName: `L${i}` },
          adminContext({ commandId: `race-${i}` }),
        ),
      ),
    );
    const failures = results.flatMap((r) => (r._tag === 'Left' ? [r.left.code] : []));
    expect(failures).toEqual([]);
    const retries = results.map((r) => (r._tag === 'Right' ? r.right.retries : -1));
    expect(Math.max(...retries)).toBeLessThanOrEqual(1);
    const state = await createLedger({ store: stores[0]! }).state(orgId);
    expect(state._tag === 'Right' && state.right.licensesInUse).toBe(240);
  });
});
