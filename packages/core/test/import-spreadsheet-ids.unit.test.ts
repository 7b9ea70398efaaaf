import * as E from 'fp-ts/lib/Either.js';
import {
  createLedger,
  InMemoryEventStore,
  organizationStreamId,
  runImport,
  type ColumnNames,
  type Command,
  type LearnerFileItem,
  type LearnerRow,
  type Ledger,
} from '../src/index.js';

/**
 * The repair hints of the import workflow: a line whose Learner ID or
 * Employee ID a spreadsheet changed is refused with a hint saying so, or —
 * only when asked — matched to its learner, reported and audited as matched.
 */
const NOW = '2026-03-02T15:00:00.000Z';
const admin = { actor: { kind: 'admin' as const, id: 'admin@acme.test' }, channel: 'api' as const, now: '2026-03-01T09:00:00.000Z' };
const COLUMNS: ColumnNames = {
  learnerId: 'Learner ID', firstName: 'First Name', lastName: 'Last Name', email: 'Email', employeeId: 'Employee ID',
  teams: 'Teams', active: 'Active', reason: 'Reason', deactivationDate: 'Deactivation Date',
};

const execute = async (ledger: Ledger, command: Command) => {
  const result = await ledger.execute(command, admin);
  if (E.isLeft(result)) throw new Error(`${command.type}: ${result.left.message}`);
};

const PEOPLE = [
  { learnerId: '0042', email: 'ada@acme.test', firstName: 'Ada', lastName: 'Lovelace', employeeId: '000123' },
  { learnerId: '0043', email: 'alan@acme.test', firstName: 'Alan', lastName: 'Turing', employeeId: '000124' },
  { learnerId: '1e5', email: 'grace@acme.test', firstName: 'Grace', lastName: 'Hopper', employeeId: 'E7' },
  { learnerId: 'L001', email: 'edsger@acme.test', firstName: 'Edsger', lastName: 'Dijkstra', employeeId: '2024-01-05' },
];

const organization = async (store = new InMemoryEventStore()): Promise<Ledger> => {
  const ledger = createLedger({ store });
  await execute(ledger, { type: 'OnboardOrganization', orgId: 'acme', name: 'Acme', seats: 10, timeZone: 'Europe/Berlin' });
  await execute(ledger, { type: 'CreateTeam', orgId: 'acme', name: 'Sales' });
  for (const p of PEOPLE) await execute(ledger, { type: 'RegisterLearner', orgId: 'acme', ...p, teams: ['sales'] });
  return ledger;
};

/** A row as a spreadsheet wrote it back: everything as exported, with the ids given. */
const row = (line: number, person: (typeof PEOPLE)[number], cells: Partial<LearnerRow> = {}): LearnerRow => ({
  kind: 'row', line, ...person, teams: ['Sales'], active: true, reason: '', deactivationDate: '', ...cells,
});

const sheet = (rows: readonly LearnerFileItem<never>[]) => ({
  fileName: 'learners.csv',
  read: async function* () {
    yield { kind: 'header' as const, format: 'data-services' as const, columns: COLUMNS };
    yield* rows;
  },
  facts: () => ({ sha256: 'ab'.repeat(32), bytes: 100, encoding: 'utf-8' }),
});

/** The file of the issue: every id as a spreadsheet wrote it back, Alan set inactive. */
const mangled = (): LearnerRow[] => [
  row(2, PEOPLE[0]!, { learnerId: '42', employeeId: '123' }),
  row(3, PEOPLE[1]!, { learnerId: '43', employeeId: '124', active: false }),
  row(4, PEOPLE[2]!, { learnerId: '100000' }),
  row(5, PEOPLE[3]!, { employeeId: '1/5/2024' }),
];

test('a file whose ids a spreadsheet changed is refused on every line with the repair hint, and nothing is written', async () => {
  const store = new InMemoryEventStore();
  const ledger = await organization(store);
  const head = await store.headPosition();
  const report = await runImport(ledger, { orgId: 'acme', source: sheet(mangled()), targetTeam: 'Sales', now: NOW });
  expect(report.status).toBe('rejected');
  expect(report.errors.map((e) => [e.line, e.code, e.column, e.value, e.expected])).toEqual([
    [2, 'ID_MANGLED_BY_SPREADSHEET', 'Learner ID', '42', '"0042"'],
    [3, 'ID_MANGLED_BY_SPREADSHEET', 'Learner ID', '43', '"0043"'],
    [4, 'ID_MANGLED_BY_SPREADSHEET', 'Learner ID', '100000', '"1e5"'],
    [5, 'ID_MANGLED_BY_SPREADSHEET', 'Employee ID', '1/5/2024', '"2024-01-05"'],
  ]);
  expect(report.errors[0]!.message).toBe(
    'No learner has this id, but learner "0042" has this e-mail: it looks like a spreadsheet dropped the leading zeros of "0042". ' +
      'The Employee ID "123" is a spreadsheet\'s rewriting of "000123" too. Open the export with the Learner ID column as text, or use the XLSX export; ' +
      'or let the import match ids a spreadsheet changed (matchMangledIds, --match-mangled-ids)',
  );
  expect(report.errors[2]!.message).toContain('a spreadsheet read "1e5" as a number and wrote it as "100000"');
  expect(report.errors[3]!.message).toContain('The learner\'s Employee ID is "2024-01-05": it looks like a spreadsheet read "2024-01-05" as a date and wrote it as "1/5/2024"');
  expect(await store.headPosition()).toBe(head);
});

