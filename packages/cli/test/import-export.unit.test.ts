import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { cliHarness, seedAcme } from './harness.js';
import { spreadsheetFixture, spreadsheetOrganization } from './e2e-support.js';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'll-cli-import-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));
const write = (name: string, text: string) => {
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return file;
};

describe('import and export', () => {
  test('export → set Active to FALSE → import deactivates that learner through the data-services channel', async () => {
    const { run } = cliHarness({ cwd: '/' });
    await seedAcme(run);
    const exported = await run('export', 'acme', '--format', 'data-services', '--team', 'Sales');
    expect(exported.code).toBe(0);
    const lines = exported.out.trimEnd().split('\n');
    expect(lines[0]).toBe('Learner ID,First Name,Last Name,Email,Employee ID,Teams,Active');
    expect(lines).toHaveLength(3);
    const edited = lines.map((line) => (line.startsWith('0001,') ? line.replace(/TRUE$/, 'FALSE') : line)).join('\n') + '\n';
    const file = write('sales.csv', edited);

    const plan = await run('import', 'acme', file, '--format', 'data-services', '--team', 'Sales', '--dry-run', '--json');
    expect(plan.code).toBe(0);
    expect(plan.json()).toMatchObject({ dryRun: true, applied: false, counts: { deactivated: 1, unchanged: 1, errors: 0 } });

    const applied = await run('import', 'acme', file, '--format', 'data-services', '--team', 'Sales', '--json');
    expect(applied.code).toBe(0);
    const body = applied.json();
    expect(body).toMatchObject({ dryRun: false, applied: true, counts: { registered: 0, deactivated: 1, reactivated: 0, updated: 0, unchanged: 1, skipped: 0, errors: 0 } });
    expect(body.lines).toEqual([
      expect.objectContaining({ line: 2, learnerId: '0001', action: 'deactivate' }),
      expect.objectContaining({ line: 3, learnerId: '0002', action: 'unchanged' }),
    ]);
    const roster = await run('report', 'inactive-roster', 'acme', '--json');
    expect(roster.json().learners).toEqual([expect.objectContaining({ learnerId: '0001', channel: 'data-services', importId: body.importId, line: 2 })]);
    const audit = await run('audit', 'import', 'acme', body.importId, '--json');
    expect(audit.json().entries.map((e: { type: string }) => e.type)).toEqual(expect.arrayContaining(['ImportReceived', 'LearnerDeactivated', 'ImportApplied']));

    const again = await run('import', 'acme', file, '--format', 'data-services', '--team', 'Sales', '--json');
    expect(again.json()).toMatchObject({ status: 'already-applied', applied: true });
  });

  test('--lines chooses the lines --json lists; the counts are the same, and the text report shows the changes', async () => {
    const { run } = cliHarness({ cwd: '/' });
    await seedAcme(run);
    const exported = await run('export', 'acme', '--format', 'data-services', '--team', 'Sales');
    const file = write('sales.csv', exported.out.replace(/^(0001,.*)TRUE$/m, '$1FALSE'));
    const dryRun = (...flags: string[]) => run('import', 'acme', file, '--format', 'data-services', '--team', 'Sales', '--dry-run', ...flags);
    const listed = async (...flags: string[]) => {
      const body = (await dryRun('--json', ...flags)).json();
      expect(body.counts).toMatchObject({ deactivated: 1, unchanged: 1, errors: 0 });
      return body.lines.map((l: { line: number; action: string }) => [l.line, l.action]);
    };
    expect(await listed()).toEqual([
      [2, 'deactivate'],
      [3, 'unchanged'],
    ]);
    expect(await listed('--lines', 'all')).toEqual(await listed());
    expect(await listed('--lines', 'changes')).toEqual([[2, 'deactivate']]);
    expect(await listed('--lines', 'errors')).toEqual([]);
    expect(await listed('--lines', 'none')).toEqual([]);
    const text = await dryRun();
    expect(text.code).toBe(0);
    expect(text.out).toMatch(/line 2 +0001 +deactivate/);
    expect(text.out).not.toContain('line 3');
    expect((await dryRun('--lines', 'some')).code).toBe(2);
  });

  test('a bad value, a missing column or a wrong format refuses the file: exit 1, the line and column named, nothing changed', async () => {
    const { run, store } = cliHarness();
    await seedAcme(run);
    const head = await store.headPosition();
    const badValue = write('bad.csv', 'Learner ID,First Name,Last Name,Email,Employee ID,Teams,Active\n0001,Ada,Lovelace,ada@acme.test,,Sales,maybe\n');
    const result = await run('import', 'acme', badValue, '--format', 'data-services', '--team', 'Sales', '--json');
    expect(result.code).toBe(1);
    expect(result.json()).toMatchObject({ applied: false, error: { code: expect.any(String), message: expect.stringContaining('bad.csv:2') } });
    expect(result.json().lines).toEqual([expect.objectContaining({ line: 2, action: 'error', error: expect.objectContaining({ column: 'Active' }) })]);
    expect(result.err).toContain('bad.csv:2 column "Active"');

    const missing = write('missing.csv', 'Learner ID,First Name,Last Name,Email,Teams,Active\n0001,Ada,Lovelace,ada@acme.test,Sales,FALSE\n');
    const refused = await run('import', 'acme', missing, '--format', 'data-services', '--team', 'Sales');
    expect(refused.code).toBe(1);
    expect(refused.err).toContain('Employee ID');

    const template = write('template.csv', 'Learner ID,First Name,Last Name,Email Address,Employee ID,Team,Active\n0001,Ada,Lovelace,ada@acme.test,,Sales,FALSE\n');
    expect((await run('import', 'acme', template, '--format', 'data-services', '--team', 'Sales')).code).toBe(1);
    expect((await run('import', 'acme', path.join(dir, 'nope.csv'), '--format', 'data-services', '--team', 'Sales')).code).toBe(1);
    expect((await run('import', 'acme', badValue, '--format', 'data-services', '--team', 'Marketing', '--json')).code).toBe(1);
    expect((await run('import', 'acme', badValue, '--format', 'xml', '--team', 'Sales')).code).toBe(2);
    expect((await run('import', 'acme', badValue, '--team', 'Sales')).code).toBe(2);
    expect(await store.headPosition()).toBe(head);
  });

  test('the learner-page template with a chosen team; a scheduled import is applied by process-due', async () => {
    let now = '2026-03-02T09:10:00.000Z';
    const { run } = cliHarness({ now: () => now });
    await seedAcme(run);
    const exported = await run('export', 'acme', '--format', 'learner-page', '--team', 'Support', '--json');
    const csv: string = exported.json().csv;
    expect(csv.split('\n')[0]).toBe('Learner ID,First Name,Last Name,Email Address,Employee ID,Team,Active');
    const file = write('support.csv', csv.replace(/^(0003,.*)TRUE$/m, '$1False'));
    const queued = await run('import', 'acme', file, '--format', 'learner-page', '--team', 'Support', '--schedule', 'top-of-hour', '--json');
    expect(queued.json()).toMatchObject({ status: 'scheduled', dueAt: '2026-03-02T10:00:00.000Z', applied: false });
    expect((await run('report', 'licenses', 'acme', '--json')).json().inUse).toBe(4);
    now = '2026-03-02T10:00:00.000Z';
    const due = await run('process-due', '--json');
    expect(due.json().imports).toEqual([expect.objectContaining({ orgId: 'acme', importId: queued.json().importId, status: 'applied', applied: true })]);
    expect((await run('report', 'licenses', 'acme', '--json')).json().inUse).toBe(3);
  });

  test('on a terminal, import and export draw a progress bar on stderr, and never with --json', async () => {
    const { run } = cliHarness({ tty: true });
    await seedAcme(run);
    const out = path.join(dir, 'all.csv');
    const exported = await run('export', 'acme', '--format', 'data-services', '--output', out);
    expect(exported.err).toContain('Exporting [');
    expect(exported.err.endsWith('\r\u001b[K')).toBe(true);
    const imported = await run('import', 'acme', out, '--format', 'data-services', '--team', 'Sales', '--dry-run');
    expect(imported.code).toBe(0);
    expect(imported.err).toContain('Reading [');
    const quiet = await run('import', 'acme', out, '--format', 'data-services', '--team', 'Sales', '--dry-run', '--json');
    expect(quiet.err).toBe('');
  });

  test('an import shows its stages in rows on a terminal, and prints nothing on stderr off one', async () => {
    for (const tty of [true, false]) {
      const { run } = cliHarness({ tty });
      await seedAcme(run);
      const out = path.join(dir, `stages-${tty}.csv`);
      await run('export', 'acme', '--format', 'data-services', '--output', out);
      fs.writeFileSync(out, fs.readFileSync(out, 'utf8').replace(/^(0001,.*)TRUE$/m, '$1FALSE'));
      const imported = await run('import', 'acme', out, '--format', 'data-services', '--team', 'Sales');
      expect(imported.code).toBe(0);
      expect(imported.out).toContain('deactivated 1');
      if (!tty) {
        expect(imported.err).toBe('');
        continue;
      }
      for (const stage of ['Loading organization acme', 'Reading [', ' rows', 'Checking [', 'Applying batch 1 of 1 [', 'Finishing']) expect(imported.err).toContain(stage);
      expect(imported.err.endsWith('\r\u001b[K')).toBe(true);
    }
  });

  test('process-due shows on a terminal which organization and queued import it is at and the import\'s stages; nothing with --json or off one', async () => {
    for (const [tty, json] of [[true, false], [true, true], [false, false]] as const) {
      let now = '2026-03-02T09:10:00.000Z';
      const { run } = cliHarness({ tty, now: () => now });
      await seedAcme(run);
      await run('org', 'create', 'beta', '--name', 'Beta', '--seats', '5', '--time-zone', 'UTC');
      const out = path.join(dir, `q${Number(tty)}${Number(json)}.csv`);
      await run('export', 'acme', '--format', 'data-services', '--team', 'Support', '--output', out);
      fs.writeFileSync(out, fs.readFileSync(out, 'utf8').replace(/^(0003,.*)TRUE$/m, '$1FALSE'));
      const queued = await run('import', 'acme', out, '--format', 'data-services', '--team', 'Support', '--schedule', 'top-of-hour', '--json');
      expect(queued.json().status).toBe('scheduled');
      now = '2026-03-02T10:00:00.000Z';
      const due = await run('process-due', ...(json ? ['--json'] : []));
      expect(due.code).toBe(0);
      expect(due.out).toContain(json ? '"status":"applied"' : 'applied');
      if (!tty || json) {
        expect(due.err).toBe('');
        continue;
      }
      const file = path.basename(out);
      for (const stage of [
        'Looking for due work…',
        'acme (organization 1 of 2): scheduled deactivations…',
        'acme (organization 1 of 2): due imports…',
        `acme · ${file} · Reading [`,
        `acme · ${file} · Checking [`,
        `acme · ${file} · Applying batch 1 of 1 [`,
        `acme · ${file} · Finishing`,
        'beta (organization 2 of 2): scheduled deactivations…',
        'beta (organization 2 of 2): due imports…',
      ]) {
        expect(due.err).toContain(stage);
      }
      // Each draw stays on one row of an 80-column terminal.
      for (const drawn of due.err.split('\r')) expect(drawn.replace('\u001b[K', '').length).toBeLessThan(80);
      expect(due.err.endsWith('\r\u001b[K')).toBe(true);
    }
  });

  test('export to a file', async () => {
    const { run } = cliHarness();
    await seedAcme(run);
    const out = path.join(dir, 'all.csv');
    const result = await run('export', 'acme', '--format', 'data-services', '--output', out, '--json');
    expect(result.json()).toEqual({
      orgId: 'acme', format: 'data-services', teamId: null, rows: 4, output: out,
      warnings: [expect.objectContaining({ code: 'SPREADSHEET_WOULD_CHANGE_IDS', column: 'Learner ID', change: 'leading-zeros', count: 4, examples: ['0001', '0002', '0003'] })],
    });
    expect(fs.readFileSync(out, 'utf8').trimEnd().split('\n')).toHaveLength(5);
    expect((await run('export', 'acme', '--format', 'data-services', '--team', 'Nope')).code).toBe(1);
    expect((await run('export', 'acme', '--format', 'data-services', '--output', path.join(dir, 'no/such/dir/x.csv'))).code).toBe(1);
  });
});

