import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { ImportFormat } from '@learner-ledger/core';
import { importLearners } from '../src/index.js';
import { FIXTURES, fixture, fixtureOrganization, NOW, snapshot } from './helpers.js';

/**
 * The corpus of bad files (test/fixtures/bad, written by make-fixtures.py):
 * each is refused with its exact first error, and the store is byte-for-byte
 * what it was before (not even an audit event is written).
 */
interface Expected {
  readonly code: string;
  readonly line?: number;
  readonly column?: string;
  readonly value?: string;
  readonly format?: ImportFormat;
  /** Another line the report marks as an error too. */
  readonly alsoLine?: number;
}

const corpus: Record<string, Expected> = {
  'empty.csv': { code: 'EMPTY_FILE' },
  'blank-lines-only.csv': { code: 'EMPTY_FILE', line: 1 },
  'bom-only.csv': { code: 'EMPTY_FILE', line: 1 },
  'header-only.csv': { code: 'HEADER_ONLY', line: 1 },
  'header-only-bom-crlf.csv': { code: 'HEADER_ONLY', line: 1 },
  'header-missing-active.csv': { code: 'HEADER_MISSING', line: 1, column: 'Active' },
  'header-unknown-department.csv': { code: 'HEADER_UNKNOWN', line: 1, column: 'Department', value: 'Department' },
  'header-duplicate-email.csv': { code: 'HEADER_DUPLICATE', line: 1, column: 'Email' },
  'header-learner-page-as-data-services.csv': { code: 'HEADER_MISSING', line: 1, column: 'Email', format: 'data-services' },
  'field-count-short.csv': { code: 'FIELD_COUNT', line: 3 },
  'field-count-unquoted-comma.csv': { code: 'FIELD_COUNT', line: 2 },
  'unclosed-quote.csv': { code: 'UNCLOSED_QUOTE', line: 3, column: 'First Name' },
  'invalid-quote-unquoted-field.csv': { code: 'INVALID_QUOTE', line: 3, column: 'Last Name' },
  'invalid-closing-quote.csv': { code: 'INVALID_QUOTE', line: 2, column: 'First Name' },
  'active-flase.csv': { code: 'INVALID_ACTIVE', line: 3, column: 'Active', value: 'Flase' },
  'active-nbsp.csv': { code: 'INVALID_ACTIVE', line: 2, column: 'Active', value: 'FALSE\u00a0' },
  'active-maybe.csv': { code: 'INVALID_ACTIVE', line: 4, column: 'Active', value: 'maybe' },
  'active-single-letter-f.csv': { code: 'INVALID_ACTIVE', line: 2, column: 'Active', value: 'F' },
  'active-formula-payload.csv': { code: 'INVALID_ACTIVE', line: 2, column: 'Active', value: '=TRUE()' },
  'duplicate-learner-id.csv': { code: 'DUPLICATE_LEARNER_ID', line: 2, column: 'Learner ID', value: '1001', alsoLine: 5 },
  'duplicate-email-in-file-case.csv': { code: 'DUPLICATE_EMAIL', line: 2, column: 'Email', alsoLine: 3 },
  'duplicate-email-existing-learner.csv': { code: 'DUPLICATE_EMAIL', line: 3, column: 'Email', value: 'l1002@acme.test' },
  'leading-zeros-new-learner-reuses-email.csv': { code: 'DUPLICATE_EMAIL', line: 3, column: 'Email', value: 'l1001@acme.test' },
  'unknown-team.csv': { code: 'UNKNOWN_TEAM', line: 2, column: 'Teams', value: 'Marketing' },
  'unknown-team-learner-page.csv': { code: 'UNKNOWN_TEAM', line: 3, column: 'Team', value: 'Sales EMEA' },
  'invalid-date.csv': { code: 'INVALID_DATE', line: 2, column: 'Deactivation Date', value: '2026-02-30' },
  'invalid-date-us-format.csv': { code: 'INVALID_DATE', line: 2, column: 'Deactivation Date', value: '06/30/2026' },
  'date-conflict-active-true.csv': { code: 'DATE_CONFLICT', line: 2, column: 'Deactivation Date' },
  'nul-byte-in-name.csv': { code: 'CONTROL_CHARACTER', line: 3, column: 'First Name', value: 'Fir\u0000st1002' },
  'bom-in-middle.csv': { code: 'MISPLACED_BOM', line: 3, column: 'Learner ID', value: '\ufeff1002' },
  'concatenated-files.csv': { code: 'REPEATED_HEADER', line: 4, column: 'Learner ID' },
  'latin1-encoded.csv': { code: 'ENCODING', line: 3 },
  'utf32le.csv': { code: 'ENCODING', line: 1, value: 'UTF-32LE' },
  'utf16le-flase.csv': { code: 'INVALID_ACTIVE', line: 3, column: 'Active', value: 'Flase' },
  'utf16be-unknown-team.csv': { code: 'UNKNOWN_TEAM', line: 3, column: 'Teams', value: 'Ventes' },
  'mixed-line-endings-flase.csv': { code: 'INVALID_ACTIVE', line: 5, column: 'Active', value: 'Flase' },
  'quoted-newlines-then-error.csv': { code: 'INVALID_ACTIVE', line: 5, column: 'Active', value: 'nope' },
  'missing-learner-id.csv': { code: 'MISSING_VALUE', line: 3, column: 'Learner ID' },
  'new-learner-without-email.csv': { code: 'MISSING_VALUE', line: 2, column: 'Email' },
  'invalid-email.csv': { code: 'INVALID_EMAIL', line: 2, column: 'Email', value: 'new.person(at)acme.test' },
  'learner-id-too-long.csv': { code: 'INVALID_ID', line: 2, column: 'Learner ID' },
  'reason-too-long.csv': { code: 'INVALID_TEXT', line: 2, column: 'Reason' },
  'mass-deactivation.csv': { code: 'MASS_DEACTIVATION' },
  'license-pool-exhausted.csv': { code: 'LICENSE_POOL_EXHAUSTED', line: 3, column: 'Active' },
  'inactive-learner-added-to-team.csv': { code: 'INACTIVE_LEARNER_ON_STANDARD_TEAM', line: 2, column: 'Teams', value: 'Support' },
  'huge-single-line.csv.gz': { code: 'RECORD_TOO_LARGE', line: 3 },
};

