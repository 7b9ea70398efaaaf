import { type ImportProgress, createLedger } from '@learner-ledger/core';
import { importLearners } from '@learner-ledger/csv';
import { forBulkWrites, openStoreAt } from '@learner-ledger/cli';
import type { CsvChildInput, CsvChildResult } from './csv-child.js';
import { LedgerDriver } from './ledger-driver.js';
import { now, peakRssMb, seconds } from './measure.js';
import { deactivateCommand, organizationWorkload, registerCommand, setupCommands } from './workload.js';

/** The team the benchmark's Data Services file is imported for. */
export const CSV_TARGET_TEAM = 'Team 01';

/** CPU seconds, wall seconds and the largest RSS and heap seen in each stage of an import (from its progress reports). */
export interface StageFigures {
  readonly stage: string;
  cpuSeconds: number;
  wallSeconds: number;
  maxRssMb: number;
  maxHeapMb: number;
  /** With `--expose-gc`: the heap (+ array buffers) left after a full collection when the stage began. */
  liveAtStartMb?: number;
}

/** With `--expose-gc`: the heap (+ array buffers) left after a full collection. */
const liveMb = (): number | undefined => {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) return undefined;
  gc();
  const m = process.memoryUsage();
  return Math.round((m.heapUsed + m.arrayBuffers) / 2 ** 20);
};

const stageTrace = () => {
  const stages: StageFigures[] = [];
  let current: StageFigures | undefined;
  let cpuAt = process.cpuUsage();
  let wallAt = now();
  const sample = () => {
    if (!current) return;
    const m = process.memoryUsage();
    current.maxRssMb = Math.max(current.maxRssMb, Math.round(m.rss / 2 ** 20));
    current.maxHeapMb = Math.max(current.maxHeapMb, Math.round((m.heapUsed + m.arrayBuffers) / 2 ** 20));
  };
  const close = () => {
    if (!current) return;
    sample();
    const cpu = process.cpuUsage(cpuAt);
    current.cpuSeconds = Number(((cpu.user + cpu.system) / 1e6).toFixed(2));
    current.wallSeconds = Number(seconds(wallAt).toFixed(2));
  };
  let calls = 0;
  return {
    stages,
    progress: (progress: ImportProgress) => {
      if (current?.stage !== progress.stage) {
        close();
        // With --expose-gc (a probe, not a timed run): what is live as the stage begins.
        const live = liveMb();
        cpuAt = process.cpuUsage();
        wallAt = now();
        current = { stage: progress.stage, cpuSeconds: 0, wallSeconds: 0, maxRssMb: 0, maxHeapMb: 0, ...(live !== undefined ? { liveAtStartMb: live } : {}) };
        stages.push(current);
      }
      if (++calls % 10 === 0 || progress.stage !== 'reading') sample();
    },
    end: () => {
      close();
      const live = liveMb();
      if (live !== undefined) stages.push({ stage: 'after', cpuSeconds: 0, wallSeconds: 0, maxRssMb: 0, maxHeapMb: 0, liveAtStartMb: live });
    },
  };
};

/**
 * Imports the Data Services file into a copy of the benchmark organization
 * with the CSV adapter, end to end (read, check, plan, apply). The
 * organization's state is loaded before the clock starts and timed apart.
 * The report lists the lines that change something (`reportLines: 'changes'`),
 * as a caller importing a million-row file would ask.
 */
export const importEndToEnd = async (input: CsvChildInput): Promise<CsvChildResult> => {
  // As the command-line import opens it (a SQLite file checkpoints its WAL less often).
  const store = await openStoreAt(forBulkWrites(input.location!));
  const orgId = organizationWorkload(10).orgId;
  if (input.location!.kind === 'memory') {
    // The in-memory store cannot come from another process: seed the same organization here (not timed).
    const w = organizationWorkload(input.learners!);
    const driver = new LedgerDriver(store);
    for (const command of setupCommands(w)) await driver.execute(command, 'api');
    for (const learner of w.learners) await driver.execute(registerCommand(w, learner), 'api');
    for (const id of w.profileDeactivations) await driver.execute(deactivateCommand(w, [id]), 'learner-profile');
    for (const batch of w.draftBatches) await driver.execute(deactivateCommand(w, batch), 'learner-draft');
  }
  const ledger = createLedger({ store });
  let start = now();
  const state = await ledger.state(orgId);
  if (state._tag === 'Left') throw new Error(`loading ${orgId}: ${state.left.message}`);
  const loadSeconds = seconds(start);
  start = now();
  const cpuBefore = process.cpuUsage();
  const stages = stageTrace();
  const loaded = liveMb();
  if (loaded !== undefined) stages.stages.push({ stage: 'loaded', cpuSeconds: 0, wallSeconds: 0, maxRssMb: Math.round(process.memoryUsage().rss / 2 ** 20), maxHeapMb: 0, liveAtStartMb: loaded });
  const report = await importLearners(ledger, { orgId, input: input.file, targetTeam: CSV_TARGET_TEAM, allowMassDeactivation: true, reportLines: 'changes', onProgress: stages.progress });
  stages.end();
  const importSeconds = seconds(start);
  const cpu = process.cpuUsage();
  const importCpu = process.cpuUsage(cpuBefore);
  const processSeconds = process.uptime();
  await ledger.flushSnapshots();
  await store.close();
  if (!report.applied || report.status !== 'applied') {
    throw new Error(`the import was not applied (${report.status}): ${report.errors.slice(0, 3).map((e) => e.message).join('; ')}`);
  }
  const head = report.counts;
  const counters = ledger.snapshotCounters();
  return {
    rows: report.rowCount,
    seconds: importSeconds,
    peakRssMb: peakRssMb(),
    loadSeconds,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    importCpuSeconds: (importCpu.user + importCpu.system) / 1e6,
    processSeconds,
    stages: stages.stages,
    detail: `${head.deactivated} deactivated, ${head.unchanged} unchanged, ${report.appends} appends; snapshots loaded ${counters.loaded}, saved ${counters.saved} (during the import or at its end); loading the organization before the import took ${loadSeconds.toFixed(2)} s (timed apart)`,
  };
};
