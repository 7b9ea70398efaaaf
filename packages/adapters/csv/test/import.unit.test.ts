import { InMemoryEventStore, createLedger } from '@learner-ledger/core';
import { importLearners, planImport } from '../src/index.js';
import {
  FailingStore,
  NOW,
  dataServicesFile,
  eventCount,
  eventsOfType,
  fixtureOrganization,
  fixtureRow,
  learnersOf,
  run,
  snapshot,
  stateOf,
  textInput,
} from './helpers.js';

const base = { orgId: 'acme', targetTeam: 'Sales', now: NOW, fileName: 'learners.csv' } as const;

describe('apply', () => {
  test('FALSE deactivates with the organization policy; every event carries import id, file name and line', async () => {
    const ledger = await fixtureOrganization();
    const file = dataServicesFile([fixtureRow(1001, 'TRUE', 'Sales', ''), fixtureRow(1002, 'FALSE', 'Sales', 'left the company')], ['Reason']);
    const report = await importLearners(ledger, { ...base, input: textInput(file) });
    expect(report).toMatchObject({ status: 'applied', applied: true, counts: { deactivated: 1, unchanged: 1, errors: 0 } });
    const state = await stateOf(ledger);
    expect(state.learners.get('1002')).toMatchObject({ status: 'inactive', licenseId: null, teams: ['inactive-learners'] });
    expect(state.licensesInUse).toBe(22);
    const deactivated = await eventsOfType(ledger.store, 'LearnerDeactivated');
    expect(deactivated.at(-1)).toMatchObject({
      data: { learnerId: '1002', reason: 'left the company', removedTeams: ['sales'] },
      metadata: { importId: report.importId, fileName: 'learners.csv', line: 3, channel: 'data-services', actor: { kind: 'import', id: 'learners.csv' } },
    });
    const types = (await eventsOfType(ledger.store, 'ImportReceived')).length + (await eventsOfType(ledger.store, 'ImportApplied')).length;
    expect(types).toBe(2);
    const audit = (await eventsOfType(ledger.store, 'ImportLinesRecorded')).flatMap((e) => e.data.lines);
    expect(audit).toEqual([
      { line: 3, learnerId: '1002', action: 'deactivate' },
      { line: 2, learnerId: '1001', action: 'unchanged' },
    ]);
  });

  test('move: false deactivates without the move (the learner stays on Sales)', async () => {
    const ledger = await fixtureOrganization();
    await importLearners(ledger, { ...base, input: textInput(dataServicesFile([fixtureRow(1002, 'FALSE')])), move: false });
    expect((await stateOf(ledger)).learners.get('1002')).toMatchObject({ status: 'inactive', teams: ['sales'] });
  });

  test('TRUE on an inactive learner reactivates them into the teams they had; an unknown id registers into the target team', async () => {
    const ledger = await fixtureOrganization();
    const file = dataServicesFile([fixtureRow(3001, 'TRUE', 'Inactive Learners'), '5001,New,Person,new@acme.test,007,,FALSE']);
    const report = await importLearners(ledger, { ...base, input: textInput(file) });
    expect(report.lines.map((l) => l.action)).toEqual(['reactivate', 'register']);
    const state = await stateOf(ledger);
    expect(state.learners.get('3001')).toMatchObject({ status: 'active', teams: ['sales'] });
    expect(state.learners.get('5001')).toMatchObject({ status: 'inactive', employeeId: '007', teams: ['inactive-learners'], licenseId: null });
  });

  test('a file that frees a license and takes one applies (deactivations run first)', async () => {
    const ledger = await fixtureOrganization();
    // 1 free seat; two new learners need two; line 4 frees one.
    const file = dataServicesFile(['5001,A,One,a1@acme.test,,,TRUE', '5002,A,Two,a2@acme.test,,,TRUE', fixtureRow(1005, 'FALSE')]);
    const report = await importLearners(ledger, { ...base, input: textInput(file) });
    expect(report.errors).toEqual([]);
    expect((await stateOf(ledger)).licensesInUse).toBe(24);
  });

  test('profile edits update the learner; a blank cell changes nothing', async () => {
    const ledger = await fixtureOrganization();
    const file = dataServicesFile(['1001,Ada,,ada@acme.test,,Sales,']);
    const report = await importLearners(ledger, { ...base, input: textInput(file) });
    expect(report.lines[0]).toMatchObject({ action: 'update' });
    expect((await stateOf(ledger)).learners.get('1001')).toMatchObject({ firstName: 'Ada', lastName: 'Last1001', email: 'ada@acme.test', employeeId: 'E1001', status: 'active' });
  });

  test('learner-page template: Team holds one name, Email Address the e-mail', async () => {
    const ledger = await fixtureOrganization();
    const file = 'Learner ID,First Name,Last Name,Email Address,Employee ID,Team,Active\r\n1001,First1001,Last1001,l1001@acme.test,E1001,Support,False\r\n5001,Pat,Doe,pat@acme.test,,R&D,True\r\n';
    const report = await importLearners(ledger, { ...base, input: textInput(file), targetTeam: 'support' });
    expect(report.format).toBe('learner-page');
    expect(report.lines.map((l) => l.action)).toEqual(['deactivate', 'register']);
    const state = await stateOf(ledger);
    expect(state.learners.get('5001')!.teams).toEqual(['support', 'r-d']);
    const deactivated = await eventsOfType(ledger.store, 'LearnerDeactivated');
    expect(deactivated.at(-1)!.metadata.channel).toBe('learner-page');
  });

  test('an unknown or inactive target team is refused before reading, nothing written', async () => {
    const ledger = await fixtureOrganization();
    const before = await snapshot(ledger.store);
    const unknown = await importLearners(ledger, { ...base, input: textInput(dataServicesFile([fixtureRow(1001, 'FALSE')])), targetTeam: 'Marketing' });
    expect(unknown.errors[0]).toMatchObject({ code: 'UNKNOWN_TEAM', value: 'Marketing' });
    const inactive = await importLearners(ledger, { ...base, input: textInput(dataServicesFile([fixtureRow(1001, 'FALSE')])), targetTeam: 'inactive learners' });
    expect(inactive.errors[0]).toMatchObject({ code: 'INVALID_TARGET_TEAM' });
    const missingOrg = await importLearners(ledger, { ...base, orgId: 'nobody', input: textInput(dataServicesFile([fixtureRow(1001, 'FALSE')])) });
    expect(missingOrg.errors[0]).toMatchObject({ code: 'ORGANIZATION_NOT_FOUND' });
    expect(await snapshot(ledger.store)).toBe(before);
  });

  test('a connector organization without an inactive team deactivates without the move', async () => {
    const ledger = createLedger({ store: new InMemoryEventStore() });
    await run(ledger, { type: 'OnboardOrganization', orgId: 'wd', name: 'Workday Co', seats: 5, connector: 'workday', inactiveTeam: null });
    await run(ledger, { type: 'CreateTeam', orgId: 'wd', name: 'Sales' });
    await run(ledger, { type: 'RegisterLearner', orgId: 'wd', learnerId: '1', email: 'a@wd.test', firstName: 'A', lastName: 'B', teams: ['sales'] });
    const report = await importLearners(ledger, { ...base, orgId: 'wd', input: textInput(dataServicesFile(['1,A,B,a@wd.test,,Sales,FALSE'])) });
    expect(report.status).toBe('applied');
    expect((await stateOf(ledger, 'wd')).learners.get('1')).toMatchObject({ status: 'inactive', teams: ['sales'] });
  });
});

