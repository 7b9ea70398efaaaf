import * as E from 'fp-ts/lib/Either.js';
import { createLedger, InMemoryEventStore, runImport, type ColumnNames, type Command, type LearnerFileItem, type LearnerRow, type Ledger, type ReportLines } from '../src/index.js';

/**
 * `reportLines` chooses which lines a report lists, for files too large to
 * list every line of: the counts and what is written are the same whichever
 * is asked for.
 */
const NOW = '2026-03-02T15:00:00.000Z';
const admin = { actor: { kind: 'admin' as const, id: 'admin@acme.test' }, channel: 'api' as const, now: '2026-03-01T09:00:00.000Z' };
const COLUMNS: ColumnNames = {
  learnerId: 'Learner ID', firstName: 'First Name', lastName: 'Last Name', email: 'Email', employeeId: 'Employee ID',
  teams: 'Teams', active: 'Active', reason: 'Reason', deactivationDate: 'Deactivation Date',
};
const PEOPLE = [
  { learnerId: '0042', email: 'ada@acme.test', firstName: 'Ada', lastName: 'Lovelace', employeeId: '000123' },
  { learnerId: 'L2', email: 'alan@acme.test', firstName: 'Alan', lastName: 'Turing', employeeId: 'E2' },
  { learnerId: 'L3', email: 'grace@acme.test', firstName: 'Grace', lastName: 'Hopper', employeeId: 'E3' },
  { learnerId: 'L4', email: 'edsger@acme.test', firstName: 'Edsger', lastName: 'Dijkstra', employeeId: 'E4' },
];

const execute = async (ledger: Ledger, command: Command) => {
  const result = await ledger.execute(command, admin);
  if (E.isLeft(result)) throw new Error(`${command.type}: ${result.left.message}`);
};

const organization = async (): Promise<Ledger> => {
  const ledger = createLedger({ store: new InMemoryEventStore() });
  await execute(ledger, { type: 'OnboardOrganization', orgId: 'acme', name: 'Acme', seats: 10, timeZone: 'Europe/Berlin' });
  await execute(ledger, { type: 'CreateTeam', orgId: 'acme', name: 'Sales' });
  for (const p of PEOPLE) await execute(ledger, { type: 'RegisterLearner', orgId: 'acme', ...p, teams: ['sales'] });
  return ledger;
};

const row = (line: number, person: (typeof PEOPLE)[number], cells: Partial<LearnerRow> = {}): LearnerRow => ({
  kind: 'row', line, ...person, teams: ['Sales'], active: true, reason: '', deactivationDate: '', ...cells,
});

/** Ada's ids as a spreadsheet wrote them back (matched, nothing else changes), Alan set inactive, Grace as she is, Edsger's e-mail taken by Grace's. */
const file = () => ({
  fileName: 'learners.csv',
  read: async function* (): AsyncGenerator<LearnerFileItem<never>> {
    yield { kind: 'header' as const, format: 'data-services' as const, columns: COLUMNS };
    yield row(2, PEOPLE[0]!, { learnerId: '42', employeeId: '123' });
    yield row(3, PEOPLE[1]!, { active: false });
    yield row(4, PEOPLE[2]!);
    yield row(5, PEOPLE[3]!, { email: 'grace@acme.test' });
  },
  facts: () => ({ sha256: 'ab'.repeat(32), bytes: 100, encoding: 'utf-8' }),
});

const importWith = async (reportLines: ReportLines | undefined) => {
  const ledger = await organization();
  const report = await runImport(ledger, { orgId: 'acme', source: file(), targetTeam: 'Sales', now: NOW, partial: true, matchMangledIds: true, ...(reportLines ? { reportLines } : {}) });
  return { report, listed: report.lines.map((l) => [l.line, l.action, l.matched !== undefined]) };
};

test('every line by default; all but the unchanged ones (a matched line kept); the errors; or none — with the same counts and events', async () => {
  const all = await importWith(undefined);
  expect(all.report.status).toBe('applied');
  expect(all.listed).toEqual([
    [2, 'unchanged', true],
    [3, 'deactivate', false],
    [4, 'unchanged', false],
    [5, 'error', false],
  ]);
  expect((await importWith('all')).listed).toEqual(all.listed);
  const changes = await importWith('changes');
  expect(changes.listed).toEqual([
    [2, 'unchanged', true],
    [3, 'deactivate', false],
    [5, 'error', false],
  ]);
  const errors = await importWith('errors');
  expect(errors.listed).toEqual([[5, 'error', false]]);
  const none = await importWith('none');
  expect(none.listed).toEqual([]);
  for (const other of [changes, errors, none]) {
    expect(other.report.counts).toEqual(all.report.counts);
    expect(other.report.errors).toEqual(all.report.errors);
    expect(other.report.appends).toEqual(all.report.appends);
  }
});
