import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { createLedger, type EventStore, type Ledger } from '@learner-ledger/core';
import { openPostgresEventStore } from '@learner-ledger/postgres';
import { openSqliteEventStore } from '@learner-ledger/sqlite';
import type { ContentionChildInput } from './contention-child.js';
import { contentionPhases, failedCount, mergeStats, percentile, runLoad, type LoadStats } from './contention-load.js';
import { commandGroups, pgTransactionPerCommand, sqliteTransactionPerCommand } from './contention-raw.js';
import { type Measurement, type Rate, measurement, now, round, seconds } from './measure.js';
import { type OrganizationWorkload, WORKLOAD_SEED, organizationWorkload, setupCommands } from './workload.js';

const here = dirname(fileURLToPath(import.meta.url));
const ORG = 'contention-org';
/** Learners of the smaller cases (one command in flight per ledger, retries only, synchronous FULL): their rate does not depend on the size. */
const SAMPLE_LEARNERS = 2000;

export interface ContentionOptions {
  readonly learners: number;
  readonly emit: (m: Measurement) => void;
  readonly log: (line: string) => void;
}

const setUp = async (store: EventStore, w: OrganizationWorkload): Promise<number> => {
  const ledger = createLedger({ store });
  for (const command of setupCommands(w)) {
    const result = await ledger.execute(command, { actor: { kind: 'admin', id: 'setup@bench.example' }, channel: 'api' });
    if (result._tag === 'Left') throw new Error(`setup refused: ${result.left.message}`);
  }
  return setupCommands(w).length + 1; // onboarding writes the organization and its inactive team
};

/** The contention fields of a measurement. */
const figures = (stats: LoadStats, elapsed: number) => ({
  commandsPerSecond: round(stats.commands / elapsed, 1),
  failed: failedCount(stats),
  ...(failedCount(stats) > 0 ? { failedByCode: stats.failed } : {}),
  retries: stats.retries,
  p50Ms: round(percentile(stats.latenciesMs, 50), 2),
  p99Ms: round(percentile(stats.latenciesMs, 99), 2),
});

const describeRun = (stats: LoadStats, elapsed: number) =>
  `${stats.commands} commands in ${elapsed.toFixed(1)} s (${Math.round(stats.commands / elapsed)}/s), ${failedCount(stats)} failed, ${stats.retries} retries, p99 ${percentile(stats.latenciesMs, 99).toFixed(1)} ms`;

