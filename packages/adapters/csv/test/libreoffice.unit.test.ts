import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { createLedger, InMemoryEventStore, type Ledger } from '@learner-ledger/core';
import { importLearners, planImport } from '../src/index.js';
import { eventsOfType, FIXTURES, learnersOf, run, snapshot, stateOf } from './helpers.js';

/*
 * Files written by LibreOffice Calc itself (scripts/spreadsheet-fixtures.mjs):
 * exports of the organization of organization.json opened in Calc, the
 * Active cell of one learner set to FALSE, saved as XLSX or CSV.
 */

const folder = join(FIXTURES, 'spreadsheet');
interface FixtureLearner { learnerId: string; email: string; firstName: string; lastName: string; employeeId?: string }
const org = JSON.parse(readFileSync(join(folder, 'organization.json'), 'utf8')) as {
  orgId: string; name: string; seats: number; timeZone: string; team: string; learners: FixtureLearner[]; edit: { learnerId: string; active: string };
};
const FORMATS = ['data-services', 'learner-page'] as const;
const path = (name: string): string => join(folder, name);
const sha256 = (name: string): string => createHash('sha256').update(readFileSync(path(name))).digest('hex');

const organization = async (store = new InMemoryEventStore()): Promise<Ledger> => {
  const ledger = createLedger({ store });
  await run(ledger, { type: 'OnboardOrganization', orgId: org.orgId, name: org.name, seats: org.seats, timeZone: org.timeZone });
  await run(ledger, { type: 'CreateTeam', orgId: org.orgId, name: org.team });
  for (const learner of org.learners) await run(ledger, { type: 'RegisterLearner', orgId: org.orgId, teams: [org.team.toLowerCase()], ...learner });
  return ledger;
};
const options = (name: string) => ({ orgId: org.orgId, targetTeam: org.team, input: path(name), now: '2026-03-02T15:00:00.000Z' });

describe.each(FORMATS)('files saved by LibreOffice Calc (%s)', (format) => {
  test.each([`${format}.libreoffice.xlsx`, `${format}.libreoffice-from-xlsx.csv`])('the XLSX export edited in Active and saved as %s imports exactly that change, every id intact', async (name) => {
    const store = new InMemoryEventStore();
    const ledger = await organization(store);
    const before = learnersOf(await stateOf(ledger, org.orgId));
    const report = await importLearners(ledger, options(name));
    expect(report).toMatchObject({ format, status: 'applied', sha256: sha256(name), rowCount: org.learners.length, counts: { deactivated: 1, unchanged: org.learners.length - 1, errors: 0 } });
    expect(report.lines.filter((l) => l.action !== 'unchanged')).toEqual([expect.objectContaining({ learnerId: org.edit.learnerId, action: 'deactivate' })]);
    const after = learnersOf(await stateOf(ledger, org.orgId));
    // Every id and profile as it was, a neutralised formula (`'=Dijkstra`) included; only the edited learner changed.
    expect(after.map((l) => [l.learnerId, l.employeeId, l.firstName, l.lastName, l.email])).toEqual(before.map((l) => [l.learnerId, l.employeeId, l.firstName, l.lastName, l.email]));
    expect(after.filter((l) => l.status === 'inactive').map((l) => l.learnerId)).toEqual([org.edit.learnerId]);
    expect((await eventsOfType(store, 'ImportReceived')).at(-1)?.data).toMatchObject({ sha256: sha256(name), fileName: name });
  });

  test('the CSV export opened and saved by Calc is refused with the repair hint on every line, and nothing is written', async () => {
    const name = `${format}.libreoffice-mangled.csv`;
    const text = readFileSync(path(name), 'utf8');
    // What Calc made of the ids: the reason for this test.
    expect(text).toMatch(/^42,/m);
    expect(text).toMatch(/^43,/m);
    expect(text).toMatch(/^1\.00E\+05,/m);
    expect(text).toMatch(/^L001,.*,123,/m);
    const store = new InMemoryEventStore();
    const ledger = await organization(store);
    const untouched = await snapshot(store);
    const report = await importLearners(ledger, options(name));
    expect(report.applied).toBe(false);
    expect(report.errors.map((e) => [e.line, e.code, e.column, e.value])).toEqual([
      [2, 'ID_MANGLED_BY_SPREADSHEET', 'Learner ID', '42'],
      [3, 'ID_MANGLED_BY_SPREADSHEET', 'Learner ID', '43'],
      [4, 'ID_MANGLED_BY_SPREADSHEET', 'Learner ID', '1.00E+05'],
      [5, 'ID_MANGLED_BY_SPREADSHEET', 'Employee ID', '123'],
    ]);
    expect(report.errors[0]?.message).toBe(
      'No learner has this id, but learner "0042" has this e-mail: it looks like a spreadsheet dropped the leading zeros of "0042". ' +
        'Open the export with the Learner ID column as text, or use the XLSX export; or let the import match ids a spreadsheet changed (matchMangledIds, --match-mangled-ids)',
    );
    expect(report.errors[2]?.message).toContain('a spreadsheet read "1e5" as a number and wrote it as "1.00E+05"');
    expect(report.errors[3]?.message).toContain('The learner\'s Employee ID is "000123": it looks like a spreadsheet dropped the leading zeros of "000123"');
    expect(report.lines.map((l) => l.action)).toEqual(['error', 'error', 'error', 'error']);
    expect(await snapshot(store)).toBe(untouched);
  });

  test('matchMangledIds applies the mangled CSV to the learners it matches, each line reported and audited, every id kept', async () => {
    const store = new InMemoryEventStore();
    const ledger = await organization(store);
    const before = learnersOf(await stateOf(ledger, org.orgId));
    const plan = await planImport(ledger, { ...options(`${format}.libreoffice-mangled.csv`), matchMangledIds: true });
    expect(plan.lines.map((l) => [l.learnerId, l.action, l.matched?.map((m) => [m.column, m.value, m.id])])).toEqual([
      ['0042', 'unchanged', [['Learner ID', '42', '0042']]],
      ['0043', 'deactivate', [['Learner ID', '43', '0043']]],
      ['1e5', 'unchanged', [['Learner ID', '1.00E+05', '1e5']]],
      ['L001', 'unchanged', [['Employee ID', '123', '000123']]],
    ]);
    const report = await importLearners(ledger, { ...options(`${format}.libreoffice-mangled.csv`), matchMangledIds: true });
    expect(report).toMatchObject({ applied: true, counts: { deactivated: 1, unchanged: 3, errors: 0 } });
    const audit = (await eventsOfType(store, 'ImportLinesRecorded')).flatMap((e) => e.data.lines as { learnerId: string; message?: string }[]);
    expect(audit.map((l) => l.learnerId).sort()).toEqual(['0042', '0043', '1e5', 'L001']);
    for (const line of audit) expect(line.message).toMatch(/ matched to "(0042|0043|1e5|000123)" \(a spreadsheet /);
    const after = learnersOf(await stateOf(ledger, org.orgId));
    expect(after.map((l) => [l.learnerId, l.employeeId])).toEqual(before.map((l) => [l.learnerId, l.employeeId]));
  });
});
