import { copyFileSync, existsSync, readFileSync, rmSync } from 'node:fs';
import { PerformanceObserver, performance } from 'node:perf_hooks';
import { SNAPSHOT_SCHEMA_VERSION, type SnapshotStore } from '@learner-ledger/core';
import { warmUp } from './case.js';
import { LedgerDriver } from './ledger-driver.js';
import { openStoreAt, sqliteKit } from './stores.js';
import { deactivateCommand, organizationWorkload, registerCommand } from './workload.js';

/*
 * A snapshot save's steps and the command path's CPU time on an organization
 * already written (a SQLite file the bench's workload left, e.g. by
 * `command-cpu.js sqlite N slice FILE`), on a copy of the file:
 *
 * 1. the save's steps at this size: capture, every step of the encoder and
 *    of the SQLite save between two turns (wall and CPU, the garbage
 *    collections in it), as the ledger runs them beside the commands;
 * 2. `tail` more commands (new learners registered, a tenth of them
 *    deactivated, one command each) through a ledger that starts from the
 *    snapshot: commands per CPU-second against an organization of this size.
 *
 *   node bench/dist/src/save-steps.js FILE [tail=5000] [learners in the file]
 */

const source = process.argv[2];
const tail = Number(process.argv[3] ?? 5000);
if (!source || !existsSync(source)) throw new Error('usage: save-steps.js FILE [tail] [learners]');
const file = `${source}.steps-${process.pid}.db`;
copyFileSync(source, file);
for (const suffix of ['-wal', '-shm']) if (existsSync(source + suffix)) copyFileSync(source + suffix, file + suffix);

const core = '../../../packages/core/dist/src';
const { decodeSnapshot } = (await import(`${core}/snapshots/snapshot-decode.js`)) as { decodeSnapshot: (bytes: Uint8Array) => Promise<{ _tag: string; right: { state: unknown; commands: unknown }; left: string }> };
const { captureSnapshot, encodeSnapshot } = (await import(`${core}/snapshots/snapshot-encode.js`)) as {
  captureSnapshot: (state: unknown, commands: unknown) => unknown;
  encodeSnapshot: (capture: unknown, options: { turn: () => Promise<void> }) => Promise<Uint8Array>;
};

const load = (): string => readFileSync('/proc/loadavg', 'utf8').split(' ')[0]!;
const gcs: { start: number; end: number; kind: number }[] = [];
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) gcs.push({ start: entry.startTime, end: entry.startTime + entry.duration, kind: (entry as unknown as { detail?: { kind?: number } }).detail?.kind ?? 0 });
}).observe({ entryTypes: ['gc'] });

/** A turn function that times the synchronous work between two turns. */
const steps = () => {
  const list: { wallMs: number; cpuMs: number; start: number; end: number }[] = [];
  let t0 = performance.now();
  let c0 = process.cpuUsage();
  const mark = () => {
    const t1 = performance.now();
    const c = process.cpuUsage(c0);
    list.push({ wallMs: t1 - t0, cpuMs: (c.user + c.system) / 1000, start: t0, end: t1 });
  };
  const turn = async (): Promise<void> => {
    mark();
    await new Promise((resolve) => setImmediate(resolve));
    t0 = performance.now();
    c0 = process.cpuUsage();
  };
  const restart = () => {
    t0 = performance.now();
    c0 = process.cpuUsage();
  };
  return { list, turn, mark, restart };
};

const summary = (name: string, list: { wallMs: number; cpuMs: number; start: number; end: number }[]) => {
  const longest = [...list].sort((a, b) => b.wallMs - a.wallMs)[0]!;
  const byCpu = [...list].sort((a, b) => b.cpuMs - a.cpuMs)[0]!;
  const gcIn = (s: { start: number; end: number }) => gcs.filter((gc) => gc.end > s.start && gc.start < s.end).reduce((sum, gc) => sum + Math.min(gc.end, s.end) - Math.max(gc.start, s.start), 0);
  return {
    name,
    steps: list.length,
    totalCpuMs: Math.round(list.reduce((sum, s) => sum + s.cpuMs, 0)),
    longestWallMs: Number(longest.wallMs.toFixed(1)),
    longestWallStep: list.indexOf(longest),
    itsCpuMs: Number(longest.cpuMs.toFixed(1)),
    itsGcMs: Number(gcIn(longest).toFixed(1)),
    longestCpuMs: Number(byCpu.cpuMs.toFixed(1)),
    longestCpuStep: list.indexOf(byCpu),
    lastStepWallMs: Number(list[list.length - 1]!.wallMs.toFixed(1)),
  };
};