describe('dry run, partial, idempotence', () => {
  test('a dry run returns the plan and writes nothing, not even an audit event', async () => {
    const ledger = await fixtureOrganization();
    const before = await snapshot(ledger.store);
    const file = dataServicesFile([fixtureRow(1001, 'FALSE'), '5001,N,P,np@acme.test,,,', fixtureRow(1002, 'TRUE')]);
    const report = await planImport(ledger, { ...base, input: textInput(file) });
    expect(report).toMatchObject({ dryRun: true, applied: false, status: 'planned', appends: 0, counts: { deactivated: 1, registered: 1, unchanged: 1 } });
    expect(report.importId).toMatch(/^imp-/);
    expect(await snapshot(ledger.store)).toBe(before);
  });

  test('partial applies the good lines and records the bad ones as errors in the audit', async () => {
    const ledger = await fixtureOrganization();
    const file = dataServicesFile([fixtureRow(1001, 'FALSE'), fixtureRow(1002, 'Flase'), fixtureRow(1003, 'TRUE', 'Marketing')]);
    const refused = await importLearners(ledger, { ...base, input: textInput(file) });
    expect(refused.status).toBe('rejected');
    const report = await importLearners(ledger, { ...base, input: textInput(file), partial: true });
    expect(report).toMatchObject({ status: 'applied', counts: { deactivated: 1, errors: 2 } });
    expect(report.errors.map((e) => [e.code, e.line, e.column])).toEqual([
      ['INVALID_ACTIVE', 3, 'Active'],
      ['UNKNOWN_TEAM', 4, 'Teams'],
    ]);
    const audit = (await eventsOfType(ledger.store, 'ImportLinesRecorded')).flatMap((e) => e.data.lines);
    expect(audit.find((l: { line: number }) => l.line === 3)).toMatchObject({ action: 'error', code: 'INVALID_ACTIVE', column: 'Active' });
    expect((await stateOf(ledger)).learners.get('1001')!.status).toBe('inactive');
  });

  test('the same file imported twice writes nothing the second time and returns the earlier result', async () => {
    const ledger = await fixtureOrganization();
    const file = dataServicesFile([fixtureRow(1001, 'FALSE'), fixtureRow(1002, 'TRUE')]);
    const first = await importLearners(ledger, { ...base, input: textInput(file) });
    const head = await eventCount(ledger.store);
    const second = await importLearners(ledger, { ...base, input: textInput(file) });
    expect(await eventCount(ledger.store)).toBe(head);
    expect(second).toMatchObject({ status: 'already-applied', applied: true, importId: first.importId, appends: 0, counts: first.counts });
    expect(second.lines).toEqual(first.lines);
    // A fresh ledger (another process) over the same store sees the same.
    const third = await importLearners(createLedger({ store: ledger.store }), { ...base, input: textInput(file) });
    expect(third.status).toBe('already-applied');
    expect(await eventCount(ledger.store)).toBe(head);
  });
});

