import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { importLearners } from '../src/index.js';
import { FIXTURES, fixture, fixtureOrganization, NOW, textInput } from './helpers.js';

/** Each error carries its place in `file`, `line` and `column`; its message says what is wrong, once. */
const occurrences = (text: string, part: string): number => text.split(part).length - 1;

test('no message of the bad-file corpus repeats the file name, the line or the column its error already carries', async () => {
  const ledger = await fixtureOrganization();
  let checked = 0;
  for (const name of readdirSync(join(FIXTURES, 'bad')).sort()) {
    const report = await importLearners(ledger, {
      orgId: 'acme',
      input: fixture(`bad/${name}`),
      fileName: name,
      targetTeam: 'Sales',
      now: NOW,
      dryRun: true,
      ...(name === 'header-learner-page-as-data-services.csv' ? { format: 'data-services' as const } : {}),
    });
    expect({ name, refused: report.errors.length > 0 }).toEqual({ name, refused: true });
    for (const error of report.errors) {
      const where = { name, code: error.code, message: error.message };
      expect({ ...where, namesFile: error.message.includes(name) }).toEqual({ ...where, namesFile: false });
      expect({ ...where, startsWithLine: /^line \d/i.test(error.message) }).toEqual({ ...where, startsWithLine: false });
      if (error.column !== undefined) {
        expect({ ...where, namesColumn: error.message.includes(`column ${error.column}`) || error.message.includes(`Column ${JSON.stringify(error.column)}`) }).toEqual({ ...where, namesColumn: false });
      }
      checked++;
    }
    expect(occurrences(report.errors.map((e) => e.message).join('\n'), 'headers expected')).toBeLessThanOrEqual(1);
  }
  expect(checked).toBeGreaterThanOrEqual(45);
});

test('a header with nine wrong columns is nine errors (codes and columns unchanged) that list the expected headers once, on the first', async () => {
  const ledger = await fixtureOrganization();
  const report = await importLearners(ledger, { orgId: 'acme', input: textInput('Bad,Header\n1,2\n'), fileName: 'bad.csv', targetTeam: 'Sales', now: NOW, format: 'data-services' });
  expect(report.errors.map((e) => [e.code, e.line, e.column])).toEqual([
    ...['Learner ID', 'First Name', 'Last Name', 'Email', 'Employee ID', 'Teams', 'Active'].map((column) => ['HEADER_MISSING', 1, column]),
    ['HEADER_UNKNOWN', 1, 'Bad'],
    ['HEADER_UNKNOWN', 1, 'Header'],
  ]);
  const all = report.errors.map((e) => e.message).join('\n');
  expect(occurrences(all, '"Learner ID", "First Name", "Last Name", "Email", "Employee ID", "Teams", "Active"')).toBe(1);
  expect(report.errors[0]!.message).toContain('found: "Bad", "Header"');
  // Every error still says what was expected, as data.
  expect(report.errors.every((e) => e.expected?.startsWith('"Learner ID", "First Name"'))).toBe(true);
});

test('an unreadable file is named once: its path, then the reason', async () => {
  const ledger = await fixtureOrganization();
  const path = join(FIXTURES, 'no-such-file.csv');
  const report = await importLearners(ledger, { orgId: 'acme', input: path, targetTeam: 'Sales', now: NOW });
  expect(report.errors[0]).toMatchObject({ code: 'FILE_UNREADABLE', file: 'no-such-file.csv' });
  expect(occurrences(report.errors[0]!.message, 'no-such-file.csv')).toBe(1);
  expect(report.errors[0]!.message).toBe(`Cannot read ${path}: ENOENT: no such file or directory`);
});
