import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteEventStore } from '@learner-ledger/sqlite';
import { main as dataServices } from '../src/data-services-import.js';
import { main as learnerPage } from '../src/learner-page-import.js';

const quiet = () => undefined;

describe.each([
  ['in-memory', () => undefined],
  ['SQLite', () => openSqliteEventStore({ path: join(mkdtempSync(join(tmpdir(), 'learner-ledger-example-')), 'ledger.db') })],
])('Data Services export → Active FALSE → import for the target team (%s store)', (_name, store) => {
  test('plans, applies with the move, and ignores the same file imported again', async () => {
    const opened = store();
    try {
      const lines: string[] = [];
      const outcome = await dataServices((line) => lines.push(line), ...(opened ? [opened] : []));
      expect(outcome).toEqual({
        plan: [['0001', 'unchanged'], ['0002', 'unchanged'], ['0004', 'deactivate']],
        status: 'applied',
        counts: { registered: 0, deactivated: 1, reactivated: 0, updated: 0, scheduled: 0, unchanged: 2, skipped: 0, errors: 0 },
        again: 'already-applied',
        learner0004: { status: 'inactive', teams: ['inactive-learners'] },
        inUse: 3,
      });
      expect(lines).toContain('Learner ID,First Name,Last Name,Email,Employee ID,Teams,Active');
      expect(lines).toContain('0002,Alan,Turing,alan@acme.test,,Sales;Support,TRUE');
      expect(lines.at(-1)).toBe('licenses: 3 of 10 in use, 7 available');
    } finally {
      await opened?.close();
    }
  });
});

test('Learner page export → import template for a chosen team: a typo is refused whole, the corrected file applies', async () => {
  const outcome = await learnerPage(quiet);
  expect(outcome).toEqual({
    refused: { code: 'INVALID_ACTIVE', line: 4, column: 'Active', value: 'Flase' },
    format: 'learner-page',
    changes: [[4, '0003', 'deactivate'], [6, '0005', 'register']],
    teams: { '0003': ['inactive-learners'], '0005': ['support'] },
    inUse: 4,
  });
});
