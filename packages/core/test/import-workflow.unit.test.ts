import * as E from 'fp-ts/lib/Either.js';
import {
  createLedger,
  InMemoryEventStore,
  processDue,
  runImport,
  type ColumnNames,
  type Command,
  type DueProgress,
  type ImportProgress,
  type LearnerFileItem,
  type LearnerFileSource,
  type LearnerRow,
  type Ledger,
} from '../src/index.js';

/**
 * The import workflow through its port, with a learner file that is not a CSV
 * file (a spreadsheet's rows, as an XLSX adapter would hand them over): what
 * it reports as it goes, and how the decider's answers become line errors
 * named by the file's own columns.
 */
const NOW = '2026-03-02T15:00:00.000Z';
const admin = { actor: { kind: 'admin' as const, id: 'admin@acme.test' }, channel: 'api' as const, now: '2026-03-01T09:00:00.000Z' };

const COLUMNS: ColumnNames = {
  learnerId: 'ID', firstName: 'Given name', lastName: 'Family name', email: 'Mail', employeeId: 'Staff no.',
  teams: 'Groups', active: 'Enabled', reason: 'Why', deactivationDate: 'Last day',
};

type SheetCode = 'BAD_CELL';

const row = (line: number, cells: Partial<Omit<LearnerRow, 'kind' | 'line'>>): LearnerRow => ({
  kind: 'row', line, learnerId: '', firstName: '', lastName: '', email: '', employeeId: '', teams: [], active: null, reason: '', deactivationDate: '', ...cells,
});

/** A learner file of rows already read, as another format's adapter would give them. */
const sheet = (items: readonly LearnerFileItem<SheetCode>[], fileName = 'learners.xlsx'): LearnerFileSource<SheetCode> => ({
  fileName,
  read: async function* () {
    yield { kind: 'header', format: 'data-services', columns: COLUMNS };
    yield* items;
  },
  facts: () => ({ sha256: 'cd'.repeat(32), bytes: 1234, encoding: 'xlsx' }),
});

const execute = async (ledger: Ledger, command: Command) => {
  const result = await ledger.execute(command, admin);
  if (E.isLeft(result)) throw new Error(`${command.type}: ${result.left.message}`);
};

/** acme: `seats` seats, team Sales, learners L1..Ln in Sales. */
const organization = async (learners: number, seats = learners + 5, store = new InMemoryEventStore()): Promise<Ledger> => {
  const ledger = createLedger({ store });
  await execute(ledger, { type: 'OnboardOrganization', orgId: 'acme', name: 'Acme', seats, timeZone: 'Europe/Berlin' });
  await execute(ledger, { type: 'CreateTeam', orgId: 'acme', name: 'Sales' });
  for (let n = 1; n <= learners; n++) {
    await execute(ledger, { type: 'RegisterLearner', orgId: 'acme', learnerId: `L${n}`, email: `l${n}@acme.test`, firstName: 'F', lastName: `L${n}`, teams: ['sales'] });
  }
  return ledger;
};

/** Imports the rows for team Sales with `partial`: the lines that can be applied are. */
const importPartially = (ledger: Ledger, items: readonly LearnerFileItem<SheetCode>[]) => runImport(ledger, { orgId: 'acme', targetTeam: 'Sales', now: NOW, partial: true, source: sheet(items) });

const known = (n: number, active: boolean | null): LearnerRow => row(n + 1, { learnerId: `L${n}`, firstName: 'F', lastName: `L${n}`, email: `l${n}@acme.test`, teams: ['Sales'], active });

test('progress in stages: rows read, rows checked of the total, batch k of n with the rows applied, then finishing', async () => {
  const ledger = await organization(30);
  // 2500 rows: 30 known learners (the first 5 set inactive), 2470 new ones.
  const rows = [
    ...Array.from({ length: 30 }, (_, i) => known(i + 1, i < 5 ? false : true)),
    ...Array.from({ length: 2470 }, (_, i) => row(32 + i, { learnerId: `N${i}`, email: `n${i}@acme.test`, active: false })),
  ];
  const seen: ImportProgress[] = [];
  const report = await runImport(ledger, { orgId: 'acme', source: sheet(rows), targetTeam: 'sales', now: NOW, batchSize: 1000, onProgress: (p) => seen.push(p) });
  expect(report).toMatchObject({ status: 'applied', rowCount: 2500, counts: { deactivated: 5, registered: 2470, unchanged: 25 } });

  const stages = seen.map((p) => p.stage).filter((stage, i, all) => stage !== all[i - 1]);
  expect(stages).toEqual(['reading', 'checking', 'applying', 'finishing']);
  const reading = seen.flatMap((p) => (p.stage === 'reading' ? [p.rows] : []));
  expect(reading).toEqual([0, 1000, 2000, 2500]);
  const checking = seen.flatMap((p) => (p.stage === 'checking' ? [[p.rows, p.total]] : []));
  // 2475 lines change something: decided 1000 operations at a time, then the unchanged ones counted at once.
  expect(checking).toEqual([[0, 2500], [1000, 2500], [2000, 2500], [2475, 2500], [2500, 2500]]);
  const applying = seen.flatMap((p) => (p.stage === 'applying' ? [[p.batch, p.batches, p.rows, p.total]] : []));
  expect(applying).toEqual([[1, 3, 0, 2500], [2, 3, 1000, 2500], [3, 3, 2000, 2500], [3, 3, 2500, 2500]]);
  expect(report.appends).toBe(1 + 3 + 1);
  expect(seen.at(-1)).toEqual({ stage: 'finishing' });
});