test('with matchMangledIds the lines apply to the learners they match, each one reported and audited as matched; no id changes', async () => {
  const ledger = await organization();
  const plain = await runImport(ledger, { orgId: 'acme', source: sheet(mangled()), targetTeam: 'Sales', now: NOW, dryRun: true });
  const report = await runImport(ledger, { orgId: 'acme', source: sheet(mangled()), targetTeam: 'Sales', now: NOW, matchMangledIds: true });
  expect(report).toMatchObject({ status: 'applied', counts: { deactivated: 1, unchanged: 3, updated: 0, registered: 0, errors: 0 } });
  expect(report.importId).not.toBe(plain.importId);
  expect(report.lines.map((l) => [l.line, l.learnerId, l.action, l.matched?.map((m) => `${m.column}:${m.value}->${m.id}:${m.change}`)])).toEqual([
    [2, '0042', 'unchanged', ['Learner ID:42->0042:leading-zeros', 'Employee ID:123->000123:leading-zeros']],
    [3, '0043', 'deactivate', ['Learner ID:43->0043:leading-zeros', 'Employee ID:124->000124:leading-zeros']],
    [4, '1e5', 'unchanged', ['Learner ID:100000->1e5:scientific']],
    [5, 'L001', 'unchanged', ['Employee ID:1/5/2024->2024-01-05:date']],
  ]);
  expect(report.lines[1]!.message).toBe('Learner ID "43" matched to "0043" (a spreadsheet dropped the leading zeros of "0043"); Employee ID "124" matched to "000124" (a spreadsheet dropped the leading zeros of "000124")');

  const state = await ledger.state('acme');
  if (E.isLeft(state)) throw new Error(state.left.message);
  expect([...state.right.learners.values()].map((l) => [l.learnerId, l.employeeId, l.status])).toEqual([
    ['0042', '000123', 'active'], ['0043', '000124', 'inactive'], ['1e5', 'E7', 'active'], ['L001', '2024-01-05', 'active'],
  ]);
  expect(state.right.imports.get(report.importId)!.options).toMatchObject({ matchMangledIds: true });
  const { events } = await ledger.store.readStream(organizationStreamId('acme'), { fromVersion: 1, maxCount: 1000 });
  const audited = events.filter((e) => e.type === 'ImportLinesRecorded').flatMap((e) => (e.data as { lines: { line: number; message?: string }[] }).lines);
  expect(audited.find((l) => l.line === 4)!.message).toBe('Learner ID "100000" matched to "1e5" (a spreadsheet read "1e5" as a number and wrote it as "100000")');
});

test('an id the file stored as a number is taken only when it is exactly a learner\'s: never for a new learner or a new employee id', async () => {
  const ledger = await organization();
  await execute(ledger, { type: 'RegisterLearner', orgId: 'acme', learnerId: '77', email: 'n77@acme.test', firstName: 'N', lastName: 'S', teams: ['sales'] });
  const report = await runImport(ledger, {
    orgId: 'acme',
    targetTeam: 'Sales',
    now: NOW,
    partial: true,
    source: sheet([
      row(2, { learnerId: '77', email: 'n77@acme.test', firstName: 'N', lastName: 'S', employeeId: '' }, { idsStoredAsNumbers: ['learnerId'], active: false }),
      row(3, { learnerId: '88', email: 'n88@acme.test', firstName: 'N', lastName: 'T', employeeId: '' }, { idsStoredAsNumbers: ['learnerId'] }),
      row(4, PEOPLE[2]!, { employeeId: '9', idsStoredAsNumbers: ['employeeId'] }),
      row(5, PEOPLE[0]!, { learnerId: '42', idsStoredAsNumbers: ['learnerId'] }),
    ]),
  });
  expect(report.lines.map((l) => [l.line, l.action, l.error?.code, l.error?.column])).toEqual([
    [2, 'deactivate', undefined, undefined],
    [3, 'error', 'ID_STORED_AS_NUMBER', 'Learner ID'],
    [4, 'error', 'ID_STORED_AS_NUMBER', 'Employee ID'],
    [5, 'error', 'ID_MANGLED_BY_SPREADSHEET', 'Learner ID'],
  ]);
  expect(report.errors[0]!.message).toContain('Format the Learner ID column as text and type the id again, or use the XLSX export');
});

test('a matched line and the line of the id it matches are the same learner twice: both refused', async () => {
  const ledger = await organization();
  const report = await runImport(ledger, {
    orgId: 'acme', targetTeam: 'Sales', now: NOW, matchMangledIds: true, dryRun: true,
    source: sheet([row(2, PEOPLE[0]!), row(3, PEOPLE[0]!, { learnerId: '42', active: false }), row(4, PEOPLE[1]!, { learnerId: '43' }), row(5, PEOPLE[1]!)]),
  });
  expect(report.lines.map((l) => [l.line, l.action, l.error?.code])).toEqual([
    [2, 'error', 'DUPLICATE_LEARNER_ID'], [3, 'error', 'DUPLICATE_LEARNER_ID'], [4, 'error', 'DUPLICATE_LEARNER_ID'], [5, 'error', 'DUPLICATE_LEARNER_ID'],
  ]);
});

test('an unknown id whose e-mail belongs to a learner with an unrelated id is still a new learner claiming that e-mail', async () => {
  const ledger = await organization();
  const report = await runImport(ledger, { orgId: 'acme', targetTeam: 'Sales', now: NOW, dryRun: true, source: sheet([row(2, PEOPLE[0]!, { learnerId: '0044' })]) });
  expect(report.errors.map((e) => e.code)).toEqual(['DUPLICATE_EMAIL']);
});