describe('spreadsheets', () => {
  test('export as XLSX by the name of --output or by --file-type; never to stdout; it imports back recognised by its bytes', async () => {
    const { run } = cliHarness();
    await seedAcme(run);
    const named = path.join(dir, 'sales.xlsx');
    const byName = await run('export', 'acme', '--format', 'data-services', '--team', 'Sales', '--output', named, '--json');
    expect(byName.json()).toEqual({ orgId: 'acme', format: 'data-services', teamId: 'sales', rows: 2, output: named, fileType: 'xlsx' });
    expect(fs.readFileSync(named).subarray(0, 4)).toEqual(Buffer.from([0x50, 0x4b, 0x03, 0x04]));
    const chosen = path.join(dir, 'sales.dat');
    expect((await run('export', 'acme', '--format', 'data-services', '--team', 'Sales', '--output', chosen, '--file-type', 'xlsx')).code).toBe(0);
    expect(fs.readFileSync(chosen).subarray(0, 2).toString()).toBe('PK');
    const back = await run('import', 'acme', chosen, '--format', 'data-services', '--team', 'Sales', '--json');
    expect(back.json()).toMatchObject({ status: 'applied', fileName: 'sales.dat', counts: { unchanged: 2, errors: 0 } });
    const stdout = await run('export', 'acme', '--format', 'data-services', '--file-type', 'xlsx');
    expect(stdout.code).toBe(1);
    expect(stdout.out).toBe('');
    expect(stdout.err).toContain('OUTPUT_REQUIRED');
    const wrong = await run('import', 'acme', chosen, '--format', 'data-services', '--team', 'Sales', '--file-type', 'csv');
    expect(wrong.code).toBe(1);
    expect(wrong.out).toContain('WRONG_FILE_TYPE');
  });

  test('files LibreOffice saved: the mangled CSV lists the repair hint on every line; --match-mangled-ids shows each matched line', async () => {
    const { run } = cliHarness();
    const sheets = spreadsheetOrganization();
    await run('org', 'create', 'sheets', '--name', sheets.name, '--seats', String(sheets.seats), '--time-zone', sheets.timeZone);
    await run('team', 'create', 'sheets', sheets.team);
    for (const l of sheets.learners) {
      const registered = await run('learner', 'register', 'sheets', l.learnerId, '--email', l.email, '--first-name', l.firstName, '--last-name', l.lastName, ...(l.employeeId ? ['--employee-id', l.employeeId] : []), '--team', sheets.team);
      expect(registered.code).toBe(0);
    }
    const mangled = spreadsheetFixture('data-services.libreoffice-mangled.csv');
    const refused = await run('import', 'sheets', mangled, '--format', 'data-services', '--team', sheets.team);
    expect(refused.code).toBe(1);
    expect(refused.out.split('\n').filter((l) => l.startsWith('  error '))).toEqual([
      '  error ID_MANGLED_BY_SPREADSHEET at line 2, column "Learner ID": No learner has this id, but learner "0042" has this e-mail: it looks like a spreadsheet dropped the leading zeros of "0042". Open the export with the Learner ID column as text, or use the XLSX export; or let the import match ids a spreadsheet changed (matchMangledIds, --match-mangled-ids)',
      '  error ID_MANGLED_BY_SPREADSHEET at line 3, column "Learner ID": No learner has this id, but learner "0043" has this e-mail: it looks like a spreadsheet dropped the leading zeros of "0043". Open the export with the Learner ID column as text, or use the XLSX export; or let the import match ids a spreadsheet changed (matchMangledIds, --match-mangled-ids)',
      '  error ID_MANGLED_BY_SPREADSHEET at line 4, column "Learner ID": No learner has this id, but learner "1e5" has this e-mail: it looks like a spreadsheet read "1e5" as a number and wrote it as "1.00E+05". Open the export with the Learner ID column as text, or use the XLSX export; or let the import match ids a spreadsheet changed (matchMangledIds, --match-mangled-ids)',
      '  error ID_MANGLED_BY_SPREADSHEET at line 5, column "Employee ID": The learner\'s Employee ID is "000123": it looks like a spreadsheet dropped the leading zeros of "000123", and the line would change it. Open the export with the Employee ID column as text, or use the XLSX export; or let the import match ids a spreadsheet changed (matchMangledIds, --match-mangled-ids), which keeps "000123"',
    ]);
    const matched = await run('import', 'sheets', mangled, '--format', 'data-services', '--team', sheets.team, '--match-mangled-ids', '--dry-run');
    expect(matched.code).toBe(0);
    expect(matched.out).toMatch(/line 2\s+0042\s+unchanged\s+Learner ID "42" matched to "0042"/);
    expect(matched.out).toMatch(/line 3\s+0043\s+deactivate\s+Learner ID "43" matched to "0043"/);
    expect(matched.out).toMatch(/line 4\s+1e5\s+unchanged\s+Learner ID "1\.00E\+05" matched to "1e5"/);
    expect(matched.out).toMatch(/line 5\s+L001\s+unchanged\s+Employee ID "123" matched to "000123"/);
    // An XLSX export imports back unchanged, ids and all.
    const out = path.join(dir, 'sheets.xlsx');
    expect((await run('export', 'sheets', '--format', 'data-services', '--output', out)).out).toBe(`Exported 4 learners of sheets to ${out} (data-services, XLSX).\n`);
    expect((await run('import', 'sheets', out, '--format', 'data-services', '--team', sheets.team, '--json')).json()).toMatchObject({ status: 'applied', counts: { unchanged: 4, errors: 0 } });
  });

  test('a CSV export warns of ids a spreadsheet would change: on stderr beside CSV on stdout, in the summary of a file, suggesting XLSX', async () => {
    const { run } = cliHarness();
    await seedAcme(run);
    await run('learner', 'register', 'acme', '1e5', '--email', 'kay@acme.test', '--first-name', 'Kay', '--last-name', 'Nygaard', '--employee-id', '12345678901234567', '--team', 'Sales');
    const csv = await run('export', 'acme', '--format', 'data-services', '--team', 'Sales');
    expect(csv.code).toBe(0);
    expect(csv.out.split('\n')[0]).toBe('Learner ID,First Name,Last Name,Email,Employee ID,Teams,Active');
    expect(csv.err.trimEnd().split('\n')).toEqual([
      'learner-ledger: warning (SPREADSHEET_WOULD_CHANGE_IDS): column "Learner ID": 2 Learner IDs that a spreadsheet opening this CSV file would change (leading zeros dropped): "0001", "0002". Export as XLSX instead, or open the file with the Learner ID column as text',
      'learner-ledger: warning (SPREADSHEET_WOULD_CHANGE_IDS): column "Learner ID": 1 Learner ID that a spreadsheet opening this CSV file would change (scientific notation read as a number): "1e5". Export as XLSX instead, or open the file with the Learner ID column as text',
      'learner-ledger: warning (SPREADSHEET_WOULD_CHANGE_IDS): column "Employee ID": 1 Employee ID that a spreadsheet opening this CSV file would change (long numbers shown in scientific notation and kept to 15 digits): "12345678901234567". Export as XLSX instead, or open the file with the Employee ID column as text',
    ]);
    const file = path.join(dir, 'sales.csv');
    const summary = await run('export', 'acme', '--format', 'data-services', '--team', 'Sales', '--output', file);
    expect(summary.err).toBe('');
    expect(summary.out).toContain('warning (SPREADSHEET_WOULD_CHANGE_IDS): column "Employee ID"');
    const xlsx = await run('export', 'acme', '--format', 'data-services', '--team', 'Sales', '--output', path.join(dir, 'sales.xlsx'));
    expect(xlsx.out).not.toContain('warning');
    expect(xlsx.err).toBe('');
  });
});

