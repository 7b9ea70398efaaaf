import fc from 'fast-check';
import { createLedger, InMemoryEventStore, type ImportFormat } from '@learner-ledger/core';
import { FORMATS, importLearners } from '../src/index.js';
import { learnersOf, NOW, run, stateOf, textInput } from './helpers.js';

/**
 * Headers are matched by name whatever their letter case, surrounding spaces
 * and order: a file whose header line is any such spelling of a format's
 * columns imports exactly like the same file with the canonical header line.
 */
const ledgerWithTeam = async () => {
  const ledger = createLedger({ store: new InMemoryEventStore() });
  await run(ledger, { type: 'OnboardOrganization', orgId: 'h', name: 'Headers', seats: 10, timeZone: 'America/Chicago' });
  await run(ledger, { type: 'CreateTeam', orgId: 'h', name: 'Sales' });
  await run(ledger, { type: 'RegisterLearner', orgId: 'h', learnerId: '0001', email: 'old@h.test', firstName: 'Old', lastName: 'Name', employeeId: 'E1', teams: ['sales'] });
  return ledger;
};

const VALUES: Record<string, [string, string]> = {
  learnerId: ['0001', '0002'],
  firstName: ['Ann', 'Bo'],
  lastName: ['Lee', 'Ek'],
  email: ['ann@h.test', 'bo@h.test'],
  employeeId: ['E0001', '007'],
  teams: ['Sales', 'sales'],
  active: ['TRUE', 'FALSE'],
  reason: ['', 'left'],
  deactivationDate: ['', ''],
};

const spelling = fc.record({
  cases: fc.array(fc.boolean(), { minLength: 20, maxLength: 20 }),
  before: fc.constantFrom('', ' ', '  '),
  after: fc.constantFrom('', ' ', '   '),
});

test('header matching ignores letter case, surrounding spaces and column order: any spelling imports like the canonical header', async () => {
  let upperLower = 0;
  await fc.assert(
    fc.asyncProperty(
      fc.constantFrom<ImportFormat>('data-services', 'learner-page'),
      fc.array(spelling, { minLength: 9, maxLength: 9 }),
      fc.array(fc.nat(), { minLength: 9, maxLength: 9 }),
      fc.boolean(),
      async (format, spellings, order, optional) => {
        const columns = FORMATS[format].columns.filter((c) => c.required || optional);
        const shuffled = columns.map((c, i) => ({ c, key: order[i]! })).sort((a, b) => a.key - b.key).map(({ c }) => c);
        const spelled = shuffled.map((c, i) => {
          const s = spellings[i]!;
          const letters = [...c.header].map((ch, j) => (s.cases[j % s.cases.length] ? ch.toUpperCase() : ch.toLowerCase())).join('');
          return `${s.before}${letters}${s.after}`;
        });
        if (spelled.some((name, i) => name.trim() !== shuffled[i]!.header)) upperLower++;
        const rows = [0, 1].map((row) => shuffled.map((c) => VALUES[c.key]![row]!).join(','));
        const canonicalRows = [0, 1].map((row) => columns.map((c) => VALUES[c.key]![row]!).join(','));
        const options = { orgId: 'h', targetTeam: 'Sales', now: NOW, allowMassDeactivation: true };
        const reference = await ledgerWithTeam();
        const expected = await importLearners(reference, { ...options, input: textInput([columns.map((c) => c.header).join(','), ...canonicalRows].join('\n') + '\n') });
        const ledger = await ledgerWithTeam();
        const report = await importLearners(ledger, { ...options, input: textInput([spelled.join(','), ...rows].join('\n') + '\n') });
        expect(report.errors).toEqual([]);
        expect(report.format).toBe(format);
        expect(report.lines).toEqual(expected.lines);
        expect(learnersOf(await stateOf(ledger, 'h'))).toEqual(learnersOf(await stateOf(reference, 'h')));
        // The values landed in their columns: the known learner was updated, the new one registered inactive.
        expect((await stateOf(ledger, 'h')).learners.get('0001')).toMatchObject({ firstName: 'Ann', lastName: 'Lee', email: 'ann@h.test', employeeId: 'E0001', status: 'active' });
        expect((await stateOf(ledger, 'h')).learners.get('0002')).toMatchObject({ firstName: 'Bo', lastName: 'Ek', email: 'bo@h.test', employeeId: '007', status: 'inactive' });
      },
    ),
    { numRuns: 60 },
  );
  expect(upperLower).toBeGreaterThan(40);
});