test('the corpus holds at least 30 bad files and every one has an expectation', () => {
  const files = readdirSync(join(FIXTURES, 'bad')).sort();
  expect(files.length).toBeGreaterThanOrEqual(30);
  expect(files).toEqual(Object.keys(corpus).sort());
});

describe.each(Object.entries(corpus))('bad file %s', (name, expected) => {
  test(`is refused with ${expected.code}${expected.line !== undefined ? ` on line ${expected.line}` : ''}${expected.column ? `, column ${expected.column}` : ''}, and nothing is written`, async () => {
    const ledger = await fixtureOrganization();
    const before = await snapshot(ledger.store);
    const report = await importLearners(ledger, {
      orgId: 'acme',
      input: fixture(`bad/${name}`),
      fileName: name,
      targetTeam: 'Sales',
      now: NOW,
      ...(expected.format ? { format: expected.format } : {}),
    });
    expect(report.applied).toBe(false);
    expect(report.status).toBe('rejected');
    expect(report.appends).toBe(0);
    const first = report.errors[0]!;
    expect({ code: first.code, line: first.line, column: first.column }).toEqual({ code: expected.code, line: expected.line, column: expected.column });
    expect(first.file).toBe(name);
    expect(first.message.length).toBeGreaterThan(10);
    if (expected.value !== undefined) expect(first.value).toBe(expected.value);
    if (expected.line !== undefined && expected.line > 1 && !['ENCODING', 'UNCLOSED_QUOTE', 'INVALID_QUOTE', 'RECORD_TOO_LARGE'].includes(expected.code)) {
      expect(report.lines.find((l) => l.line === expected.line)).toMatchObject({ action: 'error', error: { code: expected.code } });
    }
    if (expected.alsoLine !== undefined) expect(report.lines.find((l) => l.line === expected.alsoLine)).toMatchObject({ action: 'error', error: { code: expected.code } });
    expect(await snapshot(ledger.store)).toBe(before);
    // The same file as a dry run reports the same first error, and writes nothing either.
    const dry = await importLearners(ledger, { orgId: 'acme', input: fixture(`bad/${name}`), fileName: name, targetTeam: 'Sales', now: NOW, dryRun: true, ...(expected.format ? { format: expected.format } : {}) });
    expect(dry.errors[0]).toEqual(first);
    expect(await snapshot(ledger.store)).toBe(before);
  });
});

test('the mass-deactivation refusal says how many and which share', async () => {
  const ledger = await fixtureOrganization();
  const report = await importLearners(ledger, { orgId: 'acme', input: fixture('bad/mass-deactivation.csv'), targetTeam: 'sales', now: NOW });
  expect(report.errors[0]!.message).toContain('would deactivate 11 learners, 55.0% of the 20 active learners of team Sales');
  expect(report.threshold).toMatchObject({ deactivations: 11, activeInTargetTeam: 20, exceeded: true, allowed: false });
});

test('a header error lists the expected and the found headers', async () => {
  const ledger = await fixtureOrganization();
  const report = await importLearners(ledger, { orgId: 'acme', input: fixture('bad/header-unknown-department.csv'), targetTeam: 'Sales', now: NOW });
  const message = report.errors[0]!.message;
  expect(message).toContain('expected: "Learner ID", "First Name", "Last Name", "Email", "Employee ID", "Teams", "Active"');
  expect(message).toContain('found: "Learner ID", "First Name", "Last Name", "Email", "Employee ID", "Teams", "Active", "Department"');
  const other = await importLearners(ledger, { orgId: 'acme', input: fixture('bad/header-learner-page-as-data-services.csv'), targetTeam: 'Sales', now: NOW, format: 'data-services' });
  expect(other.errors[0]!.message).toContain('import it with format learner-page');
});