const main = async () => {
  const kit = sqliteKit();
  await warmUp(kit);
  await kit.cleanup();
  const store = await openStoreAt({ kind: 'sqlite', path: file });
  const orgId = 'bench-org';
  const snapshots = store.snapshotStore!() as SnapshotStore;
  const snapshot = (await snapshots.load(orgId))!;
  const decoded = await decodeSnapshot(snapshot.bytes);
  if (decoded._tag !== 'Right') throw new Error(decoded.left);
  const { state, commands } = decoded.right;
  const learners = (state as { learners: { size: number } }).learners.size;
  const out: Record<string, unknown>[] = [];
  for (let run = 0; run < 3; run++) {
    await new Promise((resolve) => setTimeout(resolve, 200));
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const capture = captureSnapshot(state, commands);
    const captureMs = performance.now() - t0;
    const captureCpuMs = process.cpuUsage(c0).user / 1000;
    const encode = steps();
    encode.restart();
    const bytes = await encodeSnapshot(capture, { turn: encode.turn });
    encode.mark();
    const save = steps();
    save.restart();
    await snapshots.save({ orgId, streamVersion: snapshot.streamVersion, lastEventId: snapshot.lastEventId, schemaVersion: SNAPSHOT_SCHEMA_VERSION, codeVersion: snapshot.codeVersion, bytes }, { turn: save.turn });
    save.mark();
    out.push({ run, learners, bytes: bytes.length, captureMs: Number(captureMs.toFixed(2)), captureCpuMs: Number(captureCpuMs.toFixed(2)), encode: summary('encode', encode.list), save: summary('save', save.list), load: load() });
  }
  for (const line of out) console.log(JSON.stringify(line));

  // The command path on an organization of this size, from its snapshot.
  const n = Number(process.argv[4] ?? learners);
  const w = organizationWorkload(n + tail, 99, orgId);
  const fresh = w.learners.slice(n);
  const driver = new LedgerDriver(store, 11);
  const loadStart = performance.now();
  await driver.ledger.state(orgId);
  const loadMs = performance.now() - loadStart;
  let cpu = process.cpuUsage();
  let wall = performance.now();
  const rates: Record<string, unknown>[] = [];
  const report = (kind: string, count: number) => {
    const used = process.cpuUsage(cpu);
    const seconds = (used.user + used.system) / 1e6;
    rates.push({ kind, count, perCpuSecond: Math.round(count / seconds), perWallSecond: Math.round(count / ((performance.now() - wall) / 1000)) });
    cpu = process.cpuUsage();
    wall = performance.now();
  };
  for (const learner of fresh) await driver.execute(registerCommand(w, { ...learner, learnerId: `x${learner.learnerId}`, email: `x.${learner.email}`, employeeId: `X${learner.employeeId}` }), 'api');
  report('register', fresh.length);
  for (let i = 0; i < fresh.length; i += 10) await driver.execute(deactivateCommand(w, [`x${fresh[i]!.learnerId}`]), 'learner-profile');
  report('deactivate', Math.ceil(fresh.length / 10));
  console.log(JSON.stringify({ tail: learners, loadMs: Math.round(loadMs), snapshotLoaded: driver.ledger.snapshotCounters().loaded, rates, longest: driver.pauses, load: load() }));
  await driver.ledger.flushSnapshots();
  await store.close();
  for (const suffix of ['', '-wal', '-shm']) rmSync(file + suffix, { force: true });
};

await main();