test('a due-work run reports the organization it is at, its scheduled deactivations, and each due import with its stages', async () => {
  const store = new InMemoryEventStore();
  const ledger = await organization(30, 35, store);
  await execute(ledger, { type: 'OnboardOrganization', orgId: 'beta', name: 'Beta', seats: 5, timeZone: 'Europe/Berlin' });
  const rows = [
    ...Array.from({ length: 30 }, (_, i) => known(i + 1, i < 5 ? false : true)),
    ...Array.from({ length: 2470 }, (_, i) => row(32 + i, { learnerId: `N${i}`, email: `n${i}@acme.test`, active: false })),
  ];
  // Two imports of the same file queued for the next top of the hour (two imports: the options differ).
  const queued = [];
  for (const partial of [false, true]) {
    queued.push(await runImport(ledger, { orgId: 'acme', source: sheet(rows), targetTeam: 'Sales', now: NOW, partial, schedule: 'top-of-hour', location: `sheet-${partial}` }));
  }
  expect(queued.map((r) => r.status)).toEqual(['scheduled', 'scheduled']);
  // Due at the same time, they run in the order of their ids.
  queued.sort((a, b) => (a.importId < b.importId ? -1 : 1));
  const seen: DueProgress[] = [];
  const work = await processDue(createLedger({ store }), {
    now: '2026-03-02T16:00:00.000Z',
    openSource: () => sheet(rows),
    batchSize: 1000,
    onProgress: (p) => seen.push(p),
  });
  expect(work.imports.map((r) => [r.importId, r.status])).toEqual(queued.map((r) => [r.importId, 'applied']));
  expect(work.imports.map((r) => r.counts.deactivated + r.counts.registered)).toEqual([2475, 0]);

  // Each organization in turn, 1 of 2 and 2 of 2: its deactivations, then its due imports, each through its own stages.
  const steps = seen
    .map((p) => [p.orgId, `${p.organization}/${p.organizations}`, p.stage, ...(p.stage === 'import' ? [p.importId, p.fileName, `${p.import}/${p.imports}`, p.progress.stage] : [])].join(' '))
    .filter((step, i, all) => step !== all[i - 1]);
  const [first, second] = queued.map((r) => `${r.importId} learners.xlsx`);
  expect(steps).toEqual([
    'acme 1/2 deactivations',
    'acme 1/2 imports',
    ...['reading', 'checking', 'applying', 'finishing'].map((stage) => `acme 1/2 import ${first} 1/2 ${stage}`),
    ...['reading', 'checking', 'applying', 'finishing'].map((stage) => `acme 1/2 import ${second} 2/2 ${stage}`),
    'beta 2/2 deactivations',
    'beta 2/2 imports',
  ]);
  // The import's own reports come through as they are: batch k of n, in rows.
  const applying = seen.flatMap((p) => (p.stage === 'import' && p.import === 1 && p.progress.stage === 'applying' ? [[p.progress.batch, p.progress.batches, p.progress.rows, p.progress.total]] : []));
  expect(applying).toEqual([[1, 3, 0, 2500], [2, 3, 1000, 2500], [3, 3, 2000, 2500], [3, 3, 2500, 2500]]);
});

test('a dry run reports reading and checking only; a refused file stops after checking', async () => {
  const ledger = await organization(3, 3);
  const seen: string[] = [];
  const plan = await runImport(ledger, { orgId: 'acme', source: sheet([known(1, false)]), targetTeam: 'Sales', now: NOW, dryRun: true, onProgress: (p) => seen.push(p.stage) });
  expect(plan.status).toBe('planned');
  expect([...new Set(seen)]).toEqual(['reading', 'checking']);
  seen.length = 0;
  const refused = await runImport(ledger, { orgId: 'acme', source: sheet([row(2, { learnerId: 'N1', email: 'n1@acme.test', active: true })]), targetTeam: 'Sales', now: NOW, onProgress: (p) => seen.push(p.stage) });
  expect(refused.status).toBe('rejected');
  expect([...new Set(seen)]).toEqual(['reading', 'checking']);
});

