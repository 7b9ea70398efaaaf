#!/usr/bin/env node
/**
 * The consumer test: the packages as a user gets them, not as the workspace
 * links them.
 *
 * 1. Packs every package (`pnpm pack`) and checks each tarball: LICENSE,
 *    README, publish metadata, every import declared and every dependency
 *    imported, no `workspace:` ranges, no tests, source maps that carry their
 *    sources.
 * 2. Installs the tarballs into blank strict pnpm workspaces (`overrides`
 *    pointing at the tarballs, `allowBuilds`, no hoisting): one project per
 *    README, holding exactly the packages that README says to install, the
 *    CLI in a workspace of its own. Each README snippet is type-checked
 *    (`nodenext`) and run, except those that need a PostgreSQL or KurrentDB
 *    server; every package's declarations are type-checked without
 *    skipLibCheck, next to the embedding example, with `nodenext` and
 *    `bundler`; the embedding example's result is checked; the packed CLI runs
 *    `--help`, `--version`, `demo`, and refuses a PostgreSQL store without its
 *    package; the store contract of `@learner-ledger/core/testing` runs under
 *    Jest.
 * 3. Installs the tarballs into a blank npm project (the embedding example,
 *    `nodenext` and `bundler`, run) and the CLI with `npm install -g` into a
 *    prefix (the same CLI checks).
 *
 * better-sqlite3 would compile from source in each install where its
 * prebuilt binaries cannot be downloaded; the binary the workspace built is
 * handed to it as a local prebuild (`npm_config_better_sqlite3_local_prebuilds`,
 * the way a machine without a compiler installs it), and pinned to the
 * workspace's version. The pnpm installs share the workspace's pnpm store.
 *
 * Usage: node scripts/consumer-test.mjs [--keep]   (after a build, `pnpm build`;
 * the consumer projects are kept in a temporary folder with --keep or on failure)
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { check, Failure, must, mustAll, run, step, writeJson } from './consumer-test/support.mjs';
import { inspect, localPrebuild, packAll } from './consumer-test/tarballs.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const PNPM = ['-y', 'pnpm@12.4.2'];
const TSC = path.join(ROOT, 'node_modules/typescript/bin/tsc');
const keep = process.argv.includes('--keep');
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'learner-ledger-consumer-'));
const packs = path.join(work, 'packs');
const started = Date.now();

/** Snippets that open a PostgreSQL or KurrentDB server: type-checked and their imports loaded, not run. */
const NEEDS_SERVER = new Set(['packages/adapters/postgres/README.md', 'packages/adapters/kurrentdb/README.md']);
const READMES = [
  'README.md',
  'packages/core/README.md',
  'packages/projections/README.md',
  'packages/adapters/sqlite/README.md',
  'packages/adapters/postgres/README.md',
  'packages/adapters/kurrentdb/README.md',
  'packages/adapters/csv/README.md',
  'packages/cli/README.md',
];

// ---------------------------------------------------------------------------------------------------------------------
// README snippets and what each says to install

const PACKAGE_NAME = /^(@[a-z0-9-]+\/)?[a-z0-9][a-z0-9._-]*$/;

