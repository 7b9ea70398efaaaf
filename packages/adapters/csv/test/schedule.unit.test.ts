import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLedger, InMemoryEventStore } from '@learner-ledger/core';
import { importLearners, processDueImports } from '../src/index.js';
import { dataServicesFile, eventCount, eventsOfType, fixtureOrganization, fixtureRow, run, snapshot, stateOf, textInput } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'learner-ledger-csv-'));
const writeFile = (name: string, text: string): string => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

describe('Deactivation Date', () => {
  test('a future date schedules the deactivation for the start of that day in the organization time zone', async () => {
    const ledger = await fixtureOrganization(); // America/Chicago
    const file = dataServicesFile([fixtureRow(1001, 'FALSE', 'Sales', '2026-06-30'), fixtureRow(1002, '', 'Sales', '2026-07-01'), fixtureRow(1003, 'FALSE', 'Sales', '2026-03-01')], ['Deactivation Date']);
    const now = '2026-03-02T15:00:00.000Z';
    const report = await importLearners(ledger, { orgId: 'acme', input: textInput(file), targetTeam: 'Sales', now });
    expect(report.lines.map((l) => [l.learnerId, l.action, l.message])).toEqual([
      ['1001', 'schedule', 'deactivation scheduled for 2026-06-30T05:00:00.000Z'],
      ['1002', 'schedule', 'deactivation scheduled for 2026-07-01T05:00:00.000Z'],
      ['1003', 'deactivate', undefined],
    ]);
    expect(report.counts).toMatchObject({ scheduled: 2, deactivated: 1 });
    const scheduled = await eventsOfType(ledger.store, 'DeactivationScheduled');
    expect(scheduled.map((e) => [e.data.learnerIds, e.data.effectiveAt, e.metadata.line])).toEqual([
      [['1001'], '2026-06-30T05:00:00.000Z', 2],
      [['1002'], '2026-07-01T05:00:00.000Z', 3],
    ]);
    expect((await stateOf(ledger)).learners.get('1001')!.status).toBe('active');
    // The scheduled work runs in the core; at 00:00 Chicago time on 30 June the first one is due.
    await run(ledger, { type: 'ProcessDueDeactivations', orgId: 'acme' }, { actor: { kind: 'system', id: 'scheduler' }, channel: 'api', now: '2026-06-30T05:00:00.000Z' });
    const state = await stateOf(ledger);
    expect(state.learners.get('1001')).toMatchObject({ status: 'inactive', teams: ['inactive-learners'] });
    expect(state.learners.get('1002')!.status).toBe('active');
    // Importing a different file with the same date for 1002 does not schedule it twice.
    const again = await importLearners(ledger, { orgId: 'acme', input: textInput(dataServicesFile([fixtureRow(1002, '', 'Sales', '2026-07-01')], ['Deactivation Date'])), targetTeam: 'Sales', now, fileName: 'other.csv' });
    expect(again.lines[0]!.action).toBe('unchanged');
  });
});

