import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { BIN, ROOT, buildCli, runBin, tempDir } from './e2e-support.js';

/** Runs a bash command line; `exit ${PIPESTATUS[0]}` makes its code the CLI's, not the reader's. */
const shell = (command: string, cwd: string): Promise<{ code: number; out: string; err: string }> =>
  new Promise((resolve) => {
    execFile('bash', ['-c', command], { cwd, maxBuffer: 64 * 1024 * 1024 }, (error, out, err) => {
      resolve({ code: error ? Number(error.code) : 0, out, err });
    });
  });

const HEADER = 'Learner ID,First Name,Last Name,Email,Employee ID,Teams,Active';

describe('the CLI in a shell', () => {
  let folder: { dir: string; remove: () => void };
  let cli: string;
  beforeAll(async () => {
    buildCli();
    folder = tempDir('learner-ledger-e2e-shell-');
    cli = `node ${JSON.stringify(BIN)} --store ${JSON.stringify(path.join(folder.dir, 'ledger.db'))}`;
    const steps = [
      ['org', 'create', 'big', '--name', 'Big', '--seats', '5000'],
      ['team', 'create', 'big', 'Staff'],
    ];
    for (const args of steps) expect((await runBin(['--store', path.join(folder.dir, 'ledger.db'), ...args], { cwd: folder.dir })).code).toBe(0);
    // 3000 learners: the export (about 150 kB) is larger than a pipe's buffer, so the reader closes it mid-stream.
    const rows = Array.from({ length: 3000 }, (_, i) => `${10000 + i},First,Last${i},learner${i}@big.test,,Staff,TRUE`);
    fs.writeFileSync(path.join(folder.dir, 'staff.csv'), [HEADER, ...rows].join('\n') + '\n');
    const imported = await runBin(['--store', path.join(folder.dir, 'ledger.db'), 'import', 'big', 'staff.csv', '--format', 'data-services', '--team', 'Staff', '--json'], { cwd: folder.dir });
    expect(imported.json()).toMatchObject({ applied: true, counts: { registered: 3000 } });
  }, 240_000);
  afterAll(() => folder?.remove());

  test('export | head -1 prints the header and exits 0, quietly', async () => {
    const result = await shell(`${cli} export big --format data-services | head -1; exit \${PIPESTATUS[0]}`, folder.dir);
    expect(result).toEqual({ code: 0, out: `${HEADER}\n`, err: '' });
  });

  test('report licenses --series day | head -1 prints the first line and exits 0, quietly (text and --json)', async () => {
    const series = `${cli} report licenses big --series day --from 2000-01-01 --to 2026-12-31`;
    const text = await shell(`${series} | head -1; exit \${PIPESTATUS[0]}`, folder.dir);
    expect(text).toEqual({ code: 0, out: 'Licenses of big per day (end of each day, and its peak; UTC):\n', err: '' });
    const json = await shell(`${series} --json | head -c 20; exit \${PIPESTATUS[0]}`, folder.dir);
    expect(json).toEqual({ code: 0, out: '{"orgId":"big","ever', err: '' });
  });

  test('a refusal is still reported on stderr with exit code 1 when the reader of stdout has gone', async () => {
    const result = await shell(`${cli} report licenses nobody --series day --from 2000-01-01 --to 2026-12-31 | head -1; exit \${PIPESTATUS[0]}`, folder.dir);
    expect(result.code).toBe(1);
    expect(result.out).toBe('');
    expect(result.err).toMatch(/^learner-ledger: error \(ORGANIZATION_NOT_FOUND\): /);
  });

  test('a failed write to stdout (a full disk) is one line on stderr and exit code 1', async () => {
    if (!fs.existsSync('/dev/full')) {
      console.warn('/dev/full is not available: the failed-write case is not exercised here');
      return;
    }
    const result = await shell(`${cli} report licenses big --series day --from 2000-01-01 --to 2026-12-31 > /dev/full`, folder.dir);
    expect(result.code).toBe(1);
    expect(result.err).toBe('learner-ledger: error: cannot write to standard output: ENOSPC: no space left on device, write\n');
  });
});

describe('the CLI installed without its optional store packages', () => {
  let folder: { dir: string; remove: () => void };
  let bin: string;
  beforeAll(() => {
    buildCli();
    // node_modules as an install of @learner-ledger/cli alone leaves it: the CLI and what it depends on, no PostgreSQL or KurrentDB package.
    folder = tempDir('learner-ledger-e2e-no-stores-');
    const modules = path.join(folder.dir, 'node_modules');
    const cli = path.join(modules, '@learner-ledger/cli');
    fs.mkdirSync(cli, { recursive: true });
    fs.copyFileSync(path.join(ROOT, 'packages/cli/package.json'), path.join(cli, 'package.json'));
    fs.cpSync(path.join(ROOT, 'packages/cli/dist/src'), path.join(cli, 'dist/src'), { recursive: true });
    const pkg = JSON.parse(fs.readFileSync(path.join(cli, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    for (const name of Object.keys(pkg.dependencies)) {
      fs.mkdirSync(path.dirname(path.join(modules, name)), { recursive: true });
      fs.symlinkSync(fs.realpathSync(path.join(ROOT, 'packages/cli/node_modules', name)), path.join(modules, name));
    }
    bin = path.join(cli, 'dist/src/bin.js');
  }, 240_000);
  afterAll(() => folder?.remove());

  const run = (args: string[]) =>
    new Promise<{ code: number; out: string; err: string }>((resolve) => {
      execFile(process.execPath, [bin, ...args], { cwd: folder.dir }, (error, out, err) => resolve({ code: error ? Number(error.code) : 0, out, err }));
    });

  test('PostgreSQL and KurrentDB stores are refused naming the package to install; SQLite is built in', async () => {
    for (const [store, packageName] of [
      ['postgres://ledger@127.0.0.1:9/ledger', '@learner-ledger/postgres'],
      ['kurrentdb://127.0.0.1:9?tls=false', '@learner-ledger/kurrentdb'],
    ] as const) {
      const result = await run(['--store', store, 'report', 'licenses', 'acme', '--json']);
      expect({ store, code: result.code, error: JSON.parse(result.out).error.code }).toEqual({ store, code: 1, error: 'STORE_PACKAGE_MISSING' });
      expect(result.err).toContain(`needs ${packageName}, which is not installed`);
      expect(result.err).toContain(`npm install @learner-ledger/cli ${packageName}`);
    }
    const sqlite = await run(['--store', path.join(folder.dir, 'demo.db'), 'demo', '--json']);
    expect(sqlite.code).toBe(0);
    expect(sqlite.err).toBe('');
  });
});