describe('safety threshold and full sync', () => {
  const sales = (n: number) => Array.from({ length: 20 }, (_, i) => fixtureRow(1001 + i, i < n ? 'FALSE' : 'TRUE'));

  test('at most 20%, or fewer than 10 deactivations, applies; more is refused unless allowed', async () => {
    const ledger = await fixtureOrganization();
    // 4 of 20 = 20%: not more than 20%.
    expect((await planImport(ledger, { ...base, input: textInput(dataServicesFile(sales(4))) })).threshold).toMatchObject({ deactivations: 4, exceeded: false });
    // 9 of 20 = 45%, but fewer than 10.
    expect((await planImport(ledger, { ...base, input: textInput(dataServicesFile(sales(9))) })).errors).toEqual([]);
    const ten = await planImport(ledger, { ...base, input: textInput(dataServicesFile(sales(10))) });
    expect(ten.errors[0]).toMatchObject({ code: 'MASS_DEACTIVATION' });
    expect(ten.errors[0]!.message).toContain('10 learners, 50.0% of the 20 active learners');
    const allowed = await importLearners(ledger, { ...base, input: textInput(dataServicesFile(sales(10))), allowMassDeactivation: true });
    expect(allowed).toMatchObject({ status: 'applied', counts: { deactivated: 10 } });
    const custom = await planImport(createLedger({ store: (await fixtureOrganization()).store }), { ...base, input: textInput(dataServicesFile(sales(3))), threshold: { share: 0.1, minimum: 2 } });
    expect(custom.errors[0]).toMatchObject({ code: 'MASS_DEACTIVATION' });
  });

  test('learners missing from the file are left alone; full sync deactivates them (line 0), behind the same threshold', async () => {
    const ledger = await fixtureOrganization();
    const listed = Array.from({ length: 18 }, (_, i) => fixtureRow(1001 + i, 'TRUE'));
    const plain = await importLearners(ledger, { ...base, input: textInput(dataServicesFile(listed)) });
    expect(plain.counts).toMatchObject({ deactivated: 0, unchanged: 18 });
    const sync = await importLearners(ledger, { ...base, input: textInput(dataServicesFile(listed)), fullSync: true });
    expect(sync.lines.filter((l) => l.line === 0)).toEqual([
      { line: 0, learnerId: '1019', action: 'deactivate', message: 'not listed in the file (full sync)' },
      { line: 0, learnerId: '1020', action: 'deactivate', message: 'not listed in the file (full sync)' },
    ]);
    const again = await importLearners(ledger, { ...base, input: textInput(dataServicesFile(listed)), fullSync: true });
    expect(again.status).toBe('already-applied');
    expect(again.lines).toEqual(sync.lines);
    const state = await stateOf(ledger);
    expect(state.learners.get('1019')!.status).toBe('inactive');
    expect(state.learners.get('2001')!.status).toBe('active'); // another team: untouched
    const truncated = Array.from({ length: 5 }, (_, i) => fixtureRow(1001 + i, 'TRUE'));
    const refused = await importLearners(ledger, { ...base, input: textInput(dataServicesFile(truncated)), fullSync: true });
    expect(refused.errors[0]).toMatchObject({ code: 'MASS_DEACTIVATION' });
    expect(refused.threshold).toMatchObject({ deactivations: 13, activeInTargetTeam: 18 });
  });
});

