import { randomUUID } from 'node:crypto';
import * as E from 'fp-ts/lib/Either.js';
import fc from 'fast-check';
import { createLedger, decodeEvent, InMemoryEventStore, type EventEnvelope, type NewStoredEvent } from '@learner-ledger/core';
import { allProjections, dumpTables, foldEnvelopes, InMemoryProjectionStore, ProjectionRunner, ProjectionRunnerError } from '../src/index.js';
import { prng, randomScript, runScript, storedTables } from '../src/testing/index.js';

/**
 * Undecodable events (an unknown type, a newer schema version of a type the
 * projections read, a payload that fails its codec) at random places of a
 * growing log, met by runners with random batch sizes and restarts: with
 * `stop` every projection halts right before the first one — in memory and
 * in the projection store — and stays there across restarts; with `skip`
 * each is counted once and everything else is applied.
 */
const badEvent = (kind: number): NewStoredEvent => {
  const metadata = { eventId: randomUUID(), occurredAt: '2026-03-02T09:00:00.000Z', orgId: 'other', commandId: 'x', correlationId: 'x', causationId: 'x', actor: { kind: 'system', id: 'other-app' }, channel: 'api' };
  switch (kind % 3) {
    case 0:
      return { eventId: metadata.eventId, type: 'LearnerTeleported', schemaVersion: 1, data: { learnerId: '0001' }, metadata };
    case 1:
      return { eventId: metadata.eventId, type: 'LicenseReleased', schemaVersion: 9, data: { learnerId: '0001' }, metadata };
    default:
      return { eventId: metadata.eventId, type: 'LicenseAssigned', schemaVersion: 1, data: { learnerId: 42 }, metadata };
  }
};

const decodedBefore = async (store: InMemoryEventStore, limit: bigint | undefined): Promise<EventEnvelope[]> => {
  const { events } = await store.readAll({ maxCount: 100_000 });
  const envelopes: EventEnvelope[] = [];
  for (const stored of events) {
    if (limit !== undefined && stored.globalPosition >= limit) break;
    const decoded = decodeEvent(stored);
    if (E.isRight(decoded)) envelopes.push(decoded.right);
  }
  return envelopes;
};

test('runner with stop halts right before the first undecodable event (memory and store, across restarts); with skip counts each once and applies the rest', async () => {
  let stops = 0;
  await fc.assert(
    fc.asyncProperty(
      fc.integer({ min: 1, max: 2 ** 31 - 1 }),
      fc.integer({ min: 15, max: 50 }),
      fc.uniqueArray(fc.integer({ min: 0, max: 49 }), { minLength: 1, maxLength: 3 }),
      fc.nat(2),
      async (seed, length, cuts, kind) => {
        const store = new InMemoryEventStore();
        const ledger = createLedger({ store });
        const script = randomScript(seed, length);
        // The bad events go to a stream of another application: the organizations' own streams stay readable.
        const at = new Set(cuts.map((cut) => cut % script.length));
        let bad = 0;
        for (const [index, step] of script.entries()) {
          if (at.has(index)) {
            await store.appendToStream(`other-app-${bad}`, [badEvent(kind + bad)]);
            bad++;
          }
          await runScript(ledger, [step]);
        }
        const { events } = await store.readAll({ maxCount: 100_000 });
        const badPositions = events.filter((e) => E.isLeft(decodeEvent(e))).map((e) => e.globalPosition);
        expect(badPositions).toHaveLength(bad);
        const first = badPositions[0]!;
        const expected = await decodedBefore(store, first);

        const r = prng(seed);
        const projectionStore = new InMemoryProjectionStore();
        for (let restart = 0; restart < 3; restart++) {
          const runner = new ProjectionRunner({ store, projections: allProjections, projectionStore, batchSize: r.int(1, 25) });
          const error = await runner.catchUp().then(
            () => undefined,
            (e: unknown) => e,
          );
          expect(error).toBeInstanceOf(ProjectionRunnerError);
          expect((error as ProjectionRunnerError).globalPosition).toBe(first);
          for (const projection of allProjections) {
            expect([projection.name, runner.checkpoint(projection.name)]).toEqual([projection.name, first - 1n]);
            const reference = dumpTables(projection, foldEnvelopes(projection, expected));
            expect(dumpTables(projection, runner.state(projection))).toEqual(reference);
            const stored = await storedTables(projectionStore, projection);
            expect([projection.name, stored.checkpoint]).toEqual([projection.name, first - 1n]);
            expect(stored.tables).toEqual(reference);
          }
          stops++;
        }

        const skipping = new ProjectionRunner({ store, projections: allProjections, projectionStore: new InMemoryProjectionStore(), onUnknownEvent: 'skip', batchSize: r.int(1, 25) });
        const stats = await skipping.catchUp();
        expect(stats.skippedEvents).toBe(bad);
        const everything = await decodedBefore(store, undefined);
        for (const projection of allProjections) {
          expect(skipping.checkpoint(projection.name)).toBe(await store.headPosition());
          expect(dumpTables(projection, skipping.state(projection))).toEqual(dumpTables(projection, foldEnvelopes(projection, everything)));
        }
      },
    ),
    { numRuns: 30 },
  );
  expect(stops).toBe(90);
});