describe('scheduled imports', () => {
  test('daily: received now, due at the next daily import time in the organization time zone (across a DST change), applied by processDueImports', async () => {
    const ledger = await fixtureOrganization(); // America/Chicago, daily import at 02:00
    const path = writeFile('daily.csv', dataServicesFile([fixtureRow(1001, 'FALSE')]));
    // Saturday 7 March 2026, 06:00 in Chicago; 02:00 on Sunday 8 March does not exist (clocks jump to 03:00 CDT).
    const received = await importLearners(ledger, { orgId: 'acme', input: path, targetTeam: 'Sales', schedule: 'daily', now: '2026-03-07T12:00:00.000Z' });
    expect(received).toMatchObject({ status: 'scheduled', applied: false, dueAt: '2026-03-08T08:00:00.000Z', appends: 1 });
    expect((await eventsOfType(ledger.store, 'ImportReceived'))[0]!.data).toMatchObject({ schedule: 'daily', dueAt: '2026-03-08T08:00:00.000Z', location: path, fileName: 'daily.csv', rowCount: 1 });
    expect((await stateOf(ledger)).learners.get('1001')!.status).toBe('active');

    // Receiving the same file again before it is due writes nothing.
    const head = await eventCount(ledger.store);
    expect((await importLearners(ledger, { orgId: 'acme', input: path, targetTeam: 'Sales', schedule: 'daily', now: '2026-03-07T13:00:00.000Z' })).status).toBe('scheduled');
    expect(await eventCount(ledger.store)).toBe(head);

    expect(await processDueImports(ledger, { now: '2026-03-08T07:59:59.000Z' })).toEqual([]);
    const progress: { stage: string; importId?: string; fileName?: string; importStage?: string }[] = [];
    const [applied] = await processDueImports(createLedger({ store: ledger.store }), {
      now: '2026-03-08T08:00:00.000Z',
      onProgress: (p) => progress.push({ stage: p.stage, ...(p.stage === 'import' ? { importId: p.importId, fileName: p.fileName, importStage: p.progress.stage } : {}) }),
    });
    expect(applied).toMatchObject({ status: 'applied', importId: received.importId, counts: { deactivated: 1 } });
    // The run's progress reaches the caller: the organization's due imports, then this import through its stages.
    expect(progress[0]).toEqual({ stage: 'imports' });
    expect(progress.slice(1).every((p) => p.stage === 'import' && p.importId === received.importId && p.fileName === 'daily.csv')).toBe(true);
    expect(progress.length).toBeGreaterThan(1);
    expect((await stateOf(createLedger({ store: ledger.store }))).learners.get('1001')!.status).toBe('inactive');
    expect(await processDueImports(createLedger({ store: ledger.store }), { now: '2026-03-09T08:00:00.000Z' })).toEqual([]);
  });

  test('top-of-hour is the next full hour in the organization time zone (half-hour offsets too)', async () => {
    const ledger = createLedger({ store: new InMemoryEventStore() });
    await run(ledger, { type: 'OnboardOrganization', orgId: 'blr', name: 'Bengaluru', seats: 5, timeZone: 'Asia/Kolkata' });
    await run(ledger, { type: 'CreateTeam', orgId: 'blr', name: 'Sales' });
    const path = writeFile('hourly.csv', dataServicesFile(['1,A,B,a@blr.test,,,TRUE']));
    // 12:34 UTC is 18:04 in Kolkata: the next top of the hour there is 19:00 IST = 13:30 UTC.
    const report = await importLearners(ledger, { orgId: 'blr', input: path, targetTeam: 'Sales', schedule: 'top-of-hour', now: '2026-03-02T12:34:00.000Z' });
    expect(report.dueAt).toBe('2026-03-02T13:30:00.000Z');
    const [applied] = await processDueImports(ledger, { orgId: 'blr', now: '2026-03-02T13:30:00.000Z' });
    expect(applied).toMatchObject({ status: 'applied', counts: { registered: 1 } });
  });

  test('a file changed since it was received is refused when due, and the refusal is recorded', async () => {
    const ledger = await fixtureOrganization();
    const path = writeFile('changed.csv', dataServicesFile([fixtureRow(1001, 'FALSE')]));
    const received = await importLearners(ledger, { orgId: 'acme', input: path, targetTeam: 'Sales', schedule: 'top-of-hour', now: '2026-03-02T15:10:00.000Z' });
    writeFileSync(path, dataServicesFile([fixtureRow(1001, 'FALSE'), fixtureRow(1002, 'FALSE')]));
    const [report] = await processDueImports(ledger, { now: '2026-03-02T16:00:00.000Z' });
    expect(report).toMatchObject({ status: 'rejected', importId: received.importId });
    expect(report!.errors[0]).toMatchObject({ code: 'FILE_CHANGED' });
    expect((await eventsOfType(ledger.store, 'ImportRejected'))[0]!.data).toMatchObject({ importId: received.importId, code: 'FILE_CHANGED' });
    const state = await stateOf(ledger);
    expect(state.learners.get('1001')!.status).toBe('active');
    expect(state.imports.get(received.importId)!.status).toBe('rejected');
  });

  test('a file that no longer fits the organization when due is refused and recorded; a missing file is tried again', async () => {
    const ledger = await fixtureOrganization();
    const path = writeFile('stale.csv', dataServicesFile(['5001,N,P,taken@acme.test,,,TRUE']));
    await importLearners(ledger, { orgId: 'acme', input: path, targetTeam: 'Sales', schedule: 'top-of-hour', now: '2026-03-02T15:10:00.000Z' });
    await run(ledger, { type: 'RegisterLearner', orgId: 'acme', learnerId: '9', email: 'taken@acme.test', firstName: 'T', lastName: 'K', active: false });
    const gone = writeFile('gone.csv', dataServicesFile([fixtureRow(1003, 'FALSE')]));
    await importLearners(ledger, { orgId: 'acme', input: gone, targetTeam: 'Sales', schedule: 'top-of-hour', now: '2026-03-02T15:20:00.000Z' });
    const reports = await processDueImports(ledger, { now: '2026-03-02T16:00:00.000Z', readFile: (location) => (location === gone ? join(dir, 'does-not-exist.csv') : location) });
    expect(reports.map((r) => [r.fileName, r.status, r.errors[0]?.code]).sort()).toEqual([
      ['gone.csv', 'interrupted', 'FILE_UNREADABLE'],
      ['stale.csv', 'rejected', 'DUPLICATE_EMAIL'],
    ]);
    // The unreadable file is not rejected: it stays received and is tried again at the next run.
    expect((await eventsOfType(ledger.store, 'ImportRejected')).map((e) => e.data.code)).toEqual(['DUPLICATE_EMAIL']);
    const [retried] = await processDueImports(ledger, { now: '2026-03-02T17:00:00.000Z' });
    expect(retried).toMatchObject({ fileName: 'gone.csv', status: 'applied', counts: { deactivated: 1 } });
  });

  test('a scheduled import needs a location to read the file again', async () => {
    const ledger = await fixtureOrganization();
    const before = await snapshot(ledger.store);
    const report = await importLearners(ledger, { orgId: 'acme', input: textInput(dataServicesFile([fixtureRow(1001, 'FALSE')])), targetTeam: 'Sales', schedule: 'daily' });
    expect(report.errors[0]).toMatchObject({ code: 'LOCATION_REQUIRED' });
    expect(await snapshot(ledger.store)).toBe(before);
  });
});

