import { cliHarness, seedAcme } from './harness.js';

describe('org, team, learner commands', () => {
  test('org create prints the organization and, with --json, exactly one JSON document', async () => {
    const { run } = cliHarness();
    const text = await run('org', 'create', 'acme', '--name', 'Acme Corp', '--seats', '10', '--time-zone', 'America/Chicago');
    expect(text.code).toBe(0);
    expect(text.out).toContain('Organization acme (Acme Corp) created: 10 seats, time zone America/Chicago, inactive team "Inactive Learners"');
    const json = await run('org', 'create', 'globex', '--name', 'Globex', '--seats', '5', '--connector', 'workday', '--no-inactive-team', '--json');
    expect(json.code).toBe(0);
    expect(json.json()).toMatchObject({ orgId: 'globex', seats: 5, connector: 'workday', inactiveTeam: null, status: 'applied' });
    expect(json.out.trim().split('\n')).toHaveLength(1);
    expect(json.err).toBe('');
  });

  test('domain refusals exit 1 with the code on stderr and in the JSON error; nothing is written', async () => {
    const { run, store } = cliHarness();
    await seedAcme(run);
    const head = await store.headPosition();
    const refusals: string[][] = [
      ['org', 'create', 'acme', '--name', 'Again', '--seats', '3'],
      ['org', 'create', 'plain', '--name', 'Plain', '--seats', '3', '--no-inactive-team'],
      ['org', 'create', 'neg', '--name', 'Neg', '--seats', '-3'],
      ['org', 'create', 'tz', '--name', 'Tz', '--seats', '3', '--time-zone', 'Mars/Olympus'],
      ['org', 'seats', 'acme', '2'],
      ['team', 'create', 'acme', 'sales'],
      ['learner', 'register', 'acme', '0001', '--email', 'x@acme.test', '--first-name', 'X', '--last-name', 'Y'],
      ['learner', 'register', 'acme', '0009', '--email', 'x@acme.test', '--first-name', 'X', '--last-name', 'Y', '--team', 'Marketing'],
      ['learner', 'deactivate', 'acme', '0001', '9999'],
      ['learner', 'deactivate', 'acme', '0001', '--add-to', 'Sales'],
      ['learner', 'deactivate', 'acme', '0001', '--on', '2020-01-01'],
      ['learner', 'reactivate', 'acme', '9999'],
      ['learner', 'deactivate', 'nobody', '0001'],
    ];
    const codes: string[] = [];
    for (const argv of refusals) {
      const result = await run(...argv, '--json');
      expect({ argv, code: result.code }).toEqual({ argv, code: 1 });
      expect(result.err).toMatch(/^learner-ledger: error \([A-Z_]+\): /);
      const { error } = result.json();
      expect(typeof error.message).toBe('string');
      codes.push(error.code);
    }
    expect(codes).toEqual([
      'ORGANIZATION_ALREADY_EXISTS', 'INACTIVE_TEAM_REQUIRED', 'INVALID_SEATS', 'INVALID_TIME_ZONE', 'SEATS_BELOW_IN_USE', 'DUPLICATE_TEAM_NAME',
      'DUPLICATE_LEARNER_ID', 'UNKNOWN_TEAM', 'BATCH_REJECTED', 'MOVE_TARGET_NOT_INACTIVE_TEAM', 'SCHEDULE_IN_PAST', 'LEARNER_NOT_FOUND',
      'ORGANIZATION_NOT_FOUND',
    ]);
    expect(await store.headPosition()).toBe(head);
  });

  test('usage errors exit 2: unknown command or flag, missing argument or required option, malformed value', async () => {
    const { run, store } = cliHarness();
    await seedAcme(run);
    const head = await store.headPosition();
    const cases: [string[], string][] = [
      [['learner', 'deactivat', 'acme', '0001'], 'UNKNOWN_COMMAND'],
      [['frobnicate'], 'UNKNOWN_COMMAND'],
      [['learner', 'deactivate', 'acme', '0001', '--bogus'], 'UNKNOWN_OPTION'],
      [['learner', 'deactivate', 'acme'], 'MISSING_ARGUMENT'],
      [['org', 'create', 'x', '--seats', '3'], 'MISSING_REQUIRED_OPTION'],
      [['org', 'create', 'x', '--name', 'X', '--seats', 'three'], 'INVALID_ARGUMENT'],
      [['org', 'create', 'x', '--name', 'X', '--seats', '3', '--connector', 'sap'], 'INVALID_ARGUMENT'],
      [['learner', 'deactivate', 'acme', '0001', '--on', '31/03/2026'], 'INVALID_ARGUMENT'],
      [['learner', 'deactivate', 'acme', '0001', '--channel', 'data-services'], 'INVALID_ARGUMENT'],
      [['learner', 'deactivate', 'acme', '0001', '--no-move', '--remove-from', 'Sales'], 'CONFLICTING_OPTIONS'],
      [['org', 'seats', 'acme', '3', '4'], 'TOO_MANY_ARGUMENTS'],
      [['process-due', '--now', 'tomorrow'], 'INVALID_ARGUMENT'],
      [['--store', 'mysql://db/x', 'org', 'seats', 'acme', '3'], 'INVALID_STORE'],
    ];
    for (const [argv, code] of cases) {
      const result = await run(...argv, '--json');
      expect({ argv, exit: result.code, code: result.json().error.code }).toEqual({ argv, exit: 2, code });
      expect(result.err.length).toBeGreaterThan(0);
    }
    const plain = await run('learner', 'deactivate', 'acme');
    expect(plain.out).toBe('');
    expect(plain.err).toContain("missing required argument 'learnerId'");
    expect(await store.headPosition()).toBe(head);
  });

  test('--help exits 0; a bare group prints its help and exits 2', async () => {
    const { run } = cliHarness();
    const help = await run('learner', 'deactivate', '--help');
    expect(help.code).toBe(0);
    expect(help.out).toContain('--remove-from <team>');
    expect((await run('learner')).code).toBe(2);
    expect((await run()).code).toBe(2);
  });

  test('learner register resolves team names, assigns a license, refuses when the pool is exhausted', async () => {
    const { run } = cliHarness();
    await seedAcme(run, 5);
    const ok = await run('learner', 'register', 'acme', '00042', '--email', 'kay@acme.test', '--first-name', 'Kay', '--last-name', 'Nygaard', '--employee-id', '007', '--team', 'SALES', '--json');
    expect(ok.json()).toMatchObject({ orgId: 'acme', learnerId: '00042', status: 'active', licenseId: 'L-5', teams: [{ teamId: 'sales', name: 'Sales' }], licenses: { seats: 5, inUse: 5, available: 0 } });
    const full = await run('learner', 'register', 'acme', '0043', '--email', 'ole@acme.test', '--first-name', 'Ole', '--last-name', 'Dahl', '--json');
    expect(full.code).toBe(1);
    expect(full.json().error.code).toBe('LICENSE_POOL_EXHAUSTED');
    const inactive = await run('learner', 'register', 'acme', '0043', '--email', 'ole@acme.test', '--first-name', 'Ole', '--last-name', 'Dahl', '--inactive', '--json');
    expect(inactive.json()).toMatchObject({ status: 'inactive', licenseId: null, teams: [{ teamId: 'inactive-learners' }] });
  });

  test('several ids are the learner draft path, one the learner profile path; each learner is moved and released', async () => {
    const { run } = cliHarness();
    await seedAcme(run);
    const bulk = await run('learner', 'deactivate', 'acme', '0001', '0002', '--reason', 'left', '--json');
    expect(bulk.code).toBe(0);
    expect(bulk.json()).toMatchObject({
      channel: 'learner-draft',
      learners: [
        { learnerId: '0001', result: 'deactivated', addedTo: ['Inactive Learners'], removedFrom: ['Sales'], releasedLicense: 'L-1' },
        { learnerId: '0002', result: 'deactivated', addedTo: ['Inactive Learners'], removedFrom: ['Sales', 'Support'], releasedLicense: 'L-2' },
      ],
      licenses: { seats: 10, inUse: 2, available: 8 },
    });
    expect(bulk.json().events.map((e: { type: string }) => e.type)).toEqual([
      'TeamMembershipChanged', 'LearnerDeactivated', 'LicenseReleased', 'TeamMembershipChanged', 'LearnerDeactivated', 'LicenseReleased',
    ]);
    const single = await run('learner', 'deactivate', 'acme', '0003', '--no-move', '--json');
    expect(single.json()).toMatchObject({ channel: 'learner-profile', learners: [{ learnerId: '0003', result: 'deactivated' }] });
    expect(single.json().learners[0].addedTo).toBeUndefined();
    const again = await run('learner', 'deactivate', 'acme', '0003', '--json');
    expect(again.json()).toMatchObject({ status: 'unchanged', learners: [{ learnerId: '0003', result: 'skipped', code: 'ALREADY_INACTIVE' }] });
  });

  test('--command-id makes a retried write a no-op', async () => {
    const { run, store } = cliHarness();
    await seedAcme(run);
    const first = await run('--command-id', 'offboarding-2026-03-02', 'learner', 'deactivate', 'acme', '0001', '--json');
    expect(first.json().status).toBe('applied');
    const head = await store.headPosition();
    const retry = await run('--command-id', 'offboarding-2026-03-02', 'learner', 'deactivate', 'acme', '0001', '--json');
    expect(retry.code).toBe(0);
    expect(retry.json().status).toBe('duplicate');
    expect(await store.headPosition()).toBe(head);
  });

  test('--remove-from some teams keeps the others; --partial applies what it can', async () => {
    const { run } = cliHarness();
    await seedAcme(run);
    const some = await run('learner', 'deactivate', 'acme', '0002', '--remove-from', 'Support', '--json');
    expect(some.json().learners[0]).toMatchObject({ removedFrom: ['Support'], addedTo: ['Inactive Learners'] });
    const partial = await run('learner', 'deactivate', 'acme', '0001', '9999', '--partial', '--json');
    expect(partial.code).toBe(0);
    expect(partial.json().learners).toEqual([
      expect.objectContaining({ learnerId: '0001', result: 'deactivated' }),
      expect.objectContaining({ learnerId: '9999', result: 'rejected', code: 'LEARNER_NOT_FOUND' }),
    ]);
  });

  test('reactivate restores the removed teams, or joins the given ones', async () => {
    const { run } = cliHarness();
    await seedAcme(run);
    await run('learner', 'deactivate', 'acme', '0002', '0003');
    const restored = await run('learner', 'reactivate', 'acme', '0002', '--json');
    expect(restored.json()).toMatchObject({ status: 'active', restoredTeams: [{ name: 'Sales' }, { name: 'Support' }], licenses: { inUse: 3 } });
    const chosen = await run('learner', 'reactivate', 'acme', '0003', '--team', 'Sales', '--json');
    expect(chosen.json().teams).toEqual([{ teamId: 'sales', name: 'Sales' }]);
    const already = await run('learner', 'reactivate', 'acme', '0003', '--json');
    expect(already.json()).toMatchObject({ result: 'skipped', code: 'ALREADY_ACTIVE' });
  });

  test('a deactivation scheduled with --on takes effect when process-due runs at or after the start of that day', async () => {
    const { run } = cliHarness();
    await seedAcme(run);
    const scheduled = await run('learner', 'deactivate', 'acme', '0001', '--on', '2026-07-01', '--reason', 'last day', '--json');
    expect(scheduled.json()).toMatchObject({ status: 'scheduled', effectiveAt: '2026-07-01T05:00:00.000Z', learnerIds: ['0001'], channel: 'learner-profile' });
    const early = await run('process-due', '--now', '2026-07-01T04:59:59Z', '--json');
    expect(early.json()).toEqual({ now: '2026-07-01T04:59:59.000Z', deactivations: [], imports: [] });
    const due = await run('process-due', '--now', '2026-07-01T00:00:00-05:00', '--json');
    expect(due.json().deactivations).toEqual([{ orgId: 'acme', scheduleId: scheduled.json().scheduleId, deactivated: ['0001'], skipped: [] }]);
    const twice = await run('process-due', '--now', '2026-07-02T00:00:00Z', '--json');
    expect(twice.json().deactivations).toEqual([]);
  });
});
