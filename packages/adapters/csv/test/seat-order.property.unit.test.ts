import fc from 'fast-check';
import { createLedger, InMemoryEventStore } from '@learner-ledger/core';
import { importLearners } from '../src/index.js';
import { NOW, run, stateOf, textInput } from './helpers.js';

/**
 * A file for a full pool that frees seats and takes them again — some
 * learners set FALSE, new learners and inactive ones set TRUE, in any line
 * order — applies whole with any batch size: every license the file releases
 * is free before one is taken, within a batch and across batches.
 */
const HEADER = 'Learner ID,First Name,Last Name,Email,Employee ID,Teams,Active';

test('a full pool: deactivations in a file free the seats its registrations and reactivations take, whatever the line order and batch size', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.integer({ min: 2, max: 12 }),
      fc.integer({ min: 0, max: 4 }),
      fc.integer({ min: 1, max: 12 }),
      fc.nat(),
      fc.nat(),
      fc.integer({ min: 1, max: 30 }),
      fc.array(fc.nat(), { minLength: 40, maxLength: 40 }),
      async (seats, inactive, wanted, takeSeed, reactivateSeed, batchSize, order) => {
        const ledger = createLedger({ store: new InMemoryEventStore() });
        await run(ledger, { type: 'OnboardOrganization', orgId: 'seat', name: 'Seats', seats });
        await run(ledger, { type: 'CreateTeam', orgId: 'seat', name: 'Sales' });
        for (let i = 0; i < seats; i++) await run(ledger, { type: 'RegisterLearner', orgId: 'seat', learnerId: `A${i}`, email: `a${i}@seat.test`, firstName: 'A', lastName: `${i}`, teams: ['sales'] });
        for (let i = 0; i < inactive; i++) await run(ledger, { type: 'RegisterLearner', orgId: 'seat', learnerId: `I${i}`, email: `i${i}@seat.test`, firstName: 'I', lastName: `${i}`, active: false });
        const k = Math.min(wanted, seats);
        // The file takes back between one and all of the seats it frees: reactivations first, then new learners.
        const takes = 1 + (takeSeed % k);
        const reactivations = Math.min(takes, reactivateSeed % (inactive + 1));
        const registrations = takes - reactivations;
        const rows = [
          ...Array.from({ length: seats }, (_, i) => `A${i},A,${i},a${i}@seat.test,,Sales,${i < k ? 'FALSE' : 'TRUE'}`),
          ...Array.from({ length: reactivations }, (_, i) => `I${i},I,${i},i${i}@seat.test,,Sales,TRUE`),
          ...Array.from({ length: registrations }, (_, i) => `N${i},N,${i},n${i}@seat.test,,Sales,TRUE`),
        ];
        const shuffled = rows.map((row, i) => ({ row, key: order[i % order.length]! * 100 + i })).sort((a, b) => a.key - b.key).map(({ row }) => row);
        const report = await importLearners(ledger, { orgId: 'seat', input: textInput([HEADER, ...shuffled].join('\n') + '\n'), targetTeam: 'Sales', now: NOW, batchSize, allowMassDeactivation: true });
        expect(report.errors).toEqual([]);
        expect(report.status).toBe('applied');
        expect(report.counts).toMatchObject({ deactivated: k, reactivated: reactivations, registered: registrations, errors: 0 });
        const state = await stateOf(ledger, 'seat');
        expect(state.licensesInUse).toBe(seats - k + takes);
        expect(state.licensesInUse).toBeLessThanOrEqual(seats);
        for (let i = 0; i < registrations; i++) expect(state.learners.get(`N${i}`)?.status).toBe('active');
      },
    ),
    { numRuns: 60 },
  );
});
