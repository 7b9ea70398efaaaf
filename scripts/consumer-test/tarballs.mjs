/** The packed packages: packing, what each tarball must hold, and better-sqlite3's binary as a local prebuild. */
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { check, files, must } from './support.mjs';

const PNPM = ['-y', 'pnpm@12.4.2'];

const workspacePackages = (ROOT) => {
  const dirs = ['packages', 'packages/adapters'].flatMap((parent) =>
    fs.readdirSync(path.join(ROOT, parent)).map((name) => path.join(parent, name)).filter((dir) => fs.existsSync(path.join(ROOT, dir, 'package.json'))),
  );
  return dirs.map((dir) => ({ dir, manifest: JSON.parse(fs.readFileSync(path.join(ROOT, dir, 'package.json'), 'utf8')) })).filter((p) => !p.manifest.private);
};

/** Packs every package of the workspace into `packs`; the tarballs by package name. */
export const packAll = (ROOT, packs) => {
  must('npx', [...PNPM, '-r', '--filter', './packages/**', 'pack', '--pack-destination', packs], { cwd: ROOT });
  const tarballs = new Map();
  for (const { dir, manifest } of workspacePackages(ROOT)) {
    const file = path.join(packs, `${manifest.name.replace(/^@/, '').replace('/', '-')}-${manifest.version}.tgz`);
    check(fs.existsSync(file), `${manifest.name}: no tarball ${file}`);
    tarballs.set(manifest.name, { file, dir, version: manifest.version });
  }
  check(tarballs.size === 8, `expected 8 packages, packed ${tarballs.size}`);
  return tarballs;
};

/** The packages a file imports, statically, dynamically or in a type (TypeScript's own scan), Node's own modules aside. */
const importsOf = (ts, source) =>
  ts
    .preProcessFile(source, true, true)
    .importedFiles.map((f) => f.fileName)
    .filter((spec) => !spec.startsWith('.') && !spec.startsWith('node:'))
    .map((spec) => spec.split('/').slice(0, spec.startsWith('@') ? 2 : 1).join('/'));

/** Every import of the shipped code is declared, and every declared dependency is imported (`@types/x` by the declarations of x). */
const declaredAndUsed = (ts, where, pkg, list, m) => {
  const declared = new Set([...Object.keys(m.dependencies ?? {}), ...Object.keys(m.peerDependencies ?? {})]);
  const used = new Set();
  for (const file of list.filter((f) => f.endsWith('.js') || f.endsWith('.d.ts'))) {
    for (const name of importsOf(ts, fs.readFileSync(path.join(pkg, file), 'utf8'))) {
      if (name === m.name) continue;
      check(declared.has(name), `${where}: ${file} imports ${name}, which package.json does not declare`);
      used.add(name);
    }
  }
  for (const name of declared) {
    const typed = name.startsWith('@types/') ? name.slice('@types/'.length).replace(/^(.+)__(.+)$/, '@$1/$2') : undefined;
    check(used.has(name) || (typed !== undefined && used.has(typed)), `${where}: declares ${name} but never imports it`);
  }
};

/** Unpacks each tarball into `work` and checks it; the number of source maps checked. */
export const inspect = (ROOT, work, tarballs) => {
  const ts = createRequire(path.join(ROOT, 'package.json'))('typescript');
  const rootLicense = fs.readFileSync(path.join(ROOT, 'LICENSE'), 'utf8');
  let maps = 0;
  for (const [name, { file, dir }] of tarballs) {
    const into = path.join(work, 'unpacked', name);
    fs.mkdirSync(into, { recursive: true });
    must('tar', ['xzf', file, '-C', into], { cwd: work });
    const pkg = path.join(into, 'package');
    const list = files(pkg);
    const m = JSON.parse(fs.readFileSync(path.join(pkg, 'package.json'), 'utf8'));
    const where = `${name} (${path.basename(file)})`;
    check(fs.readFileSync(path.join(pkg, 'LICENSE'), 'utf8') === rootLicense, `${where}: LICENSE missing or not the repository's`);
    check(list.includes('README.md'), `${where}: no README.md`);
    check(m.license === 'MIT', `${where}: license ${m.license}`);
    check(m.type === 'module' && m.exports?.['.']?.types && m.exports?.['.']?.default, `${where}: not an ES module with typed exports`);
    check(typeof m.engines?.node === 'string', `${where}: no engines.node`);
    check(/^git\+https:\/\/.+\.git$/.test(m.repository?.url ?? '') && m.repository?.directory === dir, `${where}: repository ${JSON.stringify(m.repository)}`);
    check(typeof m.homepage === 'string' && typeof m.bugs?.url === 'string', `${where}: homepage or bugs missing`);
    check(m.publishConfig?.access === 'public', `${where}: publishConfig.access is not public`);
    check(Array.isArray(m.files) && m.files.length > 0, `${where}: no files list`);
    for (const field of ['dependencies', 'peerDependencies', 'optionalDependencies']) {
      for (const [dep, range] of Object.entries(m[field] ?? {})) check(!String(range).startsWith('workspace:'), `${where}: ${field}.${dep} is ${range}`);
    }
    declaredAndUsed(ts, where, pkg, list, m);
    check(!list.some((f) => f.startsWith('dist/test') || f.endsWith('.tsbuildinfo') || f.endsWith('.test.js')), `${where}: ships tests or build info`);
    check(!list.some((f) => f.endsWith('.d.ts.map')), `${where}: ships declaration maps that point at sources it does not ship`);
    for (const js of list.filter((f) => f.endsWith('.js'))) {
      const map = `${js}.map`;
      check(list.includes(map), `${where}: ${js} has no source map`);
      const parsed = JSON.parse(fs.readFileSync(path.join(pkg, map), 'utf8'));
      const complete = Array.isArray(parsed.sourcesContent) && parsed.sourcesContent.length === parsed.sources.length && parsed.sourcesContent.every((s) => typeof s === 'string' && s.length > 0);
      check(complete, `${where}: ${map} does not carry its sources (sourcesContent)`);
      maps++;
    }
  }
  return maps;
};

/**
 * The workspace's better-sqlite3 binary as a local prebuild for the consumer installs (the way a machine without a
 * compiler gets one): its version, to pin, and the environment that hands it over.
 */
export const localPrebuild = (ROOT, work) => {
  const module = fs.realpathSync(path.join(ROOT, 'packages/adapters/sqlite/node_modules/better-sqlite3'));
  const { version } = JSON.parse(fs.readFileSync(path.join(module, 'package.json'), 'utf8'));
  const binary = path.join(module, 'build/Release/better_sqlite3.node');
  const env = { ...process.env };
  if (fs.existsSync(binary)) {
    const glibc = process.platform !== 'linux' || process.report.getReport().header.glibcVersionRuntime !== undefined;
    const name = `better-sqlite3-v${version}-node-v${process.versions.modules}-${process.platform}${glibc ? '' : 'musl'}-${process.arch}.tar.gz`;
    const dir = path.join(work, 'prebuilds');
    fs.mkdirSync(dir);
    must('tar', ['czf', path.join(dir, name), '-C', module, 'build/Release/better_sqlite3.node'], { cwd: work });
    env.npm_config_better_sqlite3_local_prebuilds = dir;
  } else {
    console.log(`  (no built better-sqlite3 in the workspace: the consumer installs compile it)`);
  }
  return { version, env };
};
