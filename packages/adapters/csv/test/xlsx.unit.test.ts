import { createHash } from 'node:crypto';
import { InMemoryEventStore } from '@learner-ledger/core';
import { exportLearners, importLearners, planImport, processDueImports } from '../src/index.js';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { eventCount, eventsOfType, exportText, fixtureOrganization, learnersOf, NOW, run, snapshot, stateOf, textInput } from './helpers.js';
import { exportWorkbook, rawWorkbook, text, textRow, workbookOf } from './xlsx-helpers.js';

const base = { orgId: 'acme', targetTeam: 'Sales', now: NOW, fileName: 'learners.xlsx' } as const;
const HEADER = ['Learner ID', 'First Name', 'Last Name', 'Email', 'Employee ID', 'Teams', 'Active'];
const row = (n: number, active: string): string[] => [String(n), `First${n}`, `Last${n}`, `l${n}@acme.test`, `E${n}`, 'Sales', active];
const sha256 = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

describe('XLSX import and export', () => {
  test('an XLSX export imports back unchanged in both formats, the file type recognised by its bytes', async () => {
    const ledger = await fixtureOrganization();
    for (const format of ['data-services', 'learner-page'] as const) {
      const bytes = await exportWorkbook(ledger, { orgId: 'acme', format, team: 'Sales' });
      expect(bytes.subarray(0, 4)).toEqual(Buffer.from([0x50, 0x4b, 0x03, 0x04]));
      const report = await planImport(ledger, { ...base, input: textInput(bytes) });
      expect(report).toMatchObject({ format, status: 'planned', rowCount: 20, counts: { unchanged: 20, errors: 0 }, sha256: sha256(bytes) });
      // Rows are the sheet's rows: the header is row 1.
      expect(report.lines.map((l) => l.line)).toEqual(Array.from({ length: 20 }, (_, i) => i + 2));
    }
  });

  test('an edited workbook: dry run writes nothing; the import applies exactly the edit, audits the SHA-256 of the bytes, and is idempotent', async () => {
    const store = new InMemoryEventStore();
    const ledger = await fixtureOrganization(store);
    const before = learnersOf(await stateOf(ledger));
    const bytes = await workbookOf([HEADER, row(1001, 'TRUE'), row(1002, 'FALSE'), row(1003, 'true')]);
    const untouched = await snapshot(store);
    const plan = await planImport(ledger, { ...base, input: textInput(bytes) });
    expect(plan).toMatchObject({ status: 'planned', counts: { deactivated: 1, unchanged: 2 } });
    expect(await snapshot(store)).toBe(untouched);

    const report = await importLearners(ledger, { ...base, input: textInput(bytes) });
    expect(report).toMatchObject({ status: 'applied', applied: true, sha256: sha256(bytes), counts: { deactivated: 1, unchanged: 2, errors: 0 } });
    const received = await eventsOfType(store, 'ImportReceived');
    expect(received.at(-1)?.data).toMatchObject({ importId: report.importId, fileName: 'learners.xlsx', sha256: sha256(bytes), rowCount: 3 });
    const deactivated = await eventsOfType(store, 'LearnerDeactivated');
    expect(deactivated.at(-1)).toMatchObject({ data: { learnerId: '1002' }, metadata: { importId: report.importId, fileName: 'learners.xlsx', line: 3 } });
    const after = learnersOf(await stateOf(ledger));
    expect(after.filter((l) => l.learnerId !== '1002')).toEqual(before.filter((l) => l.learnerId !== '1002'));

    const events = await eventCount(store);
    const again = await importLearners(ledger, { ...base, input: textInput(bytes) });
    expect(again).toMatchObject({ status: 'already-applied', importId: report.importId });
    expect(await eventCount(store)).toBe(events);
  });

  test('the safety threshold refuses a workbook that deactivates too many, unless allowed', async () => {
    const store = new InMemoryEventStore();
    const ledger = await fixtureOrganization(store);
    const rows = Array.from({ length: 11 }, (_, i) => row(1001 + i, 'FALSE'));
    const bytes = await workbookOf([HEADER, ...rows]);
    const untouched = await snapshot(store);
    const refused = await importLearners(ledger, { ...base, input: textInput(bytes) });
    expect(refused).toMatchObject({ applied: false, errors: [expect.objectContaining({ code: 'MASS_DEACTIVATION' })] });
    expect(await snapshot(store)).toBe(untouched);
    const allowed = await importLearners(ledger, { ...base, input: textInput(bytes), allowMassDeactivation: true });
    expect(allowed).toMatchObject({ applied: true, counts: { deactivated: 11 } });
  });

  test('errors name the sheet row: blank rows keep their numbers, a bad Active names row, column and value', async () => {
    const ledger = await fixtureOrganization();
    const bytes = await rawWorkbook(textRow(1, HEADER) + textRow(2, row(1001, 'TRUE')) + textRow(5, row(1002, 'maybe')));
    const report = await importLearners(ledger, { ...base, input: textInput(bytes) });
    expect(report.applied).toBe(false);
    expect(report.errors).toEqual([expect.objectContaining({ code: 'INVALID_ACTIVE', file: 'learners.xlsx', line: 5, column: 'Active', value: 'maybe' })]);
  });

  test('a formula cell is refused, never evaluated; a spreadsheet error cell is refused; nothing is written', async () => {
    const store = new InMemoryEventStore();
    const ledger = await fixtureOrganization(store);
    const untouched = await snapshot(store);
    const formula = `<row r="2">${text('A2', '1001')}${text('B2', 'First1001')}${text('C2', 'Last1001')}${text('D2', 'l1001@acme.test')}${text('F2', 'Sales')}<c r="G2" t="b"><f>1=2</f><v>0</v></c></row>`;
    const error = `<row r="3">${text('A3', '1002')}<c r="B3" t="e"><v>#REF!</v></c></row>`;
    const report = await importLearners(ledger, { ...base, input: textInput(await rawWorkbook(textRow(1, HEADER) + formula + error)) });
    expect(report.errors).toEqual([
      expect.objectContaining({ code: 'FORMULA_CELL', line: 2, column: 'Active', value: '=1=2' }),
      expect.objectContaining({ code: 'ERROR_CELL', line: 3, column: 'First Name', value: '#REF!' }),
    ]);
    expect(await snapshot(store)).toBe(untouched);
  });

  test('real booleans are taken for Active; an id stored as a number is taken only when it is exactly the learner\'s', async () => {
    const store = new InMemoryEventStore();
    const ledger = await fixtureOrganization(store);
    await run(ledger, { type: 'RegisterLearner', orgId: 'acme', learnerId: '0042', email: 'zero@acme.test', firstName: 'Zero', lastName: 'Padded', teams: ['sales'] });
    const booleans = textRow(2, row(1001, '').slice(0, 6)).replace('</row>', '<c r="G2" t="b"><v>0</v></c></row>');
    const exact = `<row r="3"><c r="A3"><v>1002</v></c>${text('D3', 'l1002@acme.test')}<c r="G3" t="b"><v>1</v></c></row>`;
    const ok = await planImport(ledger, { ...base, input: textInput(await rawWorkbook(textRow(1, HEADER) + booleans + exact)) });
    expect(ok).toMatchObject({ counts: { deactivated: 1, unchanged: 1, errors: 0 } });
    const dropped = `<row r="2"><c r="A2"><v>42</v></c>${text('D2', 'zero@acme.test')}${text('G2', 'FALSE')}</row>`;
    const refused = await planImport(ledger, { ...base, input: textInput(await rawWorkbook(textRow(1, HEADER) + dropped)) });
    expect(refused.errors).toEqual([expect.objectContaining({ code: 'ID_MANGLED_BY_SPREADSHEET', line: 2, column: 'Learner ID', value: '42' })]);
    expect(refused.errors[0]?.message).toContain('dropped the leading zeros of "0042"');
  });

  test('the same rows make the same workbook bytes, whenever written', async () => {
    const rows = [HEADER, row(1001, 'TRUE'), row(1002, 'FALSE')];
    const first = await workbookOf(rows);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect((await workbookOf(rows)).equals(first)).toBe(true);
    expect((await workbookOf([HEADER, row(1001, 'FALSE'), row(1002, 'FALSE')])).equals(first)).toBe(false);
  });

  test('a file type given is checked against the bytes: WRONG_FILE_TYPE either way', async () => {
    const ledger = await fixtureOrganization();
    const workbook = await workbookOf([HEADER, row(1001, 'TRUE')]);
    const asCsv = await planImport(ledger, { ...base, input: textInput(workbook), fileType: 'csv' });
    expect(asCsv.errors).toEqual([expect.objectContaining({ code: 'WRONG_FILE_TYPE' })]);
    const csv = `${HEADER.join(',')}\n${row(1001, 'TRUE').join(',')}\n`;
    const asXlsx = await planImport(ledger, { ...base, input: textInput(csv), fileType: 'xlsx' });
    expect(asXlsx.errors).toEqual([expect.objectContaining({ code: 'WRONG_FILE_TYPE' })]);
    expect(await planImport(ledger, { ...base, input: textInput(csv) })).toMatchObject({ counts: { unchanged: 1, errors: 0 } });
  });

  test('a CSV export warns of ids a spreadsheet would change, by column and kind; an XLSX export has nothing to warn of', async () => {
    const ledger = await fixtureOrganization();
    await run(ledger, { type: 'ResizeLicensePool', orgId: 'acme', seats: 30 });
    const register = (learnerId: string, employeeId: string) =>
      run(ledger, { type: 'RegisterLearner', orgId: 'acme', learnerId, email: `${learnerId}@acme.test`, firstName: 'F', lastName: 'L', employeeId, teams: ['support'] });
    await register('0042', '2024-01-05');
    await register('12345678901234567', '000123');
    await register('1e5', 'E1');
    const output = new PassThrough();
    output.resume();
    const result = await exportLearners(ledger, { orgId: 'acme', format: 'data-services', team: 'Support', output });
    expect(result.warnings?.map((w) => [w.column, w.change, w.count, w.examples])).toEqual([
      ['Learner ID', 'leading-zeros', 1, ['0042']],
      ['Employee ID', 'date', 1, ['2024-01-05']],
      ['Learner ID', 'long-number', 1, ['12345678901234567']],
      ['Employee ID', 'leading-zeros', 1, ['000123']],
      ['Learner ID', 'scientific', 1, ['1e5']],
    ]);
    expect(result.warnings?.[1]?.message).toBe('1 Employee ID that a spreadsheet opening this CSV file would change (dates written back in the spreadsheet\'s own format): "2024-01-05". Export as XLSX instead, or open the file with the Employee ID column as text');
    expect(await exportText(ledger, { orgId: 'acme', format: 'data-services', team: 'Support' })).toContain('0042,F,L,0042@acme.test,2024-01-05,Support,TRUE');
    const workbook = new PassThrough();
    workbook.resume();
    expect((await exportLearners(ledger, { orgId: 'acme', format: 'data-services', team: 'Support', output: workbook, fileType: 'xlsx' })).warnings).toBeUndefined();
  });

  test('a workbook queued for the top of the hour is read again from its location and applied when due', async () => {
    const ledger = await fixtureOrganization();
    const folder = mkdtempSync(join(tmpdir(), 'll-xlsx-queue-'));
    try {
      const path = join(folder, 'sales.xlsx');
      writeFileSync(path, await workbookOf([HEADER, row(1001, 'FALSE')]));
      const queued = await importLearners(ledger, { orgId: 'acme', targetTeam: 'Sales', input: path, schedule: 'top-of-hour', now: NOW });
      expect(queued).toMatchObject({ status: 'scheduled', fileName: 'sales.xlsx', counts: { deactivated: 1 } });
      expect((await stateOf(ledger)).learners.get('1001')?.status).toBe('active');
      const due = await processDueImports(ledger, { now: queued.dueAt! });
      expect(due).toEqual([expect.objectContaining({ importId: queued.importId, status: 'applied', sha256: queued.sha256 })]);
      expect((await stateOf(ledger)).learners.get('1001')?.status).toBe('inactive');
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
