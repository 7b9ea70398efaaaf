/**
 * The CSV import end to end alone, at one or more sizes on SQLite, repeatable
 * and cheap to run again: the bench's organization (same workload, seed,
 * clock and ids as the main case, up to the copy the main case hands its CSV
 * child) is written through the ledger once per size and kept as a SQLite
 * file in a cache folder, with its snapshot; so is the Data Services file.
 * Every run copies the cached file and imports the file into the copy in a
 * fresh process, loading the organization first, as a command-line import
 * does. Prints one JSON line a run and a summary of ranges.
 *
 *   node bench/dist/src/csv-case.js --learners 100k,1m --repeat 3
 *   node bench/dist/src/csv-case.js --learners 1m --node-arg=--cpu-prof --node-arg=--cpu-prof-dir=/tmp/prof
 */
import { closeSync, copyFileSync, existsSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import type { CsvChildInput, CsvChildResult } from './csv-child.js';
import { LedgerDriver } from './ledger-driver.js';
import { now, seconds } from './measure.js';
import { openStoreAt } from './stores.js';
import { WORKLOAD_SEED, deactivateCommand, organizationWorkload, registerCommand, setupCommands, writeDataServicesCsv } from './workload.js';
import { runJsonChild } from './json-child.js';

interface CsvCaseArgs {
  readonly learners: number[];
  readonly repeat: number;
  readonly cache: string;
  readonly nodeArgs: string[];
  readonly heapMb: number;
}

const parseSize = (text: string): number => {
  const m = /^(\d+(?:\.\d+)?)([kKmM]?)$/.exec(text.trim());
  if (!m) throw new Error(`${JSON.stringify(text)} is not a size (e.g. 100k, 1m)`);
  return Number(m[1]) * (m[2]?.toLowerCase() === 'k' ? 1e3 : m[2]?.toLowerCase() === 'm' ? 1e6 : 1);
};

const parse = (argv: readonly string[]): CsvCaseArgs => {
  let learners = [100_000];
  let repeat = 1;
  let cache = resolve('.bench-results/csv-cache');
  let heapMb = 4096;
  const nodeArgs: string[] = [];
  for (const arg of argv) {
    const [flag, value = ''] = arg.split(/=(.*)/s, 2) as [string, string | undefined];
    if (flag === '--learners') learners = value.split(',').filter(Boolean).map(parseSize);
    else if (flag === '--repeat') repeat = Number(value);
    else if (flag === '--cache') cache = resolve(value);
    else if (flag === '--heap-mb') heapMb = Number(value);
    else if (flag === '--node-arg') nodeArgs.push(value);
    else if (flag === '--help') {
      process.stdout.write('csv-case --learners=100k,1m --repeat=3 [--cache=DIR] [--heap-mb=4096] [--node-arg=--cpu-prof ...]\n');
      process.exit(0);
    } else throw new Error(`unknown argument ${arg} (flags take --flag=value)`);
  }
  return { learners, repeat, cache, nodeArgs, heapMb };
};

/** Writes the bench's organization of `n` learners to a SQLite file, as the main case has it when it copies the store for the CSV child. */
const buildOrganization = async (n: number, path: string, log: (line: string) => void): Promise<void> => {
  const partial = `${path}.partial`;
  for (const suffix of ['', '-wal', '-shm']) rmSync(partial + suffix, { force: true });
  const w = organizationWorkload(n, WORKLOAD_SEED, 'bench-org');
  const store = await openStoreAt({ kind: 'sqlite', path: partial });
  const start = now();
  try {
    const driver = new LedgerDriver(store);
    for (const command of setupCommands(w)) await driver.execute(command, 'api');
    let done = 0;
    for (const learner of w.learners) {
      await driver.execute(registerCommand(w, learner), 'api');
      if (++done % 100_000 === 0) log(`  ${done} of ${n} registered (${seconds(start).toFixed(0)} s)`);
    }
    for (const id of w.profileDeactivations) await driver.execute(deactivateCommand(w, [id]), 'learner-profile');
    for (const batch of w.draftBatches) await driver.execute(deactivateCommand(w, batch), 'learner-draft');
    await driver.ledger.flushSnapshots();
  } finally {
    await store.close();
  }
  renameSync(partial, path);
  log(`  organization of ${n} learners written in ${seconds(start).toFixed(0)} s`);
};

const runChild = (input: CsvChildInput, heapMb: number, nodeArgs: readonly string[]): Promise<CsvChildResult> => runJsonChild('csv-child.js', input, { heapMb, nodeArgs, what: 'CSV import' });

const range = (values: readonly number[], digits = 0): string => {
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  const f = (v: number) => v.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
  return lo === hi ? f(lo) : `${f(lo)}–${f(hi)}`;
};

const main = async () => {
  const args = parse(process.argv.slice(2));
  const log = (line: string) => process.stderr.write(`${line}\n`);
  mkdirSync(args.cache, { recursive: true });
  for (const n of args.learners) {
    const db = join(args.cache, `org-sqlite-${n}-${WORKLOAD_SEED}.db`);
    const csv = join(args.cache, `learners-${n}-${WORKLOAD_SEED}.csv`);
    if (!existsSync(db)) {
      log(`building the ${n}-learner organization on SQLite (once; kept as ${db})`);
      await buildOrganization(n, db, log);
    }
    if (!existsSync(csv)) {
      await writeDataServicesCsv(organizationWorkload(n, WORKLOAD_SEED, 'bench-org'), `${csv}.partial`);
      renameSync(`${csv}.partial`, csv);
    }
    const results: CsvChildResult[] = [];
    for (let run = 0; run < args.repeat; run++) {
      const copy = join(args.cache, `run-${process.pid}-${n}.db`);
      copyFileSync(db, copy);
      // The copy's gigabytes on disk before the run: else their write-back competes with the import's own writes.
      const fd = openSync(copy, 'r+');
      try {
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      const loadBefore = loadavg()[0]!;
      try {
        const result = await runChild({ mode: 'import', file: csv, location: { kind: 'sqlite', path: copy }, learners: n }, args.heapMb, args.nodeArgs);
        results.push(result);
        const line = {
          bench: 'csv.e2e+load',
          store: 'sqlite',
          n,
          run: run + 1,
          rowsPerSecondWithLoad: Math.round(result.rows / (result.seconds + result.loadSeconds!)),
          rowsPerSecondImport: Math.round(result.rows / result.seconds),
          loadSeconds: Number(result.loadSeconds!.toFixed(2)),
          importSeconds: Number(result.seconds.toFixed(2)),
          processSeconds: Number((result.processSeconds ?? 0).toFixed(2)),
          cpuSeconds: Number((result.cpuSeconds ?? 0).toFixed(2)),
          importCpuSeconds: Number((result.importCpuSeconds ?? 0).toFixed(2)),
          peakRssMb: result.peakRssMb,
          stages: result.stages,
          loadAverage: [Number(loadBefore.toFixed(1)), Number(loadavg()[0]!.toFixed(1))],
          detail: result.detail,
        };
        process.stdout.write(`${JSON.stringify(line)}\n`);
      } finally {
        for (const suffix of ['', '-wal', '-shm']) rmSync(copy + suffix, { force: true });
      }
    }
    const rate = (r: CsvChildResult) => r.rows / (r.seconds + r.loadSeconds!);
    log(
      `n=${n}, ${results.length} run(s): end to end with the load ${range(results.map(rate))} rows/s; import alone ${range(results.map((r) => r.rows / r.seconds))} rows/s; ` +
        `load ${range(results.map((r) => r.loadSeconds!), 2)} s; process CPU ${range(results.map((r) => r.cpuSeconds ?? 0), 2)} s (import ${range(results.map((r) => r.importCpuSeconds ?? 0), 2)} s); peak RSS ${range(results.map((r) => r.peakRssMb))} MB`,
    );
  }
};

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