describe('batches and crash resume', () => {
  const bigOrganization = async (store = new InMemoryEventStore()) => {
    const ledger = await fixtureOrganization(store);
    await run(ledger, { type: 'ResizeLicensePool', orgId: 'acme', seats: 1000 });
    return ledger;
  };
  // 20 deactivations of Sales, 300 new learners, 3 unchanged.
  const file = dataServicesFile([
    ...Array.from({ length: 20 }, (_, i) => fixtureRow(1001 + i, 'FALSE')),
    ...Array.from({ length: 300 }, (_, i) => `${6000 + i},N${i},P${i},n${i}@acme.test,,,TRUE`),
    ...[2001, 2002, 2003].map((n) => fixtureRow(n, 'TRUE', 'Support')),
  ]);
  const options = { ...base, allowMassDeactivation: true, batchSize: 50 };

  test('a large file is applied in a few appends, each line audited once', async () => {
    const ledger = await bigOrganization();
    const report = await importLearners(ledger, { ...options, input: textInput(file) });
    // received + ceil(320 operations / 50) batches + finished
    expect(report).toMatchObject({ status: 'applied', appends: 1 + 7 + 1, counts: { deactivated: 20, registered: 300, unchanged: 3 } });
    const audit = (await eventsOfType(ledger.store, 'ImportLinesRecorded')).flatMap((e) => e.data.lines);
    expect(audit.map((l: { line: number }) => l.line).sort((a: number, b: number) => a - b)).toEqual(Array.from({ length: 323 }, (_, i) => i + 2));
  });

  test.each([1, 2, 4, 8])('a crash after %i appends, then a re-run, completes what was missing and duplicates nothing', async (appendsBeforeFailure) => {
    const reference = await bigOrganization();
    await importLearners(reference, { ...options, input: textInput(file) });

    const inner = new InMemoryEventStore();
    const setup = await bigOrganization(inner);
    const failing = new FailingStore(inner, (await eventCount(inner)) > 0 ? appendsBeforeFailure : 0);
    const crashed = await importLearners(createLedger({ store: failing }), { ...options, input: textInput(file) });
    expect(crashed.status).toBe('interrupted');
    expect(crashed.errors.at(-1)).toMatchObject({ code: 'STORE_FAILURE' });
    void setup;

    const resumed = await importLearners(createLedger({ store: inner }), { ...options, input: textInput(file) });
    expect(resumed.errors).toEqual([]);
    expect(resumed.status).toBe('applied');
    expect(resumed.importId).toBe(crashed.importId);
    expect(resumed.counts).toEqual((await importLearners(reference, { ...options, input: textInput(file) })).counts);
    expect(learnersOf(await stateOf(createLedger({ store: inner })))).toEqual(learnersOf(await stateOf(reference)));
    const audit = (await eventsOfType(inner, 'ImportLinesRecorded')).flatMap((e) => e.data.lines);
    expect(audit).toHaveLength(323);
    expect(new Set(audit.map((l: { line: number }) => l.line)).size).toBe(323);
    expect(await eventsOfType(inner, 'LicenseReleased')).toHaveLength(1 + 20); // the fixture's 3001, then the file's 20
    // And once more: nothing.
    const head = await eventCount(inner);
    expect((await importLearners(createLedger({ store: inner }), { ...options, input: textInput(file) })).status).toBe('already-applied');
    expect(await eventCount(inner)).toBe(head);
  });
});