test('process-due exits 1 naming the file when a queued import cannot be read, and applies it once it can', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'll-cli-queue-'));
  try {
    let now = '2026-03-02T09:10:00.000Z';
    const { run } = cliHarness({ now: () => now });
    await seedAcme(run);
    const file = path.join(dir, 'queued.csv');
    const exported = await run('export', 'acme', '--format', 'data-services', '--team', 'Support', '--json');
    fs.writeFileSync(file, (exported.json().csv as string).replace(/^(0003,.*)TRUE$/m, '$1FALSE'));
    const queued = await run('import', 'acme', file, '--format', 'data-services', '--team', 'Support', '--schedule', 'top-of-hour', '--json');
    expect(queued.json().status).toBe('scheduled');
    fs.renameSync(file, `${file}.away`);
    now = '2026-03-02T10:00:00.000Z';
    const missing = await run('process-due', '--json');
    expect(missing.code).toBe(1);
    expect(missing.err).toContain('queued.csv');
    expect(missing.json().imports).toEqual([expect.objectContaining({ status: 'interrupted', applied: false })]);
    fs.renameSync(`${file}.away`, file);
    const retried = await run('process-due', '--json');
    expect(retried.code).toBe(0);
    expect(retried.json().imports).toEqual([expect.objectContaining({ status: 'applied', applied: true })]);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
