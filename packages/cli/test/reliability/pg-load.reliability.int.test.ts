import { createLedger } from '@learner-ledger/core';
import { checkFollowers, startFollowers } from './follower.js';
import { checkLoadRun } from './load-check.js';
import { freshPostgresStore, openPostgres, withClient } from './pg-support.js';
import { rightOf, scaled, TIMEOUT } from './support.js';
import { deliver, LOAD_ORG, setupCommands, writerDeliveries, type WorkloadShape } from './workload.js';

/**
 * Eight or more writers, each a ledger on its own PostgreSQL connection,
 * race contended commands on one organization whose seats are nearly
 * exhausted, while a catch-up reader and a projection runner follow the log
 * on another connection.
 */
describe('reliability: PostgreSQL with many writer connections', () => {
  const shapes: WorkloadShape[] = scaled(
    [{ seed: 11, seats: 30, writers: 8, commandsPerWriter: 100 }],
    [
      { seed: 11, seats: 30, writers: 8, commandsPerWriter: 600 },
      { seed: 12, seats: 200, writers: 12, commandsPerWriter: 500 },
    ],
  );

  test.each(shapes)('seed $seed: $writers connections × $commandsPerWriter commands on $seats seats: nothing lost, nothing doubled, the invariants at every position', async (shape) => {
    const schema = `ll_rel_load_${shape.seed}`;
    const store = await freshPostgresStore(schema, { maxConnections: 2, pollIntervalMs: 50 });
    const writerStores = await Promise.all(Array.from({ length: shape.writers }, () => openPostgres(schema, { maxConnections: 1 })));
    try {
      const ledger = createLedger({ store });
      const setupIds = new Set<string>();
      const setup = setupCommands(shape);
      // Another instance caches the organization before the last setup command: its next command is decided on a stale
      // state, so its append loses the race for certain and is retried (the load's own lost races vary: 5-8 in 6 runs).
      const racer = createLedger({ store: writerStores[0]! });
      for (const [i, command] of setup.entries()) {
        if (i === setup.length - 1) rightOf(await racer.state(LOAD_ORG));
        setupIds.add(`setup-${i}`);
        rightOf(await ledger.execute(command, { commandId: `setup-${i}`, actor: { kind: 'admin', id: 'setup@load.test' }, channel: 'api' }));
      }
      setupIds.add('setup-race');
      const raced = rightOf(await racer.execute({ type: 'CreateTeam', orgId: LOAD_ORG, name: 'Support' }, { commandId: 'setup-race', actor: { kind: 'admin', id: 'setup@load.test' }, channel: 'api' }));
      expect(raced).toMatchObject({ status: 'applied', retries: 1 });
      const lists = writerDeliveries(shape);
      const setupHead = await store.headPosition();
      const followers = startFollowers(store);
      const started = Date.now();
      let peakBackends = 0;
      const sampling = setInterval(() => {
        void withClient((client) => client.query<{ n: string }>(`SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND backend_type = 'client backend'`))
          .then(({ rows }) => (peakBackends = Math.max(peakBackends, Number(rows[0]!.n) - 1)))
          .catch(() => undefined);
      }, 100);
      // Every writer pauses half-way, so the readers can be shown at a position in the middle of the writes.
      const ledgers = writerStores.map((writerStore) => createLedger({ store: writerStore, maxRetries: 50 }));
      const halfway = lists.map((deliveries) => Math.floor(deliveries.length / 2));
      const firstHalves = await Promise.all(lists.map((deliveries, w) => deliver(ledgers[w]!, deliveries.slice(0, halfway[w]))));
      const pausedHead = await store.headPosition();
      const atPause = await followers.reached(pausedHead);
      const secondHalves = await Promise.all(lists.map((deliveries, w) => deliver(ledgers[w]!, deliveries.slice(halfway[w]))));
      const results = firstHalves.map((reports, w) => [...reports, ...secondHalves[w]!]);
      clearInterval(sampling);
      const writingMs = Date.now() - started;
      const head = await store.headPosition();
      await followers.stop(head);
      const whileWriting = followers.partialPositionsSeen(setupHead, head);

      const { audit, figures } = await checkLoadRun(store, results.flat(), setupIds, LOAD_ORG);
      const org = audit.organizations.get(LOAD_ORG)!;
      const projections = await checkFollowers(store, followers, head, LOAD_ORG, { seats: org.seats, inUse: org.inUse });
      console.log(`[reliability] postgres load seed ${shape.seed}: ${JSON.stringify({ connections: shape.writers, peakBackends, writingMs, ...figures, followersAtPause: Number(pausedHead), partialPositionsSeenWhileWriting: whileWriting, projections })}`);

      expect(figures.duplicates).toBeGreaterThan(0);
      expect(figures.refused['LICENSE_POOL_EXHAUSTED'] ?? 0).toBeGreaterThan(0);
      expect(figures.maxInUse).toBe(shape.seats);
      // The readers read a growing log: while every writer was paused half-way they were exactly at the head, a position in the middle of the writes.
      expect(pausedHead).toBeGreaterThan(setupHead);
      expect(head).toBeGreaterThan(pausedHead);
      expect(atPause).toEqual({ raw: pausedHead, projected: [pausedHead, pausedHead] });
      expect(rightOf(await createLedger({ store }).state(LOAD_ORG)).licensesInUse).toBe(org.inUse);
    } finally {
      await Promise.all(writerStores.map((s) => s.close()));
      await store.close();
    }
  }, TIMEOUT);
});