describe('a concurrent change between the check and the apply', () => {
  test('the ledger refuses the batch: the import is closed as rejected, its lines named, nothing of the batch applied', async () => {
    const inner = new InMemoryEventStore();
    await fixtureOrganization(inner);
    const admin = createLedger({ store: inner });
    let interfered = false;
    // Right after the import is received, an administrator registers someone with an e-mail the file's new learner uses.
    const store = new FailingStore(inner, Number.MAX_SAFE_INTEGER);
    const append = store.appendToStream;
    store.appendToStream = async (...args) => {
      const result = await append(...args);
      if (!interfered && args[1].some((e) => e.type === 'ImportReceived')) {
        interfered = true;
        await run(admin, { type: 'RegisterLearner', orgId: 'acme', learnerId: '9999', email: 'new2@acme.test', firstName: 'X', lastName: 'Y', active: false });
      }
      return result;
    };
    const file = dataServicesFile(['5001,N,One,new1@acme.test,,,FALSE', '5002,N,Two,new2@acme.test,,,FALSE', fixtureRow(1001, 'FALSE')]);
    const report = await importLearners(createLedger({ store }), { ...base, input: textInput(file) });
    expect(report.status).toBe('rejected');
    expect(report.errors.map((e) => [e.code, e.line])).toContainEqual(['DUPLICATE_EMAIL', 3]);
    const rejected = await eventsOfType(inner, 'ImportRejected');
    expect(rejected).toHaveLength(1);
    expect(rejected[0]!.data).toMatchObject({ importId: report.importId, code: 'BATCH_REJECTED' });
    const state = await stateOf(createLedger({ store: inner }));
    expect(state.learners.has('5001')).toBe(false);
    expect(state.learners.get('1001')!.status).toBe('active');
    expect(state.imports.get(report.importId)!.status).toBe('rejected');
  });
});

test('a file with thousands of bad lines lists the first 1000 errors and counts the rest', async () => {
  const ledger = await fixtureOrganization();
  const rows = Array.from({ length: 1500 }, (_, i) => `${9000 + i},A,B,x${i}@acme.test,,Sales,maybe`);
  const report = await planImport(ledger, { ...base, input: textInput(dataServicesFile(rows)) });
  expect(report.counts.errors).toBe(1500);
  expect(report.errors).toHaveLength(1000);
  expect(report.omittedErrors).toBe(500);
  expect(report.lines.filter((l) => l.action === 'error')).toHaveLength(1500);
});
