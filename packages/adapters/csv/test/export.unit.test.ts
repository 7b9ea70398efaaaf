import { PassThrough } from 'node:stream';
import { exportLearners, ExportError, importLearners, neutraliseCell, restoreCell } from '../src/index.js';
import { eventCount, exportText, fixtureOrganization, NOW, run, stateOf, textInput } from './helpers.js';

test('neutralisation prefixes formula starts and is undone exactly by the import', () => {
  const cases: [string, string][] = [
    ['=SUM(A1)', "'=SUM(A1)"],
    ['+1', "'+1"],
    ['-42', "'-42"],
    ['@cmd', "'@cmd"],
    ['\tx', "'\tx"],
    ['\rx', "'\rx"],
    ["'=x", "''=x"],
    ["''@x", "'''@x"],
    ["O'Brien", "O'Brien"],
    ["'quoted'", "'quoted'"],
    ['plain', 'plain'],
    ['', ''],
  ];
  for (const [value, exported] of cases) {
    expect(neutraliseCell(value)).toBe(exported);
    expect(restoreCell(neutraliseCell(value))).toBe(value);
  }
});

test('Data Services export of an organization and of one team', async () => {
  const ledger = await fixtureOrganization();
  await run(ledger, { type: 'RegisterLearner', orgId: 'acme', learnerId: '0042', email: '-x@acme.test', firstName: '=HYPERLINK("http://evil.test")', lastName: 'Smith, "Jr"', employeeId: '007', teams: ['sales', 'support'] });
  const all = await exportText(ledger, { orgId: 'acme', format: 'data-services' });
  const lines = all.trimEnd().split('\n');
  expect(lines[0]).toBe('Learner ID,First Name,Last Name,Email,Employee ID,Teams,Active');
  expect(lines).toContain('1001,First1001,Last1001,l1001@acme.test,E1001,Sales,TRUE');
  expect(lines).toContain('3001,First3001,Last3001,l3001@acme.test,E3001,Inactive Learners,FALSE');
  expect(lines).toContain(`0042,"'=HYPERLINK(""http://evil.test"")","Smith, ""Jr""",'-x@acme.test,007,Sales;Support,TRUE`);
  expect(lines).toHaveLength(1 + 25);
  const support = await exportText(ledger, { orgId: 'acme', format: 'learner-page', team: 'SUPPORT', eol: '\r\n', bom: true });
  expect(support.startsWith('\ufeffLearner ID,First Name,Last Name,Email Address,Employee ID,Team,Active\r\n')).toBe(true);
  expect(support.trimEnd().split('\r\n').slice(1).map((l) => l.split(',')[0])).toEqual(['2001', '2002', '2003', '0042']);
  expect(support).toContain(`,Support,TRUE\r\n`);
});

test('an export re-imported unchanged changes nothing; edited only in Active it imports exactly those changes', async () => {
  const ledger = await fixtureOrganization();
  const exported = await exportText(ledger, { orgId: 'acme', format: 'data-services', team: 'Sales' });
  const same = await importLearners(ledger, { orgId: 'acme', input: textInput(exported), targetTeam: 'Sales', now: NOW, fileName: 'same.csv' });
  expect(same.counts).toMatchObject({ unchanged: 20, deactivated: 0, registered: 0, updated: 0, errors: 0 });
  const edited = exported.replace('1004,First1004,Last1004,l1004@acme.test,E1004,Sales,TRUE', '1004,First1004,Last1004,l1004@acme.test,E1004,Sales,FALSE');
  const report = await importLearners(ledger, { orgId: 'acme', input: textInput(edited), targetTeam: 'Sales', now: NOW, fileName: 'edited.csv' });
  expect(report.lines.filter((l) => l.action !== 'unchanged')).toEqual([{ line: 5, learnerId: '1004', action: 'deactivate' }]);
  // The edited file again (other options, so another import), once the learner is inactive and its Teams still say Sales: nothing to do.
  const again = await importLearners(ledger, { orgId: 'acme', input: textInput(edited), targetTeam: 'Sales', now: NOW, fileName: 'edited.csv', partial: true });
  expect(again).toMatchObject({ status: 'applied', counts: { unchanged: 20, deactivated: 0, errors: 0 } });
  const reexport = await exportText(ledger, { orgId: 'acme', format: 'data-services' });
  const head = await eventCount(ledger.store);
  const plan = await importLearners(ledger, { orgId: 'acme', input: textInput(reexport), targetTeam: 'Sales', now: NOW, dryRun: true });
  expect(plan.counts).toMatchObject({ unchanged: 24, errors: 0 });
  expect(await eventCount(ledger.store)).toBe(head);
  expect((await stateOf(ledger)).learners.get('1004')).toMatchObject({ status: 'inactive', teams: ['inactive-learners'] });
});

test('export refuses an unknown organization or team', async () => {
  const ledger = await fixtureOrganization();
  await expect(exportLearners(ledger, { orgId: 'nobody', format: 'data-services', output: new PassThrough() })).rejects.toBeInstanceOf(ExportError);
  await expect(exportLearners(ledger, { orgId: 'acme', format: 'data-services', team: 'Marketing', output: new PassThrough() })).rejects.toMatchObject({ code: 'UNKNOWN_TEAM' });
});

test('export streams with backpressure into a slow writer', async () => {
  const ledger = await fixtureOrganization();
  await run(ledger, { type: 'ResizeLicensePool', orgId: 'acme', seats: 3000 });
  for (let i = 0; i < 2000; i++) await run(ledger, { type: 'RegisterLearner', orgId: 'acme', learnerId: `x${i}`, email: `x${i}@acme.test`, firstName: 'X'.repeat(100), lastName: 'Y', teams: ['r-d'] });
  const output = new PassThrough({ highWaterMark: 1024 });
  let bytes = 0;
  const reading = (async () => {
    for await (const chunk of output) {
      bytes += (chunk as Buffer).length;
      await new Promise((resolve) => setImmediate(resolve));
    }
  })();
  const result = await exportLearners(ledger, { orgId: 'acme', format: 'data-services', team: 'R&D', output });
  await reading;
  expect(result).toEqual({ rows: 2000, format: 'data-services', teamId: 'r-d' });
  expect(bytes).toBeGreaterThan(2000 * 100);
});
