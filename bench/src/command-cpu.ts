import { readFileSync } from 'node:fs';
import { PerformanceObserver, performance } from 'node:perf_hooks';
import { type EventStore, InMemoryEventStore } from '@learner-ledger/core';
import { applyImportBatches, warmUp } from './case.js';
import { LedgerDriver } from './ledger-driver.js';
import { memoryKit, openStoreAt, sqliteKit } from './stores.js';
import { deactivateCommand, organizationWorkload, registerCommand, setupCommands, WORKLOAD_SEED } from './workload.js';

/*
 * The command path in CPU time, slice by slice, for a machine shared with
 * other jobs: drives the bench's workload through the ledger (registrations,
 * then Learner Profile deactivations; then, untimed, the Learner Draft
 * commands and the import batches, so a SQLite file ends as the bench's
 * organization) and prints, every `slice` commands, the commands per
 * CPU-second (process.cpuUsage) and per wall second. Every command's wall
 * and CPU time is noted against whether a snapshot save ran meanwhile; the
 * longest are printed with the garbage collections that overlapped them
 * (PerformanceObserver 'gc' entries).
 *
 *   node bench/dist/src/command-cpu.js memory|sqlite learners [slice] [sqlite file to keep]
 */

const storeName = process.argv[2] ?? 'memory';
const learners = Number(process.argv[3] ?? 100_000);
const slice = Number(process.argv[4] ?? 10_000);
const file = process.argv[5];
const LONG_MS = 20;

const load = (): string => readFileSync('/proc/loadavg', 'utf8').split(' ')[0]!;

interface Gc {
  readonly start: number;
  readonly end: number;
  readonly kind: number;
}
const gcs: Gc[] = [];
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    const detail = (entry as unknown as { detail?: { kind?: number } }).detail;
    gcs.push({ start: entry.startTime, end: entry.startTime + entry.duration, kind: detail?.kind ?? 0 });
  }
}).observe({ entryTypes: ['gc'] });

interface Long {
  readonly command: number;
  readonly start: number;
  readonly end: number;
  readonly wallMs: number;
  readonly cpuMs: number;
  readonly saving: boolean;
}

const open = async (): Promise<EventStore> => {
  if (storeName === 'memory') return new InMemoryEventStore();
  const path = file ?? `/tmp/ll-command-cpu-${process.pid}.db`;
  return openStoreAt({ kind: 'sqlite', path });
};

const flushObservers = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

