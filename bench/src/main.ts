/**
 * `pnpm bench`: runs every chosen store at every chosen size, each case in
 * its own process, prints one JSON line per measurement, a table and the
 * scaling from the smallest to the largest size, and writes the lines to a
 * file.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { CommanderError } from 'commander';
import { parseArgs } from './args.js';
import type { Measurement } from './measure.js';
import { aggregate, contentionTable, scalingTable, summaryTable } from './report.js';
import { startPostgres, type StoreName } from './stores.js';
import type { ChainWorkerInput } from './chain-worker.js';
import type { ContentionWorkerInput } from './contention-worker.js';
import type { WorkerInput } from './worker.js';

const here = dirname(fileURLToPath(import.meta.url));

/** Runs of the chain cases with and without the chain: `--repeat` when given, else 3 (`--quick`) or 5 (their figures are short and noisy). */
const chainRuns = (args: { readonly repeat: number; readonly quick: boolean }): number => (args.repeat > 1 ? args.repeat : args.quick ? 3 : 5);

const runWorker = (input: WorkerInput | ContentionWorkerInput | ChainWorkerInput, heapMb: number, onLine: (m: Measurement) => void, script = 'worker.js'): Promise<void> =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--expose-gc', `--max-old-space-size=${heapMb}`, join(here, script), JSON.stringify(input)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    createInterface({ input: child.stdout }).on('line', (line) => {
      if (!line.startsWith('{')) return void process.stderr.write(`${line}\n`);
      onLine(JSON.parse(line) as Measurement);
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => (code === 0 ? resolve() : reject(new Error(`${input.store} n=${input.learners}: the case failed (exit ${code ?? signal})`))));
  });

const main = async () => {
  const args = parseArgs(process.argv.slice(2));
  const started = Date.now();
  const workDir = mkdtempSync(join(tmpdir(), 'll-bench-'));
  const needsPostgres = args.stores.includes('postgres') && (args.cases.includes('main') || args.cases.includes('chain'));
  const server = needsPostgres ? await startPostgres() : undefined;
  const contentionStores = args.cases.includes('contention') ? (['sqlite', 'postgres'] as const).filter((s) => args.stores.includes(s)) : [];
  const results: Measurement[] = [];
  const failures: string[] = [];
  mkdirSync(dirname(args.out), { recursive: true });
  writeFileSync(args.out, '');
  process.stderr.write(
    `learner-ledger bench: stores ${args.stores.join(', ')}; learners ${args.learners.join(', ')}; many writers ${args.contention.join(', ')}; cases ${args.cases.join(', ')}; ${args.repeat} run(s) each; out ${args.out}\n`,
  );
  const record = (m: Measurement) => {
    results.push(m);
    process.stdout.write(`${JSON.stringify(m)}\n`);
  };
  try {
    for (const store of args.cases.includes('main') ? args.stores : []) {
      if (store === 'kurrentdb' && !process.env.KURRENTDB_CONNECTION_STRING) {
        failures.push('kurrentdb: KURRENTDB_CONNECTION_STRING is not set, not measured');
        continue;
      }
      for (const learners of args.learners) {
        for (let run = 0; run < args.repeat; run++) {
          process.stderr.write(`${store}, ${learners} learners${args.repeat > 1 ? `, run ${run + 1}/${args.repeat}` : ''}\n`);
          const input: WorkerInput = { store: store as StoreName, learners, quick: args.quick, asofOnly: args.asofOnly, workDir, ...(server ? { postgresUrl: server.url } : {}) };
          const caseStarted = Date.now();
          try {
            await runWorker(input, learners >= 1_000_000 ? 16_384 : 4096, record);
            process.stderr.write(`  ${store} n=${learners}: done in ${((Date.now() - caseStarted) / 1000).toFixed(1)} s\n`);
          } catch (error) {
            failures.push(error instanceof Error ? error.message : String(error));
          }
        }
      }
    }
    for (const store of contentionStores) {
      // The many-writers figures are about durable commits: PostgreSQL runs a second server, with fsync on.
      const durable = store === 'postgres' ? await startPostgres(true) : undefined;
      try {
        for (const learners of args.contention) {
          process.stderr.write(`${store}, contention, ${learners} learners\n`);
          const caseStarted = Date.now();
          try {
            await runWorker({ store, learners, ...(durable ? { postgresUrl: durable.url } : {}) }, 4096, record, 'contention-worker.js');
            process.stderr.write(`  ${store} contention n=${learners}: done in ${((Date.now() - caseStarted) / 1000).toFixed(1)} s\n`);
          } catch (error) {
            failures.push(`${store} contention n=${learners}: ${error instanceof Error ? error.message : String(error)}`);
          }
        }
      } finally {
        durable?.stop();
      }
    }
    for (const store of args.cases.includes('chain') ? args.stores.filter((s) => s !== 'kurrentdb') : []) {
      process.stderr.write(`${store}, chain cost, ${args.chain} learners\n`);
      const caseStarted = Date.now();
      try {
        await runWorker({ store, learners: args.chain, repeat: chainRuns(args), ...(server ? { postgresUrl: server.url } : {}) }, 4096, record, 'chain-worker.js');
        process.stderr.write(`  ${store} chain n=${args.chain}: done in ${((Date.now() - caseStarted) / 1000).toFixed(1)} s\n`);
      } catch (error) {
        failures.push(`${store} chain n=${args.chain}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  } finally {
    server?.stop();
    rmSync(workDir, { recursive: true, force: true });
  }
  const final = aggregate(results);
  writeFileSync(args.out, final.map((m) => JSON.stringify(m)).join('\n') + (final.length ? '\n' : ''));
  process.stdout.write(`\n${summaryTable(final)}\n`);
  if (final.some((m) => m.bench.startsWith('contention.'))) process.stdout.write(`\n${contentionTable(final)}\n`);
  if (args.learners.length > 1) process.stdout.write(`\n${scalingTable(final)}\n`);
  process.stdout.write(`\n${final.length} measurements written to ${args.out} in ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
  if (failures.length > 0) {
    process.stderr.write(`\nNot measured:\n${failures.map((f) => `  - ${f}`).join('\n')}\n`);
    if (failures.some((f) => !f.startsWith('kurrentdb:'))) process.exitCode = 1;
  }
};

main().catch((error: unknown) => {
  // commander has printed the help or the usage error already.
  if (error instanceof CommanderError) return void (process.exitCode = error.exitCode);
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
