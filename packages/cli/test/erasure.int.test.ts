import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { openSqliteEventStore } from '@learner-ledger/sqlite';
import { runCli, type CliIo } from '../src/index.js';

/**
 * `learner erase` end to end on a SQLite file: the learner's name and e-mail
 * are gone from every report, export, audit trail and table row, every
 * number is what it was, the chain verifies, and an import naming the
 * learner is refused.
 */
let dir: string;
let now = '2026-03-02T09:00:00.000Z';
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'll-cli-erase-'));
  now = '2026-03-02T09:00:00.000Z';
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const run = async (...argv: string[]) => {
  let out = '';
  let err = '';
  const io: CliIo = { stdout: (text) => void (out += text), stderr: (text) => void (err += text), env: {}, cwd: dir, clock: () => now };
  const code = await runCli([...argv, '--store', path.join(dir, 'ledger.db')], io);
  return { code, out, err, json: () => JSON.parse(out) };
};
const ok = async (...argv: string[]) => {
  const result = await run(...argv);
  if (result.code !== 0) throw new Error(`${argv.join(' ')} failed (${result.code}): ${result.err}`);
  return result;
};
/** Every row of every table of the file, read on a connection of its own (blobs as latin1). */
const fileRows = async (): Promise<string> => {
  const store = await openSqliteEventStore({ path: path.join(dir, 'ledger.db'), readonly: true });
  try {
    const db = store.database;
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all() as string[];
    return tables.map((table) => JSON.stringify(db.prepare(`SELECT * FROM "${table}"`).all(), (_k, v: unknown) => (Buffer.isBuffer(v) ? v.toString('latin1') : v))).join('\n');
  } finally {
    await store.close();
  }
};
const PERSONAL = ['ada@acme.test', 'Lovelace', 'EMP-1815'];

test('learner erase: gone from every report, export, audit line and table row; every number kept; the chain verifies; imports naming the learner refused', async () => {
  await ok('org', 'create', 'acme', '--name', 'Acme Corp', '--seats', '5', '--time-zone', 'America/Chicago');
  await ok('team', 'create', 'acme', 'Sales');
  await ok('learner', 'register', 'acme', '0001', '--email', 'ada@acme.test', '--first-name', 'Ada', '--last-name', 'Lovelace', '--employee-id', 'EMP-1815', '--team', 'Sales');
  await ok('learner', 'register', 'acme', '0002', '--email', 'alan@acme.test', '--first-name', 'Alan', '--last-name', 'Turing', '--team', 'Sales');
  await ok('learner', 'deactivate', 'acme', '0001', '--reason', 'left');
  await ok('org', 'retention', 'acme', '30');
  await ok('replay');
  expect(await fileRows()).toContain('ada@acme.test');

  now = '2026-03-20T09:00:00.000Z';
  const early = await run('learner', 'erase', 'acme', '0001', '--reason', 'asked to be forgotten', '--json');
  expect(early.code).toBe(1);
  expect(early.json().error.code).toBe('RETENTION_PERIOD_NOT_OVER');
  const active = await run('learner', 'erase', 'acme', '0002', '--reason', 'x', '--json');
  expect(active.json().error.code).toBe('LEARNER_STILL_ACTIVE');

  now = '2026-04-02T09:00:00.000Z';
  // The numbers, not the log position the read model answered at (the erasure moved the log on).
  const withoutPosition = ({ position: _position, ...rest }: Record<string, unknown>) => rest;
  const reports = async () => ({
    licenses: withoutPosition((await ok('report', 'licenses', 'acme', '--at', '2026-03-03', '--json')).json()),
    licensesNow: withoutPosition((await ok('report', 'licenses', 'acme', '--json')).json()),
    inactive: (await ok('report', 'inactive-roster', 'acme', '--json')).json().learners,
    teams: (await ok('report', 'teams', 'acme', '--json')).json().teams,
  });
  const before = await reports();
  const trailBefore = (await ok('audit', 'learner', 'acme', '0001', '--json')).json().entries;

  const erased = await ok('learner', 'erase', 'acme', '0001', '--reason', 'asked to be forgotten', '--json');
  expect(erased.json()).toMatchObject({ orgId: 'acme', learnerId: '0001', status: 'applied' });
  expect(await reports()).toEqual(before);

  const trail = (await ok('audit', 'learner', 'acme', '0001', '--json')).json().entries as { type: string; actor: unknown; channel: string }[];
  expect(trail.slice(0, -1).map((e) => [e.type, e.actor, e.channel])).toEqual(trailBefore.map((e: { type: string; actor: unknown; channel: string }) => [e.type, e.actor, e.channel]));
  expect(trail.at(-1)).toMatchObject({ type: 'LearnerPersonalDataErased', channel: 'api' });
  const exported = await ok('export', 'acme', '--format', 'data-services');
  expect(exported.out).toContain('0001,[erased],[erased],[erased],[erased]');
  expect(exported.out).toContain('alan@acme.test');
  const outputs = [JSON.stringify(trail), exported.out, JSON.stringify(await reports()), (await ok('report', 'anomalies', 'acme', '--json')).out];
  for (const value of PERSONAL) for (const output of outputs) expect(output).not.toContain(value);
  const rows = await fileRows();
  for (const value of PERSONAL) expect(rows).not.toContain(value);
  expect(rows).toContain('alan@acme.test');

  const verify = await run('audit', 'verify', 'acme', '--json');
  expect(verify.code).toBe(0);

  const csv = path.join(dir, 'back.csv');
  fs.writeFileSync(csv, 'Learner ID,First Name,Last Name,Email,Employee ID,Teams,Active\n0001,Ada,Lovelace,ada@acme.test,,Sales,TRUE\n');
  const imported = await run('import', 'acme', csv, '--format', 'data-services', '--team', 'Sales', '--json');
  expect(imported.code).toBe(1);
  expect(imported.json().lines).toEqual([expect.objectContaining({ line: 2, action: 'error', error: expect.objectContaining({ code: 'LEARNER_ERASED' }) })]);
  expect(imported.err).toContain('back.csv:2');

  const again = await ok('learner', 'erase', 'acme', '0001', '--reason', 'asked to be forgotten', '--json');
  expect(again.json().status).toBe('already-erased');
});
