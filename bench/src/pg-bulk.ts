import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import pg from 'pg';
import { IMPORT_BATCH_LINES, applyImportBatches, warmUp } from './case.js';
import { LedgerDriver } from './ledger-driver.js';
import { PostgresBaseline, rawRowsOf } from './raw.js';
import { postgresKit, startPostgres } from './stores.js';
import { WORKLOAD_SEED, deactivateCommand, organizationWorkload, registerCommand, setupCommands } from './workload.js';

/*
 * PostgreSQL's two bulk figures alone, at one size, with where their time
 * goes: wall clock, this process's CPU, the server's CPU (every process of
 * the cluster, from /proc) and the statements sent, for `bulk.deactivate`,
 * `bulk.import-batches` and the raw COPY baseline of the same log. The log
 * before them (registrations, profile deactivations) is seeded with many
 * commands in flight, so group commit writes it quickly (not measured).
 *
 *   node bench/dist/src/pg-bulk.js [learners] [baseline runs]
 *   PG_BULK_PROFILE=/tmp/prof node bench/dist/src/pg-bulk.js 50000   # a CPU profile of each bulk phase alone
 */

const learners = Number(process.argv[2] ?? 50_000);
const baselineRuns = Number(process.argv[3] ?? 3);

const ticks = 100; // USER_HZ
const cpuOfProcess = (pid: number): number => {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / ticks;
};
const parentOf = (pid: number): number => Number(readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')[1]);

/** CPU seconds of the postmaster's children, living and (via the postmaster's cutime) ended. */
const serverCpu = (postmaster: number): number => {
  let total = 0;
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid)) continue;
    try {
      if (parentOf(pid) === postmaster) total += cpuOfProcess(pid);
    } catch {
      // ended meanwhile
    }
  }
  const fields = readFileSync(`/proc/${postmaster}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return total + (Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14])) / ticks;
};

/** Counts the statements every pg client of this process sends (COPY streams included). */
let statements = 0;
const query = pg.Client.prototype.query as (...args: unknown[]) => unknown;
/** Wall time from sending each kind of statement (its first word) to its answer, in ms, and how many. */
let timings = new Map<string, { count: number; ms: number }>();
const kindOf = (arg: unknown): string => {
  const text = typeof arg === 'string' ? arg : ((arg as { text?: string } | null)?.text ?? (arg as { _text?: string } | null)?._text ?? '?');
  const words = text.trim().split(/\s+/);
  if (/; COPY /.test(text)) return 'reservation; COPY';
  if (words[0]?.toUpperCase() === 'SELECT' || words[0]?.toUpperCase() === 'WITH') return `${words[0]} ${(/(\w+_positions|\w+_events|pg_advisory\w*|snapshot\w*)/.exec(text) ?? ['?'])[0]}`;
  return words[0]!.toUpperCase();
};
(pg.Client.prototype as unknown as { query: (...args: unknown[]) => unknown }).query = function (this: pg.Client, ...args: unknown[]) {
  statements++;
  const kind = kindOf(args[0]);
  const started = process.hrtime.bigint();
  const done = () => {
    const t = timings.get(kind) ?? { count: 0, ms: 0 };
    t.count++;
    t.ms += Number(process.hrtime.bigint() - started) / 1e6;
    timings.set(kind, t);
  };
  const result = query.apply(this, args) as { then?: unknown; on?: (event: string, f: () => void) => void };
  const settles = (args[0] as { done?: Promise<unknown> } | null)?.done; // the store's own COPY query
  if (result && typeof result.then === 'function') (result as Promise<unknown>).then(done, done);
  else if (settles && typeof settles.then === 'function') settles.then(done, done);
  else if (result && typeof result.on === 'function') result.on('finish', done);
  return result;
};

const load = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');

const server = await startPostgres();
try {
  const admin = new pg.Client({ connectionString: server.url });
  await admin.connect();
  const backend = (await admin.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
  const postmaster = parentOf(backend);
  await admin.end();

  const profileDir = process.env.PG_BULK_PROFILE;
  const session = new Session();
  if (profileDir) {
    session.connect();
    await session.post('Profiler.enable');
  }
  const phase = async (bench: string, work: () => Promise<{ events: number; extra?: Record<string, unknown> }>, profile = false): Promise<void> => {
    if (profile && profileDir) await session.post('Profiler.start');
    const cpu = process.cpuUsage();
    const serverBefore = serverCpu(postmaster);
    const sent = statements;
    timings = new Map();
    const started = process.hrtime.bigint();
    const { events, extra } = await work();
    const wall = Number(process.hrtime.bigint() - started) / 1e9;
    const used = process.cpuUsage(cpu);
    const clientCpu = (used.user + used.system) / 1e6;
    const serverUsed = serverCpu(postmaster) - serverBefore;
    if (profile && profileDir) writeFileSync(`${profileDir}/${bench}-${learners}.cpuprofile`, JSON.stringify((await session.post('Profiler.stop')).profile));
    console.log(
      JSON.stringify({
        bench,
        learners,
        events,
        seconds: +wall.toFixed(3),
        perSecond: Math.round(events / wall),
        clientCpu: +clientCpu.toFixed(3),
        serverCpu: +serverUsed.toFixed(3),
        clientUsPerEvent: +((clientCpu / events) * 1e6).toFixed(2),
        serverUsPerEvent: +((serverUsed / events) * 1e6).toFixed(2),
        statements: statements - sent,
        statementMs: Object.fromEntries([...timings].map(([k, v]) => [k, { count: v.count, ms: +v.ms.toFixed(1) }])),
        load: load(),
        ...extra,
      }),
    );
  };

  const kit = postgresKit(server.url);
  try {
    await warmUp(kit);
    const w = organizationWorkload(learners, WORKLOAD_SEED, 'bench-org');
    const store = await kit.open('main');
    const driver = new LedgerDriver(store);
    for (const command of setupCommands(w)) await driver.execute(command, 'api');
    const inFlight = async (commands: Array<() => Promise<number>>) => {
      for (let i = 0; i < commands.length; i += 500) await Promise.all(commands.slice(i, i + 500).map((run) => run()));
    };
    await inFlight(w.learners.map((learner) => () => driver.execute(registerCommand(w, learner), 'api')));
    await inFlight(w.profileDeactivations.map((learnerId) => () => driver.execute(deactivateCommand(w, [learnerId]), 'learner-profile')));
    await driver.ledger.flushSnapshots();
    const saves = () => driver.ledger.snapshotCounters().saved;

    await phase('bulk.deactivate', async () => {
      driver.events = 0;
      const before = saves();
      for (const batch of w.draftBatches) await driver.execute(deactivateCommand(w, batch), 'learner-draft');
      return { events: driver.events, extra: { commands: w.draftBatches.length, snapshotSaves: saves() - before } };
    }, true);
    await phase('bulk.import-batches', async () => {
      const before = saves();
      const result = await applyImportBatches(driver, w);
      return { events: result.events, extra: { batches: result.batches, lines: IMPORT_BATCH_LINES, snapshotSaves: saves() - before } };
    }, true);
    await driver.ledger.flushSnapshots();
    const rows = await rawRowsOf(store);
    await store.close();
    const baseline = new PostgresBaseline(server.url);
    try {
      for (let run = 0; run < baselineRuns; run++) await phase('raw.bulk-insert', async () => ({ events: (await baseline.bulkInsert(rows)).ops }));
    } finally {
      await baseline.close();
    }
  } finally {
    await kit.cleanup();
  }
} finally {
  server.stop();
}
