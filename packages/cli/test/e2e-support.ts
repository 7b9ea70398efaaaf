import { execFile, execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** The repository root and the built binary the end-to-end tests run. */
export const ROOT = path.resolve(__dirname, '../../..');
export const BIN = path.join(ROOT, 'packages/cli/dist/src/bin.js');
const TSC = path.join(ROOT, 'node_modules/typescript/bin/tsc');
const LOCK = path.join(os.tmpdir(), 'learner-ledger-cli-build.lock');

const sleep = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

/** The packages the binary runs from (their dist folders). */
const PACKAGES = ['packages/core', 'packages/projections', 'packages/adapters/sqlite', 'packages/adapters/postgres', 'packages/adapters/kurrentdb', 'packages/adapters/csv', 'packages/adapters/scim', 'packages/cli'];

const newestSource = (dir: string): number => {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(full));
    else if (entry.name.endsWith('.ts')) newest = Math.max(newest, fs.statSync(full).mtimeMs);
  }
  return newest;
};

/** True when every package's build is newer than its sources (as after the `tsc -b` that `pnpm test` runs first). */
export const builtAndFresh = (): boolean =>
  fs.existsSync(BIN) &&
  PACKAGES.every((pkg) => {
    const info = path.join(ROOT, pkg, 'dist/tsconfig.tsbuildinfo');
    return fs.existsSync(info) && newestSource(path.join(ROOT, pkg, 'src')) <= fs.statSync(info).mtimeMs;
  });

/**
 * Makes sure the built binary is current: nothing to do when every package's
 * build is newer than its sources, else `tsc -b packages/cli`. Test files run
 * in parallel workers, so builds take turns through a lock directory; a lock
 * older than five minutes is a leftover.
 */
let builtInThisProcess = false;
export const buildCli = (): void => {
  if (builtInThisProcess || builtAndFresh()) {
    builtInThisProcess = true;
    return;
  }
  const deadline = Date.now() + 5 * 60_000;
  for (;;) {
    try {
      fs.mkdirSync(LOCK);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      try {
        if (Date.now() - fs.statSync(LOCK).mtimeMs > 5 * 60_000) fs.rmSync(LOCK, { recursive: true, force: true });
      } catch {
        // removed by its owner meanwhile
      }
      if (Date.now() > deadline) throw new Error(`Timed out waiting for ${LOCK} (remove it if no build is running)`);
      sleep(200);
    }
  }
  try {
    execFileSync(process.execPath, [TSC, '-b', 'packages/cli'], { cwd: ROOT, stdio: 'pipe' });
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: Buffer; stderr?: Buffer };
    throw new Error(`tsc -b packages/cli failed:\n${stdout?.toString() ?? ''}${stderr?.toString() ?? ''}`);
  } finally {
    fs.rmSync(LOCK, { recursive: true, force: true });
  }
  if (!fs.existsSync(BIN)) throw new Error(`${BIN} was not produced by tsc -b packages/cli`);
  builtInThisProcess = true;
};

export interface BinRun {
  readonly code: number;
  readonly out: string;
  readonly err: string;
  json<T = any>(): T;
}

/** Runs `node packages/cli/dist/src/bin.js …args` and collects its output and exit code. */
export const runBin = (args: readonly string[], options: { cwd: string; env?: Record<string, string | undefined>; input?: string }): Promise<BinRun> =>
  new Promise((resolve, reject) => {
    const env: NodeJS.ProcessEnv = { ...process.env, LEARNER_LEDGER_ACTOR: 'e2e@acme.test', ...options.env };
    for (const key of Object.keys(env)) if (env[key] === undefined) delete env[key];
    const child = execFile(process.execPath, [BIN, ...args], { cwd: options.cwd, env, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : undefined) : 0;
      if (code === undefined) {
        reject(new Error(`learner-ledger ${args.join(' ')} did not exit normally: ${String(error)}\n${stderr}`));
        return;
      }
      resolve({
        code,
        out: stdout,
        err: stderr,
        json: () => {
          try {
            return JSON.parse(stdout);
          } catch {
            throw new Error(`stdout of learner-ledger ${args.join(' ')} is not one JSON document:\n${stdout}\nstderr:\n${stderr}`);
          }
        },
      });
    });
    if (options.input !== undefined) child.stdin?.end(options.input);
    else child.stdin?.end();
  });

/** A fresh temporary folder, removed by the returned cleanup. */
export const tempDir = (prefix: string): { dir: string; remove: () => void } => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  return { dir, remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
};

/** The files LibreOffice Calc wrote from exports (the CSV adapter's fixtures, made by scripts/spreadsheet-fixtures.mjs). */
const SPREADSHEET_FIXTURES = path.join(ROOT, 'packages/adapters/csv/test/fixtures/spreadsheet');
export const spreadsheetFixture = (name: string): string => path.join(SPREADSHEET_FIXTURES, name);

/** The organization those files were exported from. */
export const spreadsheetOrganization = (): {
  name: string; seats: number; timeZone: string; team: string;
  learners: { learnerId: string; email: string; firstName: string; lastName: string; employeeId?: string }[];
} => JSON.parse(fs.readFileSync(spreadsheetFixture('organization.json'), 'utf8'));
