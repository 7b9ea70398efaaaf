import { importLearners } from '../src/index.js';
import { fixture, fixtureOrganization, NOW, run, stateOf } from './helpers.js';

/** Files that look wrong but are valid: each imports as exactly what it says. */
const importNasty = async (name: string, seats?: number) => {
  const ledger = await fixtureOrganization();
  if (seats !== undefined) await run(ledger, { type: 'ResizeLicensePool', orgId: 'acme', seats });
  const report = await importLearners(ledger, { orgId: 'acme', input: fixture(`nasty/${name}`), targetTeam: 'Sales', now: NOW });
  expect(report.errors).toEqual([]);
  expect(report.status).toBe('applied');
  return { ledger, report, state: await stateOf(ledger) };
};

const actions = (report: { lines: readonly { line: number; learnerId: string; action: string }[] }) => report.lines.map((l) => [l.line, l.learnerId, l.action]);

test('"FALSE " and " true" with surrounding spaces read as FALSE and TRUE; "No" as FALSE', async () => {
  const { report, state } = await importNasty('active-trailing-space.csv');
  expect(actions(report)).toEqual([[2, '1001', 'deactivate'], [3, '1002', 'unchanged'], [4, '1003', 'deactivate']]);
  expect(state.learners.get('1001')).toMatchObject({ status: 'inactive', teams: ['inactive-learners'] });
});

test('ids with leading zeros are text: 01001 is a new learner, not 1001; employee id 00042 is kept', async () => {
  const { report, state } = await importNasty('leading-zeros.csv');
  expect(actions(report)).toEqual([[2, '01001', 'register'], [3, '1001', 'unchanged']]);
  expect(state.learners.get('01001')).toMatchObject({ employeeId: '00042', status: 'active', teams: ['sales'] });
  expect(state.learners.get('1001')).toMatchObject({ status: 'active', email: 'l1001@acme.test' });
});

test('team names are matched ignoring case and surrounding spaces', async () => {
  const { report, state } = await importNasty('team-names-differing-in-case.csv');
  expect(actions(report)).toEqual([[2, '1001', 'update'], [3, '2001', 'unchanged']]);
  expect(state.learners.get('1001')!.teams).toEqual(['sales', 'support']);
});

test('formula payloads in names are stored as text; a neutralising quote is removed', async () => {
  const { state } = await importNasty('formula-injection-names.csv');
  expect(state.learners.get('5001')).toMatchObject({ firstName: '=HYPERLINK("http://evil.test","click")', lastName: '@SUM(A1)', employeeId: '-42', status: 'active' });
  expect(state.learners.get('5002')).toMatchObject({ firstName: '+cmd', lastName: "'=x", status: 'inactive', teams: ['inactive-learners'] });
});

test('UTF-16LE tab-separated "Unicode text" is decoded, not garbled', async () => {
  const { report, state } = await importNasty('utf16le-tab-unicode-text.csv');
  expect(actions(report)).toEqual([[2, '1001', 'deactivate'], [3, '5001', 'register']]);
  expect(state.learners.get('5001')).toMatchObject({ firstName: 'José', lastName: 'Núñez' });
});

test('quoted fields keep commas, doubled quotes and line breaks; a multi-line reason is flattened', async () => {
  const { ledger, report, state } = await importNasty('quoted-commas-quotes-newlines.csv');
  expect(actions(report)).toEqual([[2, '5001', 'register'], [3, '1001', 'deactivate']]);
  expect(state.learners.get('5001')).toMatchObject({ firstName: 'Smith, Jr', lastName: 'O"Brien' });
  const all = await ledger.store.readAll({ maxCount: 10_000 });
  const deactivated = all.events.find((e) => e.type === 'LearnerDeactivated' && (e.data as { learnerId: string }).learnerId === '1001')!;
  expect(deactivated.data).toMatchObject({ reason: 'moved to another, "better" job' });
  expect(deactivated.metadata).toMatchObject({ line: 3, channel: 'data-services', fileName: 'quoted-commas-quotes-newlines.csv', importId: report.importId });
});

test('mixed line endings (CRLF, LF, CR) in one file', async () => {
  const { report } = await importNasty('mixed-line-endings.csv');
  expect(actions(report)).toEqual([[2, '1001', 'deactivate'], [3, '1002', 'unchanged'], [4, '1003', 'unchanged']]);
});

test('semicolon-delimited files (European spreadsheets) with a quoted Teams list', async () => {
  const { report, state } = await importNasty('semicolon-delimited.csv');
  expect(actions(report)).toEqual([[2, '1001', 'deactivate']]);
  expect(state.learners.get('1001')!.status).toBe('inactive');
});

test('reordered columns, header case and spaces', async () => {
  const { report } = await importNasty('reordered-columns-spaces-case.csv');
  expect(actions(report)).toEqual([[2, '1001', 'deactivate']]);
});

test('UTF-8 BOM, CRLF, a row of empty cells (skipped) and an empty line (ignored)', async () => {
  const { report } = await importNasty('utf8-bom-crlf-blank-rows.csv');
  expect(actions(report)).toEqual([[2, '1001', 'deactivate'], [3, '', 'skipped'], [5, '1002', 'unchanged']]);
  expect(report.rowCount).toBe(3);
});

test('UTF-16BE without a byte-order mark is recognised from its header and decoded', async () => {
  const { report, state } = await importNasty('utf16be-no-bom.csv');
  expect(actions(report)).toEqual([[2, '1001', 'deactivate'], [3, '5001', 'register']]);
  expect(state.learners.get('5001')).toMatchObject({ firstName: 'Zoë', lastName: 'Łukasz' });
});
