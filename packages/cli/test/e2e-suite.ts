import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { buildCli, runBin, spreadsheetFixture, spreadsheetOrganization, tempDir, type BinRun } from './e2e-support.js';

/** A store for one suite: its `--store` location and how to dispose of it. */
export interface E2eStore {
  readonly location: string;
  readonly dispose: () => Promise<void> | void;
}

const DS_HEADER = 'Learner ID,First Name,Last Name,Email,Employee ID,Teams,Active';

/**
 * Every command of the built `learner-ledger` binary against one store kind,
 * run as a user would run it: a child process, arguments, exit code, stdout,
 * stderr. The tests of one suite share one store and build on each other.
 */
export const describeCliEndToEnd = (name: string, newStore: () => Promise<E2eStore>): void => {
  // Each test starts ten to twenty CLI processes (up to ~30 s on a busy 2-core machine), and a test that
  // times out fails the ones after it, which build on its store: three minutes each instead of one.
  jest.setTimeout(180_000);
  describe(`learner-ledger CLI end to end on ${name}`, () => {
    let store: E2eStore;
    let work: { dir: string; remove: () => void };
    const cli = (...args: string[]): Promise<BinRun> => runBin(['--store', store.location, ...args], { cwd: work.dir });
    const ok = async (...args: string[]): Promise<BinRun> => {
      const result = await cli(...args);
      if (result.code !== 0) throw new Error(`learner-ledger ${args.join(' ')} exited ${result.code}:\n${result.err}${result.out}`);
      return result;
    };
    const file = (fileName: string, text: string): string => {
      const target = path.join(work.dir, fileName);
      fs.writeFileSync(target, text);
      return target;
    };
    /** The log head and the learners file: if neither moved, nothing was written. */
    const fingerprint = async () => ({
      head: (await ok('replay', '--projection', 'license-counts', '--json')).json().head as string,
      learners: (await ok('export', 'acme', '--format', 'data-services')).out,
    });

    beforeAll(async () => {
      buildCli();
      store = await newStore();
      work = tempDir('learner-ledger-e2e-');
    }, 240_000);
    afterAll(async () => {
      await store?.dispose();
      work?.remove();
    });

    test('org create, team create and learner register build an organization; --json prints one document and nothing on stderr', async () => {
      const created = await ok('org', 'create', 'acme', '--name', 'Acme Corp', '--seats', '30', '--time-zone', 'America/Chicago');
      expect(created.out).toBe('Organization acme (Acme Corp) created: 30 seats, time zone America/Chicago, inactive team "Inactive Learners".\n');
      const team = await ok('team', 'create', 'acme', 'Sales', '--json');
      expect(team.json()).toMatchObject({ orgId: 'acme', teamId: 'sales', name: 'Sales', status: 'applied' });
      expect(team.out.trim().split('\n')).toHaveLength(1);
      expect(team.err).toBe('');
      await ok('team', 'create', 'acme', 'Customer', 'Support');
      const people: [string, string, string[]][] = [
        ['0001', 'ada', ['Sales']],
        ['0002', 'alan', ['Sales', 'Customer Support']],
        ['0003', 'grace', ['Customer Support']],
        ['0004', 'edsger', ['Sales']],
        ['0005', 'barbara', []],
      ];
      for (const [learnerId, first, teams] of people) {
        await ok('learner', 'register', 'acme', learnerId, '--email', `${first}@acme.test`, '--first-name', first, '--last-name', 'Example', ...teams.flatMap((t) => ['--team', t]));
      }
      const last = await ok('learner', 'register', 'acme', '0006', '--email', 'kay@acme.test', '--first-name', 'Kay', '--last-name', 'Nygaard', '--employee-id', '00042', '--team', 'sales', '--json');
      expect(last.json()).toMatchObject({ learnerId: '0006', status: 'active', licenseId: 'L-6', teams: [{ teamId: 'sales', name: 'Sales' }], licenses: { seats: 30, inUse: 6, available: 24 } });
      expect((await ok('org', 'seats', 'acme', '25', '--json')).json()).toMatchObject({ orgId: 'acme', previousSeats: 30, seats: 25, inUse: 6, available: 19 });
    });

    test('learner deactivate: several ids (learner draft) and one id (learner profile), moved and released; reports follow', async () => {
      const draft = await ok('learner', 'deactivate', 'acme', '0001', '0002', '--reason', 'left the company', '--json');
      expect(draft.json()).toMatchObject({
        channel: 'learner-draft',
        learners: [
          { learnerId: '0001', result: 'deactivated', addedTo: ['Inactive Learners'], removedFrom: ['Sales'] },
          { learnerId: '0002', result: 'deactivated', addedTo: ['Inactive Learners'], removedFrom: ['Sales', 'Customer Support'] },
        ],
        licenses: { seats: 25, inUse: 4, available: 21 },
      });
      const profile = await ok('learner', 'deactivate', 'acme', '0003');
      expect(profile.out).toContain('Deactivated 1 learner of acme through learner-profile');
      expect(profile.out).toContain('Licenses: 3 of 25 in use, 22 available.');

      const licenses = await ok('report', 'licenses', 'acme', '--json');
      expect(Object.keys(licenses.json()).sort()).toEqual(['at', 'available', 'inUse', 'orgId', 'seats']);
      expect(licenses.json()).toMatchObject({ orgId: 'acme', seats: 25, inUse: 3, available: 22 });
      const roster = await ok('report', 'inactive-roster', 'acme', '--json');
      expect(roster.json().orgId).toBe('acme');
      expect(roster.json().learners).toEqual([
        expect.objectContaining({ learnerId: '0001', actor: { kind: 'admin', id: 'e2e@acme.test' }, channel: 'learner-draft', since: expect.any(String) }),
        expect.objectContaining({ learnerId: '0002', channel: 'learner-draft' }),
        expect.objectContaining({ learnerId: '0003', channel: 'learner-profile' }),
      ]);
      const teams = await ok('report', 'teams', 'acme', '--json');
      expect(teams.json().teams.find((t: { name: string }) => t.name === 'Sales').members).toEqual(['0004', '0006']);
    });

    test('learner reactivate restores the teams the deactivation removed', async () => {
      const back = await ok('learner', 'reactivate', 'acme', '0002', '--json');
      expect(back.json()).toMatchObject({ status: 'active', restoredTeams: [{ name: 'Sales' }, { name: 'Customer Support' }], licenses: { inUse: 4 } });
      const audit = await ok('audit', 'learner', 'acme', '0002', '--json');
      expect(audit.json().entries.map((e: { type: string }) => e.type)).toEqual([
        'LearnerRegistered', 'LicenseAssigned', 'TeamMembershipChanged', 'TeamMembershipChanged', 'LearnerDeactivated', 'LicenseReleased',
        'LearnerReactivated', 'LicenseAssigned', 'TeamMembershipChanged',
      ]);
      expect((await ok('audit', 'learner', 'acme', '0002')).out).toContain('learner-draft');
    });

    test('a deactivation scheduled with --on is applied by process-due at the start of that day in the organization time zone', async () => {
      const scheduled = await ok('learner', 'deactivate', 'acme', '0004', '--on', '2099-07-01', '--json');
      expect(scheduled.json()).toMatchObject({ status: 'scheduled', effectiveAt: '2099-07-01T05:00:00.000Z', learnerIds: ['0004'] });
      expect((await ok('process-due', '--now', '2099-07-01T04:59:00Z', '--json')).json()).toEqual({ now: '2099-07-01T04:59:00.000Z', deactivations: [], imports: [] });
      const due = await ok('process-due', '--now', '2099-07-01T05:00:00Z', '--json');
      expect(due.json().deactivations).toEqual([{ orgId: 'acme', scheduleId: scheduled.json().scheduleId, deactivated: ['0004'], skipped: [] }]);
      expect((await ok('process-due', '--now', '2099-07-02T00:00:00Z')).out).toContain('0 scheduled deactivations, 0 queued imports');
    });

    test('export, edit Active, import: data-services and learner-page files; dry run writes nothing; a second run is a no-op', async () => {
      const exported = await ok('export', 'acme', '--format', 'data-services', '--team', 'Sales');
      expect(exported.out.split('\n')[0]).toBe(DS_HEADER);
      const edited = file('sales.csv', exported.out.replace(/^(0006,.*),TRUE$/m, '$1,FALSE'));
      const before = await fingerprint();
      const plan = await ok('import', 'acme', edited, '--format', 'data-services', '--team', 'Sales', '--dry-run', '--json');
      expect(plan.json()).toMatchObject({ dryRun: true, applied: false, counts: { deactivated: 1 } });
      expect(await fingerprint()).toEqual(before);

      const applied = await ok('import', 'acme', 'sales.csv', '--format', 'data-services', '--team', 'Sales', '--json');
      const body = applied.json();
      expect(body).toMatchObject({ dryRun: false, applied: true, counts: { registered: 0, deactivated: 1, reactivated: 0, updated: 0, skipped: 0, errors: 0 } });
      expect(body.lines).toContainEqual(expect.objectContaining({ learnerId: '0006', action: 'deactivate', line: expect.any(Number) }));
      expect(typeof body.importId).toBe('string');
      const again = await ok('import', 'acme', 'sales.csv', '--format', 'data-services', '--team', 'Sales', '--json');
      expect(again.json()).toMatchObject({ importId: body.importId, status: 'already-applied' });

      const auditImport = await ok('audit', 'import', 'acme', body.importId, '--json');
      expect(auditImport.json().entries.map((e: { type: string }) => e.type)).toEqual(expect.arrayContaining(['ImportReceived', 'LearnerDeactivated', 'LicenseReleased', 'ImportApplied']));
      const roster = (await ok('report', 'inactive-roster', 'acme', '--json')).json();
      expect(roster.learners).toContainEqual(expect.objectContaining({ learnerId: '0006', channel: 'data-services', importId: body.importId, line: expect.any(Number) }));

      await ok('export', 'acme', '--format', 'learner-page', '--team', 'Customer Support', '--output', 'support.csv');
      const template = fs.readFileSync(path.join(work.dir, 'support.csv'), 'utf8');
      expect(template.split('\n')[0]).toBe('Learner ID,First Name,Last Name,Email Address,Employee ID,Team,Active');
      file('support.csv', template.replace(/^(0002,.*),TRUE$/m, '$1,False'));
      const page = await ok('import', 'acme', 'support.csv', '--format', 'learner-page', '--team', 'Customer Support');
      expect(page.out).toMatch(/0002\s+deactivate/);
      // stderr is a pipe here, not a terminal: no progress is drawn on it
      expect(page.err).toBe('');
      expect((await ok('report', 'inactive-roster', 'acme', '--json')).json().learners).toContainEqual(expect.objectContaining({ learnerId: '0002', channel: 'learner-page' }));
    });

    test('bad files, the mass-deactivation threshold and domain refusals exit 1 with a message and change nothing', async () => {
      // a team of twelve, registered by a file
      await ok('team', 'create', 'acme', 'Ops');
      const rows = Array.from({ length: 12 }, (_, i) => `10${String(i).padStart(2, '0')},Op,Erator${i},op${i}@acme.test,,Ops,TRUE`);
      await ok('import', 'acme', file('ops.csv', [DS_HEADER, ...rows].join('\n') + '\n'), '--format', 'data-services', '--team', 'Ops');
      const before = await fingerprint();
      const wipe = file('ops-wipe.csv', [DS_HEADER, ...rows.map((r, i) => (i < 11 ? r.replace(/TRUE$/, 'FALSE') : r))].join('\n') + '\n');
      const cases: [string[], RegExp][] = [
        [['import', 'acme', file('bad-active.csv', `${DS_HEADER}\n0003,Grace,Example,grace@acme.test,,Customer Support,maybe\n`), '--format', 'data-services', '--team', 'Customer Support'], /bad-active\.csv:2 column "Active"/],
        [['import', 'acme', file('missing.csv', 'Learner ID,First Name,Last Name,Email,Teams,Active\n0003,G,H,g@acme.test,Sales,FALSE\n'), '--format', 'data-services', '--team', 'Sales'], /Employee ID/],
        [['import', 'acme', 'no-such-file.csv', '--format', 'data-services', '--team', 'Sales'], /no-such-file\.csv/],
        [['import', 'acme', wipe, '--format', 'data-services', '--team', 'Ops'], /would deactivate 11 learners/],
        [['learner', 'register', 'acme', '0001', '--email', 'x@acme.test', '--first-name', 'X', '--last-name', 'Y'], /DUPLICATE_LEARNER_ID/],
        [['learner', 'deactivate', 'acme', '0005', '9999'], /BATCH_REJECTED/],
        [['org', 'seats', 'acme', '1'], /SEATS_BELOW_IN_USE/],
        [['org', 'create', 'acme', '--name', 'Again', '--seats', '1'], /ORGANIZATION_ALREADY_EXISTS/],
        [['learner', 'deactivate', 'acme', '0005', '--add-to', 'Sales'], /MOVE_TARGET_NOT_INACTIVE_TEAM/],
        [['report', 'licenses', 'nobody'], /ORGANIZATION_NOT_FOUND/],
      ];
      for (const [args, message] of cases) {
        // with --json: the message for people on stderr, the error document on stdout
        const result = await cli(...args, '--json');
        expect({ args, code: result.code }).toEqual({ args, code: 1 });
        expect(result.err).toMatch(message);
        expect(result.json().error).toEqual(expect.objectContaining({ code: expect.any(String), message: expect.any(String) }));
      }
      const plain = await cli('learner', 'deactivate', 'acme', '0005', '9999');
      expect(plain.code).toBe(1);
      expect(plain.out).toBe('');
      expect(plain.err).toMatch(/^learner-ledger: error \(BATCH_REJECTED\): /);
      expect(await fingerprint()).toEqual(before);
      const allowed = await ok('import', 'acme', wipe, '--format', 'data-services', '--team', 'Ops', '--allow-mass-deactivation', '--json');
      expect(allowed.json()).toMatchObject({ applied: true, counts: { deactivated: 11 } });
    });

    test('import --schedule top-of-hour is received now and applied by process-due when due', async () => {
      const hire = file('new-hire.csv', `${DS_HEADER}\n0099,New,Hire,new.hire@acme.test,,Sales,TRUE\n`);
      const inUse = (await ok('report', 'licenses', 'acme', '--json')).json().inUse as number;
      const queued = await ok('import', 'acme', hire, '--format', 'data-services', '--team', 'Sales', '--schedule', 'top-of-hour', '--json');
      expect(queued.json()).toMatchObject({ status: 'scheduled', applied: false, counts: { registered: 1 } });
      const dueAt: string = queued.json().dueAt;
      expect(new Date(dueAt).getUTCMinutes()).toBe(0);
      expect((await ok('report', 'licenses', 'acme', '--json')).json().inUse).toBe(inUse);
      const due = await ok('process-due', '--now', dueAt, '--json');
      expect(due.json().imports).toEqual([expect.objectContaining({ orgId: 'acme', importId: queued.json().importId, fileName: 'new-hire.csv', status: 'applied', applied: true })]);
      expect((await ok('report', 'licenses', 'acme', '--json')).json().inUse).toBe(inUse + 1);
    });

    test('usage errors exit 2 with a message on stderr and a JSON error with --json; nothing changes', async () => {
      const before = await fingerprint();
      const cases: [string[], string][] = [
        [['learner', 'deactivat', 'acme', '0005'], 'UNKNOWN_COMMAND'],
        [['learner', 'deactivate', 'acme', '0005', '--everyone'], 'UNKNOWN_OPTION'],
        [['learner', 'reactivate', 'acme'], 'MISSING_ARGUMENT'],
        [['org', 'create', 'x', '--name', 'X', '--seats', 'many'], 'INVALID_ARGUMENT'],
        [['import', 'acme', 'sales.csv', '--format', 'xlsx', '--team', 'Sales'], 'INVALID_ARGUMENT'],
        [['import', 'acme', 'sales.csv', '--format', 'data-services'], 'MISSING_REQUIRED_OPTION'],
        [['report', 'licenses', 'acme', '--series', 'day', '--from', '2026-01-01'], 'MISSING_ARGUMENT'],
        [['report', 'licenses', 'acme', '--at', 'last tuesday'], 'INVALID_ARGUMENT'],
      ];
      for (const [args, code] of cases) {
        const json = await cli(...args, '--json');
        expect({ args, code: json.code, error: json.json().error.code }).toEqual({ args, code: 2, error: code });
        expect(json.err.length).toBeGreaterThan(0);
      }
      for (const [args] of cases.slice(0, 3)) {
        const text = await cli(...args);
        expect({ args, code: text.code, out: text.out }).toEqual({ args, code: 2, out: '' });
        expect(text.err).toMatch(/error/);
      }
      const badStore = await runBin(['--store', 'mysql://db/x', 'report', 'licenses', 'acme', '--json'], { cwd: work.dir });
      expect(badStore.code).toBe(2);
      expect(badStore.json().error.code).toBe('INVALID_STORE');
      expect(await fingerprint()).toEqual(before);
    });

    test('report licenses as of a date and as a series with an SVG chart; anomalies', async () => {
      const today = new Date().toISOString().slice(0, 10);
      const asOf = await ok('report', 'licenses', 'acme', '--at', '2000-01-01', '--json');
      // Answered from the license history next to the events, caught up to the organization's last event first.
      expect(asOf.json()).toEqual({ orgId: 'acme', at: '2000-01-02T05:59:59.999Z', seats: 0, inUse: 0, available: 0, source: 'read-model', position: expect.stringMatching(/^\d+$/) });
      const series = await ok('report', 'licenses', 'acme', '--series', 'day', '--from', today, '--to', today, '--chart', 'licenses.svg', '--json');
      const body = series.json();
      expect(body.orgId).toBe('acme');
      expect(body.series).toHaveLength(1);
      expect(Object.keys(body.series[0]).sort()).toEqual(['at', 'available', 'inUse', 'seats']);
      const svg = fs.readFileSync(path.join(work.dir, 'licenses.svg'), 'utf8');
      expect(svg).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
      expect(svg).toContain('Licenses in use');
      await ok('learner', 'deactivate', 'acme', '0005', '--no-move');
      await ok('team', 'create', 'acme', 'Night Shift');
      await ok('learner', 'register', 'acme', '0007', '--email', 'nina@acme.test', '--first-name', 'Nina', '--last-name', 'Example', '--team', 'Night Shift');
      await ok('learner', 'deactivate', 'acme', '0007', '--no-move');
      const anomalies = await ok('report', 'anomalies', 'acme', '--json');
      expect(anomalies.json().anomalies).toContainEqual(expect.objectContaining({ learnerId: '0007', teamId: 'night-shift' }));
      expect((await ok('report', 'anomalies', 'acme')).out).toContain('night-shift');
    });

    test('replay rebuilds projections from position 0; no progress bar when stderr is not a terminal', async () => {
      const all = await ok('replay', '--json');
      expect(all.err).toBe('');
      expect(all.json().projections).toHaveLength(6);
      expect(all.json().persisted).toBe(true);
      for (const projection of all.json().projections) expect(projection.checkpoint).toBe(all.json().head);
      const one = await ok('replay', '--projection', 'inactive-roster');
      expect(one.out).toContain('inactive-roster');
      expect(one.err).toBe('');
      expect((await cli('replay', '--projection', 'nope')).code).toBe(2);
    });

    test('demo walks the four deactivation paths, printing the license count and the inactive roster after each', async () => {
      const demo = await ok('demo', '--org', 'demo-org', '--files', 'demo-files', '--json');
      const body = demo.json();
      expect(body.steps.map((s: { channel: string }) => s.channel)).toEqual(['api', 'learner-draft', 'learner-profile', 'data-services', 'learner-page']);
      expect(body.steps.map((s: { licenses: { inUse: number } }) => s.licenses.inUse)).toEqual([12, 9, 8, 6, 5]);
      expect(body.steps[4].inactiveRoster.map((l: { learnerId: string; channel: string }) => `${l.learnerId}:${l.channel}`).sort()).toEqual([
        '0001:learner-draft', '0002:learner-draft', '0003:learner-draft', '0004:learner-profile', '0007:learner-page', '0009:data-services', '0010:data-services',
      ]);
      expect(body.files.map((f: string) => path.basename(f))).toEqual(['learners-engineering.csv', 'learner-page-support.csv']);
      const again = await cli('demo', '--org', 'demo-org');
      expect(again.code).toBe(1);
      expect(again.err).toContain('already exists');
    });

    test('audit verify: the chain of every organization the commands, imports and demo wrote verifies; a digest file proves one of its events', async () => {
      for (const orgId of ['acme', 'demo-org']) {
        const verified = await ok('audit', 'verify', orgId, '--json');
        expect(verified.json()).toMatchObject({ verified: true, unchainedEvents: 0 });
      }
      const digest = await ok('audit', 'digest', 'acme');
      fs.writeFileSync(path.join(work.dir, 'acme.digest.json'), digest.out);
      expect((await ok('audit', 'verify', 'acme', '--digest', 'acme.digest.json')).out).toContain('The chain of acme verifies');
      const proof = await ok('audit', 'prove', 'acme', '3', '--digest', 'acme.digest.json');
      fs.writeFileSync(path.join(work.dir, 'proof.json'), proof.out);
      expect((await ok('audit', 'check-proof', 'proof.json', '--digest', 'acme.digest.json')).out).toContain('Proven:');
    });

    test('LEARNER_LEDGER_STORE chooses the store when --store is not given', async () => {
      const viaEnv = await runBin(['report', 'licenses', 'acme', '--json'], { cwd: work.dir, env: { LEARNER_LEDGER_STORE: store.location } });
      expect(viaEnv.code).toBe(0);
      expect(viaEnv.json().orgId).toBe('acme');
    });

    test('through a spreadsheet: a workbook LibreOffice saved imports exactly its edit (dry run, audit, idempotence); the CSV it mangled is refused line by line and writes nothing', async () => {
      // The organization the LibreOffice files were written for (ids 0042, 0043, 1e5; employee id 000123), registered by a file.
      const sheets = spreadsheetOrganization();
      await ok('org', 'create', 'sheets', '--name', sheets.name, '--seats', String(sheets.seats), '--time-zone', sheets.timeZone);
      await ok('team', 'create', 'sheets', sheets.team);
      const register = sheets.learners.map((l) => [l.learnerId, l.firstName, l.lastName.replace(/^=/, "'="), l.email, l.employeeId ?? '', sheets.team, 'TRUE'].join(','));
      await ok('import', 'sheets', file('sheets-register.csv', [DS_HEADER, ...register].join('\n') + '\n'), '--format', 'data-services', '--team', sheets.team);
      const state = async () => (await ok('export', 'sheets', '--format', 'data-services', '--json')).json().csv as string;
      const head = async () => (await ok('replay', '--projection', 'license-counts', '--json')).json().head as string;
      const before = { head: await head(), learners: await state() };

      // The CSV export saved by Calc: every line refused with the repair hint, nothing written.
      const mangled = await cli('import', 'sheets', spreadsheetFixture('data-services.libreoffice-mangled.csv'), '--format', 'data-services', '--team', sheets.team, '--json');
      expect(mangled.code).toBe(1);
      expect(mangled.json().errors.map((e: { line: number; code: string; column: string }) => [e.line, e.code, e.column])).toEqual([
        [2, 'ID_MANGLED_BY_SPREADSHEET', 'Learner ID'],
        [3, 'ID_MANGLED_BY_SPREADSHEET', 'Learner ID'],
        [4, 'ID_MANGLED_BY_SPREADSHEET', 'Learner ID'],
        [5, 'ID_MANGLED_BY_SPREADSHEET', 'Employee ID'],
      ]);
      expect(mangled.json().errors[0].message).toContain('No learner has this id, but learner "0042" has this e-mail: it looks like a spreadsheet dropped the leading zeros of "0042"');

      // The XLSX export opened in Calc, Active edited, saved as XLSX: the dry run plans exactly the edit and writes nothing.
      const workbook = spreadsheetFixture('data-services.libreoffice.xlsx');
      const plan = await ok('import', 'sheets', workbook, '--format', 'data-services', '--team', sheets.team, '--dry-run', '--json');
      expect(plan.json()).toMatchObject({ status: 'planned', counts: { deactivated: 1, unchanged: 3, errors: 0 } });
      expect({ head: await head(), learners: await state() }).toEqual(before);
      const applied = await ok('import', 'sheets', workbook, '--format', 'data-services', '--team', sheets.team, '--json');
      const sha256 = createHash('sha256').update(fs.readFileSync(workbook)).digest('hex');
      expect(applied.json()).toMatchObject({ status: 'applied', fileName: 'data-services.libreoffice.xlsx', sha256, counts: { deactivated: 1, unchanged: 3 } });
      expect(applied.json().lines.filter((l: { action: string }) => l.action !== 'unchanged')).toEqual([expect.objectContaining({ line: 3, learnerId: '0043', action: 'deactivate' })]);
      const audit = (await ok('audit', 'import', 'sheets', applied.json().importId, '--json')).json();
      expect(audit.entries).toContainEqual(expect.objectContaining({ type: 'ImportReceived' }));
      expect(JSON.stringify(audit)).toContain(sha256);
      const after = await state();
      expect(after).toBe(before.learners.replace(/^(0043,.*),TRUE$/m, '$1,FALSE').replace(/^(0043,[^,]*,[^,]*,[^,]*,[^,]*,)Sales/m, '$1Inactive Learners'));
      expect((await ok('import', 'sheets', workbook, '--format', 'data-services', '--team', sheets.team, '--json')).json().status).toBe('already-applied');
    });
  });
};