/** PostgreSQL: each case in a database of its own on the server at `url`, which should run with fsync on. */
export const postgresContention = async (url: string, options: ContentionOptions): Promise<void> => {
  const { learners: n, emit, log } = options;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  const fsync = (await admin.query<{ fsync: string }>('SHOW fsync')).rows[0]!.fsync;
  const commit = (await admin.query<{ synchronous_commit: string }>('SHOW synchronous_commit')).rows[0]!.synchronous_commit;
  const server = `PostgreSQL with fsync=${fsync}, synchronous_commit=${commit}`;
  log(`postgres contention n=${n}: ${server}`);
  const databases: string[] = [];
  const database = async (label: string) => {
    const name = `llcontention_${process.pid}_${label.replace(/-/g, '_')}`;
    await admin.query(`DROP DATABASE IF EXISTS ${name}`);
    await admin.query(`CREATE DATABASE ${name}`);
    databases.push(name);
    const target = new URL(url);
    target.pathname = `/${name}`;
    return target.toString();
  };
  const stores = async (label: string, count: number, maxConnections: number) => {
    const at = await database(label);
    return Promise.all(Array.from({ length: count }, () => openPostgresEventStore({ connectionString: at, maxConnections })));
  };
  const run = async (label: string, w: OrganizationWorkload, count: number, inFlight: number, ledgerOf: (store: EventStore) => Ledger) => {
    const opened = await stores(label, count, inFlight === 1 ? 2 : Math.min(10, inFlight + 2));
    try {
      const setup = await setUp(opened[0]!, w);
      const { stats, seconds: elapsed } = await runLoad(opened.map(ledgerOf), inFlight, contentionPhases(w));
      log(`postgres n=${n} ${label}: ${describeRun(stats, elapsed)}`);
      return { stats, elapsed, groups: label === 'ledger' ? await commandGroups(opened[0]!, w.orgId, setup) : [] };
    } finally {
      await Promise.all(opened.map((s) => s.close()));
    }
  };
  try {
    const w = organizationWorkload(n, WORKLOAD_SEED, ORG);
    const sample = organizationWorkload(Math.min(n, SAMPLE_LEARNERS), WORKLOAD_SEED, ORG);
    const one = await run('ledger', w, 1, 8, (store) => createLedger({ store }));
    const raw = await pgTransactionPerCommand(url, one.groups, 8);
    log(`postgres n=${n} raw: ${Math.round(raw.perSecond)} rows/s`);
    const oneRate: Rate = { ops: one.stats.events, seconds: one.elapsed, perSecond: one.stats.events / one.elapsed, runs: 1 };
    const note = `${server}; 1.2 commands a learner (registrations, then 20% deactivated one command each)`;
    emit(measurement({ bench: 'raw.tx-per-command', store: 'postgres', n, unit: 'events/s', ops: raw.ops, seconds: raw.seconds, baselineName: 'pg alone: one multi-row INSERT transaction per command, 8 connections', note: server }));
    emit(measurement({ bench: 'contention.ledger', store: 'postgres', n, unit: 'events/s', ops: one.stats.events, seconds: one.elapsed, baseline: raw, baselineName: 'raw.tx-per-command (8 connections)', note: `1 ledger, 8 commands in flight; ${note}`, ...figures(one.stats, one.elapsed) }));
    const many = await run('ledgers', w, 8, 8, (store) => createLedger({ store }));
    emit(measurement({ bench: 'contention.ledgers', store: 'postgres', n, unit: 'events/s', ops: many.stats.events, seconds: many.elapsed, baseline: oneRate, baselineName: 'contention.ledger (1 ledger, 8 in flight)', note: `8 ledger instances (8 connection pools), 8 commands in flight each; ${note}`, ...figures(many.stats, many.elapsed) }));
    const each = await run('ledgers-one-each', sample, 8, 1, (store) => createLedger({ store }));
    emit(measurement({ bench: 'contention.ledgers-one-each', store: 'postgres', n, unit: 'events/s', ops: each.stats.events, seconds: each.elapsed, baseline: oneRate, baselineName: 'contention.ledger (1 ledger, 8 in flight)', note: `8 ledger instances, 1 command in flight each (8 in all), on the first ${sample.learners.length} learners; ${note}`, ...figures(each.stats, each.elapsed) }));
    const retry = await run('ledgers-retry-only', sample, 8, 8, (store) => createLedger({ store, waitForLock: false }));
    emit(measurement({ bench: 'contention.ledgers-retry-only', store: 'postgres', n, unit: 'events/s', ops: retry.stats.events, seconds: retry.elapsed, baseline: oneRate, baselineName: 'contention.ledger (1 ledger, 8 in flight)', note: `as contention.ledgers without the store's lock (optimistic retries with backoff, 20 at most), on the first ${sample.learners.length} learners; ${note}`, ...figures(retry.stats, retry.elapsed) }));
  } finally {
    for (const name of databases) await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => undefined);
    await admin.end();
  }
};

/** Runs `processes` writer processes on one SQLite file, phase by phase; the seconds from the first `go` to the last `done`. */
const writerProcesses = async (file: string, n: number, processes: number, inFlight: number): Promise<{ stats: LoadStats; seconds: number }> => {
  const children = Array.from({ length: processes }, (_, p) => {
    const input: ContentionChildInput = { file, learners: n, orgId: ORG, process: p, processes, inFlight };
    const child = spawn(process.execPath, [join(here, 'contention-child.js'), JSON.stringify(input)], { stdio: ['pipe', 'pipe', 'inherit'] });
    const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
    const exited = new Promise<void>((resolve, reject) => child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`SQLite writer ${p} failed (exit ${code})`)))));
    exited.catch(() => undefined);
    const line = async () => {
      const next = await lines.next();
      if (next.done) throw new Error(`SQLite writer ${p} ended early`);
      return next.value;
    };
    return { child, line, exited };
  });
  await Promise.all(children.map(async (c) => expectLine(await c.line(), 'ready')));
  const started = now();
  for (let phase = 0; phase < 2; phase++) {
    children.forEach((c) => c.child.stdin.write('go\n'));
    await Promise.all(children.map(async (c) => expectLine(await c.line(), `done ${phase}`)));
  }
  const elapsed = seconds(started);
  const stats = await Promise.all(children.map(async (c) => JSON.parse(await c.line()) as LoadStats));
  children.forEach((c) => c.child.stdin.end());
  await Promise.all(children.map((c) => c.exited));
  return { stats: mergeStats(stats), seconds: elapsed };
};