test("the decider's refusals are the lines' errors, in line order, named by the file's own columns", async () => {
  const ledger = await organization(3, 3); // no free seat
  await execute(ledger, { type: 'CreateTeam', orgId: 'acme', name: 'Support' });
  await execute(ledger, { type: 'DeactivateLearners', orgId: 'acme', learnerIds: ['L3'] }); // one seat free
  const report = await importPartially(ledger, [
      row(2, { learnerId: 'N1', email: 'not-an-address', active: true }),
      row(3, { learnerId: 'N2', email: '', firstName: 'No', lastName: 'Mail' }),
      { kind: 'line-error', line: 4, learnerId: 'N3', error: { code: 'BAD_CELL', column: 'Enabled', value: 'perhaps', message: 'Enabled is TRUE or FALSE' } },
      row(5, { learnerId: 'N4', email: 'n4@acme.test', teams: ['Sales', 'Marketing'] }),
      row(6, { learnerId: 'L3', email: 'l3@acme.test', teams: ['Support'] }), // inactive, Enabled blank: cannot join Support
      row(7, { learnerId: 'N5', email: 'n5@acme.test', active: true }), // takes the free seat
      row(8, { learnerId: 'N6', email: 'n6@acme.test', active: true }), // none left
      row(9, { learnerId: 'L1', email: 'l2@acme.test' }), // another learner's e-mail
    ]);
  expect(report.errors.map((e) => [e.line, e.code, e.column, e.value])).toEqual([
    [2, 'INVALID_EMAIL', 'Mail', 'not-an-address'],
    [3, 'MISSING_VALUE', 'Mail', ''],
    [4, 'BAD_CELL', 'Enabled', 'perhaps'],
    [5, 'UNKNOWN_TEAM', 'Groups', 'Marketing'],
    [6, 'INACTIVE_LEARNER_ON_STANDARD_TEAM', 'Groups', 'Support'],
    [8, 'LICENSE_POOL_EXHAUSTED', 'Enabled', undefined],
    [9, 'DUPLICATE_EMAIL', 'Mail', 'l2@acme.test'],
  ]);
  expect(report.errors.every((e) => e.file === 'learners.xlsx' && !e.message.includes('learners.xlsx'))).toBe(true);
  expect(report).toMatchObject({ status: 'applied', counts: { registered: 1, errors: 7 } });
  const state = await ledger.state('acme');
  expect(E.isRight(state) && [...state.right.learners.keys()].sort()).toEqual(['L1', 'L2', 'L3', 'N5']);
});

test('a line is decided whole: when one of its operations is refused, the others change nothing either', async () => {
  const ledger = await organization(2, 2);
  // L1 set inactive with a new e-mail that L2 has: the profile change is refused, so L1 is not deactivated and no seat frees up for N1.
  const report = await importPartially(ledger, [row(2, { learnerId: 'L1', email: 'l2@acme.test', active: false }), row(3, { learnerId: 'N1', email: 'n1@acme.test', active: true })]);
  expect(report.errors.map((e) => [e.line, e.code])).toEqual([[2, 'DUPLICATE_EMAIL'], [3, 'LICENSE_POOL_EXHAUSTED']]);
  const state = await ledger.state('acme');
  expect(E.isRight(state) && state.right.learners.get('L1')!.status).toBe('active');
});

test('with partial, a line the ledger refuses at apply time (the organization changed since the check) is an error line with its column', async () => {
  const store = new InMemoryEventStore();
  const ledger = await organization(0, 10, store);
  // Right after the import is received, an administrator registers someone with the e-mail the file's first new learner uses.
  const admin = createLedger({ store });
  const append = store.appendToStream.bind(store);
  let interfered = false;
  store.appendToStream = async (streamId, events, options) => {
    const appended = await append(streamId, events, options);
    if (!interfered && events.some((e) => e.type === 'ImportReceived')) {
      interfered = true;
      await execute(admin, { type: 'RegisterLearner', orgId: 'acme', learnerId: 'X9', email: 'n1@acme.test', firstName: 'X', lastName: 'Y' });
    }
    return appended;
  };
  const report = await importPartially(ledger, [row(2, { learnerId: 'N1', email: 'n1@acme.test', active: true }), row(3, { learnerId: 'N2', email: 'n2@acme.test', active: true })]);
  expect(report.status).toBe('applied');
  expect(report.lines.map((l) => [l.line, l.action, l.error?.code, l.error?.column])).toEqual([
    [2, 'error', 'DUPLICATE_EMAIL', 'Mail'],
    [3, 'register', undefined, undefined],
  ]);
  expect(report.counts).toMatchObject({ registered: 1, errors: 1 });
});
