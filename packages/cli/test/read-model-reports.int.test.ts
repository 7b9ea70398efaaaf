import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runCli, type CliIo } from '../src/index.js';

/** Reports over a real SQLite file, in-process, with a clock moved between commands. */
describe('CLI: reports answer from the read models next to the events', () => {
  let dir: string;
  let now = '2026-03-02T15:00:00.000Z';
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'll-cli-read-models-'));
    now = '2026-03-02T15:00:00.000Z';
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const run = async (env: Record<string, string>, ...argv: string[]) => {
    let out = '';
    let err = '';
    const io: CliIo = {
      stdout: (text) => void (out += text),
      stderr: (text) => void (err += text),
      env,
      cwd: dir,
      stderrIsTTY: false,
      clock: () => now,
    };
    const code = await runCli(['--store', path.join(dir, 'ledger.db'), ...argv], io);
    if (code !== 0) throw new Error(`${argv.join(' ')} exited ${code}: ${err}`);
    return { out, json: () => JSON.parse(out) };
  };
  const cli = (...argv: string[]) => run({}, ...argv);
  /** A run on a terminal: what it draws on standard error. */
  const onTerminal = async (...argv: string[]): Promise<string> => {
    let err = '';
    const io: CliIo = { stdout: () => undefined, stderr: (text) => void (err += text), env: {}, cwd: dir, stderrIsTTY: true, clock: () => now };
    const code = await runCli(['--store', path.join(dir, 'ledger.db'), ...argv], io);
    if (code !== 0) throw new Error(`${argv.join(' ')} exited ${code}: ${err}`);
    return err;
  };
  const folding = (...argv: string[]) => run({ LEARNER_LEDGER_READ_MODELS: 'off' }, ...argv);

  const seed = async () => {
    await cli('org', 'create', 'acme', '--name', 'Acme Corp', '--seats', '3', '--time-zone', 'America/Chicago');
    await cli('team', 'create', 'acme', 'Sales');
    for (const [i, id] of ['0001', '0002', '0003'].entries()) {
      now = `2026-03-02T1${6 + i}:00:00.000Z`;
      await cli('learner', 'register', 'acme', id, '--email', `${id}@acme.test`, '--first-name', 'F', '--last-name', 'L', '--team', 'Sales');
    }
    now = '2026-03-03T15:00:00.000Z';
    await cli('learner', 'deactivate', 'acme', '0001', '0002', '--reason', 'left');
    now = '2026-03-04T15:00:00.000Z';
    await cli('learner', 'register', 'acme', '0004', '--email', '0004@acme.test', '--first-name', 'F', '--last-name', 'L');
  };

  test('as-of reports say they came from the read model and up to which position; they equal the fold; a report right after a command sees it', async () => {
    await seed();
    for (const args of [
      ['report', 'licenses', 'acme', '--at', '2026-03-02'],
      ['report', 'licenses', 'acme', '--at', '2026-03-03T10:00'],
      ['report', 'inactive-roster', 'acme', '--at', '2026-03-03'],
      ['report', 'teams', 'acme', '--at', '2026-03-02'],
    ]) {
      const model = (await cli('--json', ...args)).json();
      const { source, position, ...answer } = model;
      expect([args, source, position]).toEqual([args, 'read-model', expect.stringMatching(/^\d+$/)]);
      expect([args, answer]).toEqual([args, (await folding('--json', ...args)).json()]);
    }
    expect((await cli('--json', 'report', 'licenses', 'acme', '--at', '2026-03-02')).json()).toMatchObject({ seats: 3, inUse: 3 });
    const before = (await cli('--json', 'report', 'inactive-roster', 'acme', '--at', '2030-01-01')).json();
    expect(before.learners.map((l: { learnerId: string }) => l.learnerId)).toEqual(['0001', '0002']);
    now = '2026-03-05T15:00:00.000Z';
    await cli('learner', 'deactivate', 'acme', '0003');
    const after = (await cli('--json', 'report', 'inactive-roster', 'acme', '--at', '2030-01-01')).json();
    expect(after.learners.map((l: { learnerId: string }) => l.learnerId)).toEqual(['0001', '0002', '0003']);
    expect(BigInt(after.position)).toBeGreaterThan(BigInt(before.position));
  });

  test('a series gives the count at the end of each day and the peak within it with its instant; the chart draws it', async () => {
    await seed();
    const body = (await cli('--json', 'report', 'licenses', 'acme', '--series', 'day', '--from', '2026-03-01', '--to', '2026-03-04', '--chart', 'march.svg')).json();
    expect(body.source).toBe('read-model');
    expect(body.series.map((p: { inUse: number }) => p.inUse)).toEqual([0, 3, 1, 2]);
    // 3 in use from 17:00 UTC on 2 March (11:00 in Chicago) until the deactivation of 3 March.
    expect(body.peaks).toEqual([
      { inUse: 0, at: '2026-03-01T06:00:00.000Z' },
      { inUse: 3, at: '2026-03-02T18:00:00.000Z' },
      { inUse: 3, at: '2026-03-03T06:00:00.000Z' },
      { inUse: 2, at: '2026-03-04T15:00:00.000Z' },
    ]);
    expect(body).toEqual({ ...(await folding('--json', 'report', 'licenses', 'acme', '--series', 'day', '--from', '2026-03-01', '--to', '2026-03-04')).json(), source: 'read-model', position: body.position, chart: body.chart });
    const svg = fs.readFileSync(path.join(dir, 'march.svg'), 'utf8');
    expect(svg).toContain('Acme Corp');
    expect(svg).toContain('<title>Peak: 3 in use at 2026-03-02 12:00</title>');
    const text = (await cli('report', 'licenses', 'acme', '--series', 'day', '--from', '2026-03-01', '--to', '2026-03-04')).out;
    expect(text).toContain('peak at');
    expect(text).toContain('2026-03-03  3      1       2          3     2026-03-03 00:00');
  });

  test('replay rebuilds the read models too, and reports them apart from the projections', async () => {
    await seed();
    const replay = (await cli('--json', 'replay')).json();
    expect(replay.projections).toHaveLength(6);
    expect(replay.readModels.map((p: { name: string }) => p.name)).toEqual(['license-history', 'inactive-roster-history', 'team-rosters-history']);
    for (const p of replay.readModels) expect(p.checkpoint).toBe(replay.head);
    expect((await cli('--json', 'report', 'licenses', 'acme', '--at', '2026-03-04')).json()).toMatchObject({ inUse: 2, source: 'read-model', position: replay.head });
  });
  test('on a terminal, a report that brings a read model up to date over more than one batch shows how far it has come, then clears the line', async () => {
    await cli('org', 'create', 'acme', '--name', 'Acme Corp', '--seats', '3000');
    await cli('team', 'create', 'acme', 'Sales');
    const rows = Array.from({ length: 2000 }, (_, i) => `${String(i + 1).padStart(4, '0')},F,L,l${i + 1}@acme.test,,,TRUE`);
    fs.writeFileSync(path.join(dir, 'learners.csv'), ['Learner ID,First Name,Last Name,Email,Employee ID,Teams,Active', ...rows].join('\n') + '\n');
    await cli('import', 'acme', path.join(dir, 'learners.csv'), '--format', 'data-services', '--team', 'Sales');
    // About 6,000 events to pass: two batches.
    const drawn = await onTerminal('report', 'licenses', 'acme', '--at', '2026-03-02');
    expect(drawn).toMatch(/Updating the license counts read model \[#*-*\] +\d+% [\d,]+\/[\d,]+/);
    expect(drawn.endsWith('\r\u001b[K')).toBe(true);
    // Current now: nothing to draw; with --json never.
    expect(await onTerminal('report', 'licenses', 'acme', '--at', '2026-03-02')).toBe('');
    await cli('org', 'create', 'globex', '--name', 'Globex', '--seats', '3000');
    await cli('team', 'create', 'globex', 'Sales');
    await cli('import', 'globex', path.join(dir, 'learners.csv'), '--format', 'data-services', '--team', 'Sales');
    expect(await onTerminal('--json', 'report', 'teams', 'acme')).toBe('');
  });
});
