import * as fs from 'node:fs';
import * as path from 'node:path';
import { CLI_VERSION, CliError, importStorePackage, OPTIONAL_STORE_PACKAGES } from '../src/index.js';
import { cliHarness } from './harness.js';

test('--version (and -V) prints the version of the package; with --json one JSON document', async () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'package.json'), 'utf8')) as { version: string };
  expect(CLI_VERSION).toBe(pkg.version);
  const { run } = cliHarness();
  for (const flag of ['--version', '-V']) {
    const result = await run(flag);
    expect({ code: result.code, out: result.out, err: result.err }).toEqual({ code: 0, out: `${pkg.version}\n`, err: '' });
  }
  const json = await run('--json', '--version');
  expect(json.code).toBe(0);
  expect(json.json()).toEqual({ version: pkg.version });
});

describe('stores shipped as separate packages', () => {
  // A name nothing installs, so the import really fails the way a missing package does.
  const notInstalled = '@learner-ledger/store-that-is-not-installed';

  test('a store package that is not installed is refused with STORE_PACKAGE_MISSING, naming the package and how to install it', async () => {
    const attempt = importStorePackage({ store: 'PostgreSQL', packageName: notInstalled }, () => import(notInstalled));
    await expect(attempt).rejects.toBeInstanceOf(CliError);
    await expect(attempt).rejects.toMatchObject({ code: 'STORE_PACKAGE_MISSING', exitCode: 1 });
    const message = ((await attempt.catch((error: unknown) => error)) as Error).message;
    expect(message).toContain(`The PostgreSQL store needs ${notInstalled}, which is not installed`);
    expect(message).toContain(`npm install @learner-ledger/cli ${notInstalled}`);
  });

  test('a module missing inside an installed store package is reported as it is, not as the store package missing', async () => {
    const attempt = importStorePackage(OPTIONAL_STORE_PACKAGES.postgres, () => import(notInstalled));
    const error = (await attempt.catch((e: unknown) => e)) as Error & { code?: string };
    expect(error).not.toBeInstanceOf(CliError);
    expect(error.message).toContain(notInstalled);
  });

  test('installed store packages load (the workspace has both)', async () => {
    const postgres = await importStorePackage(OPTIONAL_STORE_PACKAGES.postgres, () => import('@learner-ledger/postgres'));
    const kurrentdb = await importStorePackage(OPTIONAL_STORE_PACKAGES.kurrentdb, () => import('@learner-ledger/kurrentdb'));
    expect(typeof postgres.openPostgresEventStore).toBe('function');
    expect(typeof kurrentdb.openKurrentDbEventStore).toBe('function');
  });
});
