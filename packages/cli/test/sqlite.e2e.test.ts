import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { BIN, buildCli, runBin, tempDir } from './e2e-support.js';
import { describeCliEndToEnd } from './e2e-suite.js';

describeCliEndToEnd('SQLite', async () => {
  const folder = tempDir('learner-ledger-e2e-sqlite-');
  return { location: `sqlite:${path.join(folder.dir, 'ledger.db')}`, dispose: folder.remove };
});

describe('store selection: SQLite specifics and unreachable servers', () => {
  let folder: { dir: string; remove: () => void };
  beforeAll(() => {
    buildCli();
    folder = tempDir('learner-ledger-e2e-sqlite-default-');
  }, 240_000);
  afterAll(() => folder?.remove());

  test('without --store or LEARNER_LEDGER_STORE the store is ./learner-ledger.db; demo --fresh starts over', async () => {
    const env = { LEARNER_LEDGER_STORE: undefined };
    const first = await runBin(['demo'], { cwd: folder.dir, env });
    expect(first.code).toBe(0);
    expect(first.out).toContain(`SQLite file ${path.join(folder.dir, 'learner-ledger.db')}`);
    expect(first.out).toContain('Licenses: 5 of 20 in use, 15 available');
    expect(fs.existsSync(path.join(folder.dir, 'learner-ledger.db'))).toBe(true);
    expect((await runBin(['demo'], { cwd: folder.dir, env })).code).toBe(1);
    const fresh = await runBin(['demo', '--fresh', '--json'], { cwd: folder.dir, env });
    expect(fresh.code).toBe(0);
    expect(fresh.json().steps).toHaveLength(5);
  });

  test('a command other than org create or demo does not create a missing SQLite file', async () => {
    const missing = path.join(folder.dir, 'typo.db');
    const result = await runBin(['--store', missing, 'report', 'licenses', 'acme', '--json'], { cwd: folder.dir });
    expect(result.code).toBe(1);
    expect(result.json().error.code).toBe('STORE_NOT_FOUND');
    expect(fs.existsSync(missing)).toBe(false);
    expect((await runBin(['--store', missing, 'learner', 'deactivate', 'acme', '0001'], { cwd: folder.dir })).code).toBe(1);
    expect(fs.existsSync(missing)).toBe(false);
  });

  test('on a terminal (a pseudo-terminal from script(1)) replay draws a progress bar; with --json it does not', async () => {
    if (spawnSync('script', ['--version']).status !== 0) {
      console.warn('script(1) is not available: the terminal progress bar is covered by the unit tests only');
      return;
    }
    const db = path.join(folder.dir, 'tty.db');
    expect((await runBin(['--store', db, 'demo', '--org', 'tty'], { cwd: folder.dir })).code).toBe(0);
    const inTerminal = (args: string) =>
      spawnSync('script', ['-qec', `"${process.execPath}" "${BIN}" --store "${db}" ${args}`, '/dev/null'], { encoding: 'utf8', cwd: folder.dir }).stdout;
    expect(inTerminal('replay')).toMatch(/Replaying events \[#+\] 100% \d+\/\d+/);
    const json = inTerminal('replay --json');
    expect(json).not.toContain('Replaying');
    expect(JSON.parse(json.trim()).persisted).toBe(true);
  });

  test('a file that is not a SQLite database is refused with exit code 1 and left alone', async () => {
    const notADb = path.join(folder.dir, 'notes.txt');
    fs.writeFileSync(notADb, 'not a database\n');
    const result = await runBin(['--store', notADb, 'report', 'licenses', 'acme', '--json'], { cwd: folder.dir });
    expect(result.code).toBe(1);
    expect(result.json().error.code).toBe('STORE_UNAVAILABLE');
    expect(fs.readFileSync(notADb, 'utf8')).toBe('not a database\n');
  });

  test('an unreachable PostgreSQL or KurrentDB server ends with exit code 1 and a message naming it', async () => {
    for (const location of ['postgres://postgres@127.0.0.1:1/ledger', 'kurrentdb://127.0.0.1:1?tls=false']) {
      const result = await runBin(['--store', location, 'report', 'licenses', 'acme', '--json'], { cwd: folder.dir });
      expect({ location, code: result.code }).toEqual({ location, code: 1 });
      expect(result.json().error.code).toBe('STORE_UNAVAILABLE');
      expect(result.err).toContain('127.0.0.1:1');
    }
  });
});