/** The ```ts snippets of a README that are whole modules, each with the packages of the nearest `npm install` before it. */
const snippetsOf = (readme) => {
  const text = fs.readFileSync(path.join(ROOT, readme), 'utf8');
  const blocks = [...text.matchAll(/^```(\w*)\n([\s\S]*?)^```$/gm)].map((m) => ({ lang: m[1], code: m[2] }));
  const found = [];
  let install;
  for (const { lang, code } of blocks) {
    if (lang === 'sh') {
      for (const line of code.split('\n')) {
        const words = line.replace(/#.*/, '').trim().split(/\s+/);
        if (words[0] !== 'npm' || words[1] !== 'install') continue;
        const names = words.slice(2).filter((w) => !w.startsWith('-') && PACKAGE_NAME.test(w));
        if (names.length > 0) install = names;
      }
    } else if (lang === 'ts' && /^import /.test(code.trimStart())) {
      check(install !== undefined, `${readme}: a snippet without an npm install line before it`);
      found.push({ code, install });
    }
  }
  return found;
};

const tsconfig = (extra) => ({
  compilerOptions: { target: 'ES2022', lib: ['ES2022'], strict: true, skipLibCheck: false, types: ['node'], rootDir: '.', outDir: 'dist', ...extra },
  include: ['*.ts'],
});
/** What the snippets use is checked against the packages' declarations; the declarations themselves are checked once, in the types project. */
const SNIPPET = { skipLibCheck: true };
const NODENEXT = { module: 'nodenext', moduleResolution: 'nodenext' };
const BUNDLER = { module: 'preserve', moduleResolution: 'bundler', noEmit: true };

/** Calls the embedding example's `main()` and checks what it reports. */
const EMBEDDING_CHECK = `
import assert from 'node:assert/strict';
const { main } = await import('./dist/snippet-1.js');
const { licenses, roster } = await main();
assert.equal(licenses._tag, 'Right', JSON.stringify(licenses));
assert.deepEqual({ seats: licenses.right.seats, inUse: licenses.right.inUse }, { seats: 50, inUse: 0 });
assert.deepEqual(roster.right.learners.map((l) => [l.learnerId, l.channel]), [['0042', 'learner-profile']]);
`;

const versionOf = (tarballs, name) => tarballs.get(name)?.version;
const overridesFor = (tarballs, sqliteVersion) => ({
  ...Object.fromEntries([...tarballs].map(([name, { file }]) => [name, `file:${file}`])),
  'better-sqlite3': sqliteVersion,
});

// ---------------------------------------------------------------------------------------------------------------------
// The blank pnpm workspaces

const pnpmConsumer = async (tarballs, sqlite) => {
  const root = path.join(work, 'pnpm');
  // The CLI gets a workspace of its own: pnpm would hand it the PostgreSQL and KurrentDB packages other projects install.
  const cliRoot = path.join(work, 'pnpm-cli');
  const projects = [];
  for (const readme of READMES) {
    const snippets = snippetsOf(readme);
    if (snippets.length === 0) continue;
    const byInstall = new Map();
    for (const s of snippets) {
      const key = s.install.join(' ');
      if (!byInstall.has(key)) byInstall.set(key, []);
      byInstall.get(key).push(s);
    }
    let n = 0;
    for (const [, group] of byInstall) {
      const name = `readme-${readme === 'README.md' ? 'root' : path.basename(path.dirname(readme))}${n++ > 0 ? `-${n}` : ''}`;
      const dir = path.join(group[0].install.includes('@learner-ledger/cli') ? cliRoot : root, name);
      const dependencies = Object.fromEntries(group[0].install.map((dep) => [dep, versionOf(tarballs, dep) ?? (dep === 'fp-ts' ? '^2.16.11' : 'latest')]));
      writeJson(path.join(dir, 'package.json'), { name, private: true, type: 'module', dependencies, devDependencies: { '@types/node': '^20.19.0' } });
      group.forEach((s, i) => fs.writeFileSync(path.join(dir, `snippet-${i + 1}.ts`), s.code));
      writeJson(path.join(dir, 'tsconfig.json'), tsconfig({ ...NODENEXT, ...SNIPPET }));
      projects.push({ readme, name, dir, install: group[0].install, snippets: group.length });
    }
  }
  // Every package's declarations, checked without skipLibCheck (an import a declaration makes that the package does not
  // declare fails here), next to the embedding example, with moduleResolution nodenext and bundler.
  const types = path.join(root, 'types');
  const [embeddingSnippet] = snippetsOf('README.md');
  const entries = [...tarballs.keys(), '@learner-ledger/core/testing', '@learner-ledger/projections/testing'];
  writeJson(path.join(types, 'package.json'), {
    name: 'types',
    private: true,
    type: 'module',
    dependencies: { ...Object.fromEntries([...tarballs].map(([name, { version }]) => [name, version])), 'fp-ts': '^2.16.11' },
    devDependencies: { '@types/node': '^20.19.0' },
  });
  fs.writeFileSync(path.join(types, 'embedding.ts'), embeddingSnippet.code);
  fs.writeFileSync(path.join(types, 'entries.ts'), entries.map((entry, i) => `export type * as entry${i} from '${entry}';\n`).join(''));
  writeJson(path.join(types, 'tsconfig.json'), tsconfig({ ...NODENEXT, noEmit: true }));
  writeJson(path.join(types, 'tsconfig.bundler.json'), tsconfig(BUNDLER));
  // The test kit's contract suite, under Jest in its ESM mode.
  const kit = path.join(root, 'testing-kit');
  writeJson(path.join(kit, 'package.json'), {
    name: 'testing-kit',
    private: true,
    type: 'module',
    dependencies: { '@learner-ledger/core': versionOf(tarballs, '@learner-ledger/core'), 'fp-ts': '^2.16.11' },
    devDependencies: { jest: '30.5.2' },
    jest: { testEnvironment: 'node', transform: {} },
  });
  fs.writeFileSync(
    path.join(kit, 'contract.test.js'),
    "import { InMemoryEventStore } from '@learner-ledger/core';\nimport { describeEventStoreContract } from '@learner-ledger/core/testing';\n\ndescribeEventStoreContract('in-memory, from the packed tarball', async () => ({ store: new InMemoryEventStore() }));\n",
  );
  const yaml = [
    'packages:',
    "  - '*'",
    // No hidden hoisting either: a package sees only what it declares (and the CLI does not find another project's store).
    'hoist: false',
    'overrides:',
    ...Object.entries(overridesFor(tarballs, sqlite.version)).map(([k, v]) => `  '${k}': '${v}'`),
    'allowBuilds:',
    '  better-sqlite3: true',
    '  protobufjs: false',
    // Jest's optional file watcher and resolver, for the testing-kit project
    "  '@parcel/watcher': false",
    '  unrs-resolver: false',
    '',
  ].join('\n');
  for (const dir of [root, cliRoot]) {
    fs.writeFileSync(path.join(dir, 'pnpm-workspace.yaml'), yaml);
    writeJson(path.join(dir, 'package.json'), { name: path.basename(dir), private: true });
  }

  await step('pnpm: install the tarballs into two blank strict workspaces (libraries, CLI)', () => {
    for (const dir of [root, cliRoot]) must('npx', [...PNPM, 'install', '--prefer-offline'], { cwd: dir, env: sqlite.env });
  });

  await step(`pnpm: type-check the README snippets (nodenext) in ${projects.length} projects holding only what their README installs, and every package's declarations (nodenext, bundler)`, () =>
    mustAll([
      [process.execPath, [TSC, '-p', path.join(types, 'tsconfig.json')], { cwd: types }],
      [process.execPath, [TSC, '-p', path.join(types, 'tsconfig.bundler.json')], { cwd: types }],
      ...projects.map((p) => [process.execPath, [TSC, '-p', p.dir], { cwd: p.dir }]),
    ]),
  );
  await step('pnpm: every installed package loads, and the snippets run (those without a server)', () => {
    for (const p of projects) {
      const imports = p.install.map((dep) => `await import(${JSON.stringify(dep === 'fp-ts' ? 'fp-ts/lib/Either.js' : dep)});`).join('\n');
      must(process.execPath, ['--input-type=module', '-e', imports], { cwd: p.dir });
      if (NEEDS_SERVER.has(p.readme)) continue;
      for (let i = 1; i <= p.snippets; i++) must(process.execPath, [path.join(p.dir, 'dist', `snippet-${i}.js`)], { cwd: p.dir });
    }
  });
  const embedding = projects.find((p) => p.readme === 'README.md');
  check(embedding !== undefined, 'the root README has no embedding example');
  await step('pnpm: the embedding example reports the deactivation', () => must(process.execPath, ['--input-type=module', '-e', EMBEDDING_CHECK], { cwd: embedding.dir }));
  const cli = projects.find((p) => p.install.includes('@learner-ledger/cli'));
  check(cli !== undefined, 'no README installs @learner-ledger/cli');
  await step('pnpm: the packed CLI: --help, --version, demo, and a PostgreSQL store without its package', () => checkCli(path.join(cli.dir, 'node_modules/.bin/learner-ledger'), cli.dir, tarballs));
  await step('pnpm: the store contract of @learner-ledger/core/testing runs under Jest (ESM mode)', () => {
    const result = must(process.execPath, ['--experimental-vm-modules', path.join(kit, 'node_modules/jest/bin/jest.js'), '--ci'], { cwd: kit });
    check(/Tests:\s+\d+ passed, \d+ total/.test(result.err) && !/failed/.test(result.err), `jest:\n${result.err}`);
  });
};

/** The CLI as installed: help, version, the demo on SQLite, and the message for a store package that is not installed. */
const checkCli = (bin, cwd, tarballs) => {
  const help = must(bin, ['--help'], { cwd });
  check(help.out.includes('Usage: learner-ledger'), `--help printed:\n${help.out}`);
  const version = must(bin, ['--version'], { cwd });
  check(version.out === `${versionOf(tarballs, '@learner-ledger/cli')}\n`, `--version printed ${JSON.stringify(version.out)}`);
  const demo = must(bin, ['demo', '--store', path.join(cwd, 'demo.db'), '--fresh', '--json'], { cwd });
  check(JSON.parse(demo.out).steps?.length > 0 && demo.err === '', `demo printed:\n${demo.out}\n${demo.err}`);
  const postgres = run(bin, ['--store', 'postgres://ledger@127.0.0.1:9/ledger', 'report', 'licenses', 'acme'], { cwd });
  check(postgres.code === 1 && postgres.err.includes('STORE_PACKAGE_MISSING') && postgres.err.includes('npm install @learner-ledger/cli @learner-ledger/postgres'), `a PostgreSQL store without its package:\n${postgres.err}`);
};

// ---------------------------------------------------------------------------------------------------------------------
// The blank npm project and a global npm install of the CLI

const npmConsumer = async (tarballs, sqlite) => {
  const dir = path.join(work, 'npm');
  const [embedding] = snippetsOf('README.md');
  const dependencies = Object.fromEntries(embedding.install.map((dep) => [dep, tarballs.has(dep) ? `file:${tarballs.get(dep).file}` : '^2.16.11']));
  writeJson(path.join(dir, 'package.json'), {
    name: 'consumer',
    private: true,
    type: 'module',
    dependencies,
    devDependencies: { '@types/node': '^20.19.0' },
    overrides: { 'better-sqlite3': sqlite.version },
    allowScripts: { 'better-sqlite3': true },
  });
  fs.writeFileSync(path.join(dir, 'snippet-1.ts'), embedding.code);
  writeJson(path.join(dir, 'tsconfig.json'), tsconfig(NODENEXT));
  writeJson(path.join(dir, 'tsconfig.bundler.json'), tsconfig({ ...BUNDLER, ...SNIPPET }));
  const npm = ['--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'];
  await step('npm: install the tarballs into a blank project', () => must('npm', ['install', ...npm], { cwd: dir, env: sqlite.env }));
  await step('npm: the embedding example type-checks (nodenext, bundler) and reports the deactivation', async () => {
    await mustAll([
      [process.execPath, [TSC, '-p', dir], { cwd: dir }],
      [process.execPath, [TSC, '-p', path.join(dir, 'tsconfig.bundler.json')], { cwd: dir }],
    ]);
    must(process.execPath, ['--input-type=module', '-e', EMBEDDING_CHECK], { cwd: dir });
  });
  const prefix = path.join(work, 'npm-global');
  const cliTarballs = ['core', 'projections', 'sqlite', 'csv', 'scim', 'cli'].map((n) => tarballs.get(`@learner-ledger/${n}`).file);
  await step('npm: install -g the CLI from its tarballs', () => must('npm', ['install', '-g', '--prefix', prefix, '--allow-scripts=better-sqlite3', ...npm, ...cliTarballs], { cwd: work, env: sqlite.env }));
  await step('npm: the globally installed CLI: --help, --version, demo, and a PostgreSQL store without its package', () => checkCli(path.join(prefix, 'bin/learner-ledger'), work, tarballs));
};

// ---------------------------------------------------------------------------------------------------------------------

try {
  const tarballs = await step('pack every package', () => packAll(ROOT, packs));
  const maps = await step('tarballs: LICENSE, README, publish metadata, dependencies declared and used, no workspace ranges, no tests', () => inspect(ROOT, work, tarballs));
  console.log(`  ${maps} source maps, each with its sources`);
  const sqlite = localPrebuild(ROOT, work);
  await pnpmConsumer(tarballs, sqlite);
  await npmConsumer(tarballs, sqlite);
  console.log(`consumer test passed in ${((Date.now() - started) / 1000).toFixed(0)} s`);
} catch (error) {
  console.error(error instanceof Failure ? `✗ ${error.message}` : error);
  console.error(`(the consumer projects are kept in ${work})`);
  process.exitCode = 1;
} finally {
  if (!keep && process.exitCode !== 1) fs.rmSync(work, { recursive: true, force: true });
  else if (keep) console.log(`kept: ${work}`);
}