test('an immediate import interrupted half-way is resumed by processDueImports once it is clearly not running any more', async () => {
  const inner = new InMemoryEventStore();
  const ledger = await fixtureOrganization(inner);
  await run(ledger, { type: 'ResizeLicensePool', orgId: 'acme', seats: 100 });
  const path = writeFile('interrupted.csv', dataServicesFile([fixtureRow(1001, 'FALSE'), ...Array.from({ length: 30 }, (_, i) => `${7000 + i},N,P,p${i}@acme.test,,,TRUE`)]));
  const { FailingStore } = await import('./helpers.js');
  const now = '2026-03-02T15:00:00.000Z';
  const crashed = await importLearners(createLedger({ store: new FailingStore(inner, 2) }), { orgId: 'acme', input: path, targetTeam: 'Sales', batchSize: 10, now });
  expect(crashed.status).toBe('interrupted');
  expect(await processDueImports(createLedger({ store: inner }), { now: '2026-03-02T15:10:00.000Z' })).toEqual([]);
  const [resumed] = await processDueImports(createLedger({ store: inner }), { now: '2026-03-02T15:15:00.000Z' });
  expect(resumed).toMatchObject({ status: 'applied', importId: crashed.importId, counts: { deactivated: 1, registered: 30 } });
  expect((await stateOf(createLedger({ store: inner }))).licensesInUse).toBe(23 - 1 + 30);
});