const expectLine = (got: string, wanted: string) => {
  if (got !== wanted) throw new Error(`a SQLite writer said ${JSON.stringify(got)}, expected ${JSON.stringify(wanted)}`);
};

/** SQLite: one ledger with 8 in flight, four processes on one file, and the command path with synchronous FULL and NORMAL. */
export const sqliteContention = async (options: ContentionOptions): Promise<void> => {
  const { learners: n, emit, log } = options;
  const dir = mkdtempSync(join(tmpdir(), 'll-bench-contention-'));
  const w = organizationWorkload(n, WORKLOAD_SEED, ORG);
  const note = '1.2 commands a learner (registrations, then 20% deactivated one command each)';
  try {
    const oneFile = join(dir, 'ledger.db');
    const store = openSqliteEventStore({ path: oneFile });
    const setup = await setUp(store, w);
    const one = await runLoad([createLedger({ store })], 8, contentionPhases(w));
    const groups = await commandGroups(store, ORG, setup);
    await store.close();
    log(`sqlite n=${n} ledger: ${describeRun(one.stats, one.seconds)}`);
    const raw = sqliteTransactionPerCommand(groups, 'NORMAL');
    emit(measurement({ bench: 'raw.tx-per-command', store: 'sqlite', n, unit: 'events/s', ops: raw.ops, seconds: raw.seconds, baselineName: 'better-sqlite3 alone: one transaction per command, synchronous NORMAL' }));
    emit(measurement({ bench: 'contention.ledger', store: 'sqlite', n, unit: 'events/s', ops: one.stats.events, seconds: one.seconds, baseline: raw, baselineName: 'raw.tx-per-command', note: `1 ledger, 8 commands in flight; ${note}`, ...figures(one.stats, one.seconds) }));
    const oneRate: Rate = { ops: one.stats.events, seconds: one.seconds, perSecond: one.stats.events / one.seconds, runs: 1 };

    const sharedFile = join(dir, 'shared.db');
    const shared = openSqliteEventStore({ path: sharedFile });
    await setUp(shared, w);
    await shared.close();
    const processes = await writerProcesses(sharedFile, n, 4, 8);
    log(`sqlite n=${n} processes: ${describeRun(processes.stats, processes.seconds)}`);
    emit(measurement({ bench: 'contention.processes', store: 'sqlite', n, unit: 'events/s', ops: processes.stats.events, seconds: processes.seconds, baseline: oneRate, baselineName: 'contention.ledger (1 ledger, 8 in flight)', note: `4 processes on one file, 8 commands in flight each; ${note}`, ...figures(processes.stats, processes.seconds) }));

    const sample = organizationWorkload(Math.min(n, SAMPLE_LEARNERS), WORKLOAD_SEED, ORG);
    for (const synchronous of ['FULL', 'NORMAL'] as const) {
      const file = join(dir, `sync-${synchronous}.db`);
      const syncStore = openSqliteEventStore({ path: file, synchronous });
      const skip = await setUp(syncStore, sample);
      const path = await runLoad([createLedger({ store: syncStore })], 1, contentionPhases(sample));
      const rows = await commandGroups(syncStore, ORG, skip);
      await syncStore.close();
      const baseline = sqliteTransactionPerCommand(rows, synchronous);
      log(`sqlite n=${n} synchronous ${synchronous}: ${describeRun(path.stats, path.seconds)}; raw ${Math.round(baseline.perSecond)} rows/s`);
      emit(
        measurement({
          bench: `command.sync-${synchronous.toLowerCase()}`,
          store: 'sqlite',
          n,
          unit: 'events/s',
          ops: path.stats.events,
          seconds: path.seconds,
          baseline,
          baselineName: `better-sqlite3 alone: one transaction per command, synchronous ${synchronous}`,
          note: `the command path (1 ledger, 1 command at a time) with synchronous=${synchronous}, on the first ${sample.learners.length} learners`,
          ...figures(path.stats, path.seconds),
        }),
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};

