import * as E from 'fp-ts/lib/Either.js';
import { createLedger, InMemoryEventStore, type Command } from '@learner-ledger/core';
import { adminContext } from '@learner-ledger/core/testing';
import { InMemoryProjectionStore, licenseCountAt, type CatchUpProgress } from '../src/index.js';

const run = async (ledger: ReturnType<typeof createLedger>, command: Command) => {
  const result = await ledger.execute(command, adminContext({ now: '2026-03-02T15:00:00.000Z' }));
  if (E.isLeft(result)) throw new Error(result.left.message);
};

describe('a read model caught up before an answer', () => {
  test('tells onCatchUp how far it has come after every batch, then that it finished; nothing when the model is current', async () => {
    const store = new InMemoryEventStore();
    const ledger = createLedger({ store });
    await run(ledger, { type: 'OnboardOrganization', orgId: 'acme', name: 'Acme', seats: 3000 });
    for (let i = 1; i <= 3000; i++) await run(ledger, { type: 'RegisterLearner', orgId: 'acme', learnerId: `L${i}`, email: `l${i}@acme.test`, firstName: 'F', lastName: 'L' });
    const head = Number(await store.headPosition());
    const readModel = new InMemoryProjectionStore();
    const reports: CatchUpProgress[] = [];
    const answer = await licenseCountAt(store, 'acme', undefined, { readModel, onCatchUp: (progress) => reports.push(progress) });
    expect(E.isRight(answer) && answer.right).toMatchObject({ inUse: 3000, source: 'read-model', position: String(head) });
    // Batches of 5,000 events: at least one report before the end, then the last one.
    expect(head).toBeGreaterThan(5000);
    expect(reports.length).toBeGreaterThanOrEqual(2);
    expect(reports.every((p) => p.projection === 'license-history' && p.total === head)).toBe(true);
    expect(reports.map((p) => p.finished)).toEqual([...reports.slice(1).map(() => false), true]);
    const done = reports.map((p) => p.done);
    expect(done).toEqual([...done].sort((a, b) => a - b));
    expect(done.at(-1)).toBe(head);
    expect(done[0]).toBeLessThan(head);

    reports.length = 0;
    await licenseCountAt(store, 'acme', undefined, { readModel, onCatchUp: (progress) => reports.push(progress) });
    expect(reports).toEqual([]);
  });
});
