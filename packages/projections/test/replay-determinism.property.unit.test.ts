import fc from 'fast-check';
import * as E from 'fp-ts/lib/Either.js';
import { createLedger, InMemoryEventStore } from '@learner-ledger/core';
import { allProjections, dumpTables, foldEnvelopes, InMemoryProjectionStore, licenseCountAt, licenseCountOf, licenseCountsProjection, licenseSeries, type ProjectionStore } from '../src/index.js';
import { randomScript, readAllEnvelopes, rebuiltTables, runIncrementally, runScript, storedTables } from '../src/testing/index.js';

/** Invariant 6 (docs/design.md, Invariants): rebuilding any projection from position 0 gives exactly the state maintained incrementally. */
describe('replay determinism (in-memory store and projection store)', () => {
  test('incremental with random batches and restarts, fed while the log grows = rebuilt from 0', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 2 ** 31 - 1 }), fc.integer({ min: 10, max: 70 }), fc.integer({ min: 0, max: 4 }), async (seed, length, restarts) => {
        const store = new InMemoryEventStore();
        const ledger = createLedger({ store });
        const projectionStore: ProjectionStore = new InMemoryProjectionStore();
        const script = randomScript(seed, length);
        // The log grows in three parts; the projections are maintained between them.
        const cut1 = Math.floor(script.length / 3);
        const cut2 = Math.floor((2 * script.length) / 3);
        for (const [index, part] of [script.slice(0, cut1), script.slice(cut1, cut2), script.slice(cut2)].entries()) {
          await runScript(ledger, part);
          await runIncrementally({ store, projections: allProjections, openProjectionStore: () => projectionStore, seed: seed + index, restarts });
        }
        const { runner } = await runIncrementally({ store, projections: allProjections, openProjectionStore: () => projectionStore, seed: seed ^ 0x5bd1e995, restarts: 1 });
        for (const projection of allProjections) {
          const rebuilt = await rebuiltTables(store, projection);
          expect(dumpTables(projection, runner.state(projection))).toEqual(rebuilt);
          const stored = await storedTables(projectionStore, projection);
          expect(stored.tables).toEqual(rebuilt);
          expect(stored.checkpoint).toBe(await store.headPosition());
        }
      }),
      { numRuns: 40 },
    );
  });

  test('as-of and series answers equal a full replay of the organization’s events that occurred by then', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 2 ** 31 - 1 }), fc.integer({ min: 10, max: 60 }), async (seed, length) => {
        const store = new InMemoryEventStore();
        await runScript(createLedger({ store }), randomScript(seed, length));
        const envelopes = (await readAllEnvelopes(store)).filter((e) => e.metadata.orgId === 'acme');
        const series = await licenseSeries(store, 'acme', { every: 'day', from: '2026-02-19', to: envelopes[envelopes.length - 1]!.metadata.occurredAt });
        if (E.isLeft(series)) throw new Error(series.left.message);
        const instants = [...series.right.series.map((p) => p.at), ...envelopes.map((e) => e.metadata.occurredAt)];
        for (const at of instants) {
          const replay = foldEnvelopes(licenseCountsProjection, envelopes.filter((e) => Date.parse(e.metadata.occurredAt) <= Date.parse(at)));
          const answer = await licenseCountAt(store, 'acme', at);
          expect(answer).toEqual(E.right({ orgId: 'acme', at, ...licenseCountOf(replay, 'acme') }));
        }
        for (const point of series.right.series) {
          const replay = foldEnvelopes(licenseCountsProjection, envelopes.filter((e) => Date.parse(e.metadata.occurredAt) <= Date.parse(point.at)));
          expect(point).toEqual({ at: point.at, ...licenseCountOf(replay, 'acme') });
        }
      }),
      { numRuns: 25 },
    );
  });
});