const main = async (): Promise<void> => {
  // As the bench does: a small workload first, so the first slice is not the JIT's.
  const kit = storeName === 'memory' ? memoryKit() : sqliteKit();
  await warmUp(kit);
  await kit.cleanup();
  const w = organizationWorkload(learners, WORKLOAD_SEED, 'bench-org');
  const store = await open();
  const driver = new LedgerDriver(store);
  for (const command of setupCommands(w)) await driver.execute(command, 'api');
  const commands = [...w.learners.map((learner) => () => registerCommand(w, learner)), ...w.profileDeactivations.map((id) => () => deactivateCommand(w, [id]))];
  const longs: Long[] = [];
  const during = { count: 0, wallMax: 0, cpuMax: 0 };
  const outside = { count: 0, wallMax: 0, cpuMax: 0 };
  let sliceCpu = process.cpuUsage();
  let sliceWall = performance.now();
  let totalCpu = 0;
  let totalWall = 0;
  for (let i = 0; i < commands.length; i++) {
    const command = commands[i]!();
    const channel = i < w.learners.length ? 'api' : 'learner-profile';
    const savingBefore = driver.ledger.snapshotCounters().saving > 0;
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    await driver.execute(command, channel);
    const t1 = performance.now();
    const cpu = process.cpuUsage(cpu0);
    const cpuMs = (cpu.user + cpu.system) / 1000;
    const wallMs = t1 - t0;
    const saving = savingBefore || driver.ledger.snapshotCounters().saving > 0;
    const side = saving ? during : outside;
    side.count++;
    side.wallMax = Math.max(side.wallMax, wallMs);
    side.cpuMax = Math.max(side.cpuMax, cpuMs);
    if (wallMs >= LONG_MS || cpuMs >= LONG_MS) longs.push({ command: i, start: t0, end: t1, wallMs, cpuMs, saving });
    // Printed at once as well, so a run stopped early still tells.
    if (cpuMs >= 100) console.log(JSON.stringify({ longNow: { command: i, wallMs: Number(wallMs.toFixed(1)), cpuMs: Number(cpuMs.toFixed(1)), saving } }));
    if ((i + 1) % slice === 0 || i + 1 === commands.length) {
      const used = process.cpuUsage(sliceCpu);
      const cpuSeconds = (used.user + used.system) / 1e6;
      const wallSeconds = (performance.now() - sliceWall) / 1000;
      totalCpu += cpuSeconds;
      totalWall += wallSeconds;
      const done = ((i % slice) + 1) as number;
      console.log(
        JSON.stringify({
          slice: `${i + 1 - done}-${i + 1}`,
          perCpuSecond: Math.round(done / cpuSeconds),
          perWallSecond: Math.round(done / wallSeconds),
          cpuSeconds: Number(cpuSeconds.toFixed(3)),
          heapMb: Math.round(process.memoryUsage().heapUsed / 1e6),
          saved: driver.ledger.snapshotCounters().saved,
          load: load(),
        }),
      );
      await flushObservers();
      sliceCpu = process.cpuUsage();
      sliceWall = performance.now();
    }
  }
  const counters = driver.ledger.snapshotCounters();
  await flushObservers();
  const withGc = longs
    .sort((a, b) => b.wallMs - a.wallMs)
    .slice(0, 15)
    .map((long) => {
      const overlapping = gcs.filter((gc) => gc.end > long.start && gc.start < long.end);
      return { ...long, start: undefined, end: undefined, wallMs: Number(long.wallMs.toFixed(1)), cpuMs: Number(long.cpuMs.toFixed(1)), gcMs: Number(overlapping.reduce((sum, gc) => sum + Math.min(gc.end, long.end) - Math.max(gc.start, long.start), 0).toFixed(1)), gcKinds: overlapping.map((gc) => gc.kind) };
    });
  const gcTotal = gcs.reduce((sum, gc) => sum + gc.end - gc.start, 0);
  const majors = gcs.filter((gc) => gc.kind === 4);
  console.log(
    JSON.stringify({
      summary: storeName,
      learners,
      commands: commands.length,
      perCpuSecond: Math.round(commands.length / totalCpu),
      perWallSecond: Math.round(commands.length / totalWall),
      saves: counters.saved,
      failedSaves: counters.failedSaves,
      during: { ...during, wallMax: Number(during.wallMax.toFixed(1)), cpuMax: Number(during.cpuMax.toFixed(1)) },
      outside: { ...outside, wallMax: Number(outside.wallMax.toFixed(1)), cpuMax: Number(outside.cpuMax.toFixed(1)) },
      longCommands: longs.length,
      gcMs: Math.round(gcTotal),
      majorGcs: majors.length,
      longestMajorGcMs: Number(Math.max(0, ...majors.map((gc) => gc.end - gc.start)).toFixed(1)),
      longestGcMs: Number(Math.max(0, ...gcs.map((gc) => gc.end - gc.start)).toFixed(1)),
      load: load(),
    }),
  );
  for (const long of withGc) console.log(JSON.stringify({ long }));
  if (file) {
    // The rest of the bench's organization, so the file holds what the bench's 1M case leaves (not timed).
    for (const batch of w.draftBatches) await driver.execute(deactivateCommand(w, batch), 'learner-draft');
    await applyImportBatches(driver, w);
    await driver.ledger.flushSnapshots();
    console.log(JSON.stringify({ kept: file, commands: driver.commands, events: driver.events, snapshots: driver.ledger.snapshotCounters() }));
  }
  await store.close();
};

await main();
