import { createHash } from 'node:crypto';
import { type ApplyImportBatch, DEFAULT_BATCH_SIZE, type EventStore, type ImportLineRecord, type ImportOperation, createLedger, organizationStreamId, verifyChain } from '@learner-ledger/core';
import { LedgerDriver } from './ledger-driver.js';
import { type Measurement, type Rate, measurement, medianRate, now, seconds } from './measure.js';
import { type RawBaseline, type RawRow, rawRowsOf } from './raw.js';
import type { StoreKit, StoreLocation } from './stores.js';
import { snapshotFigures } from './snapshot-load.js';
import { measureStateMemory } from './state-memory.js';
import { MOVE_TO_INACTIVE, type OrganizationWorkload, WORKLOAD_SEED, deactivateCommand, organizationWorkload, registerCommand, setupCommands } from './workload.js';

export interface CaseOptions {
  readonly kit: StoreKit;
  readonly learners: number;
  /** Repetitions of the cheap baselines (the median is kept). */
  readonly baselineRuns: number;
  /** At most this many rows in the one-row-per-transaction baseline (its rate does not depend on the count). */
  readonly singleRowSample: number;
  /** At most this many rows in the bulk and read baselines. */
  readonly bulkSample: number;
  readonly emit: (m: Measurement) => void;
  readonly log: (line: string) => void;
  /** Replays the log into the projections; returns the events processed. */
  readonly replay?: (store: EventStore) => Promise<number>;
  /** Take a copy of the store for the CSV import end to end (run by the caller afterwards, in a child process). */
  readonly copyForCsv?: boolean;
  /** Also time a fresh process folding the organization without its snapshot (the snapshot load's baseline). */
  readonly foldBaseline?: boolean;
}

/** Commands per wall second and per CPU-second (the process's, user + system) of named slices of a run. */
class SliceRates {
  private wall = now();
  private cpu = process.cpuUsage();
  private readonly rates: Record<string, { wall: number; cpu: number }> = {};

  start(): void {
    this.wall = now();
    this.cpu = process.cpuUsage();
  }

  stop(name: string): void {
    const used = process.cpuUsage(this.cpu);
    this.rates[name] = { wall: seconds(this.wall), cpu: (used.user + used.system) / 1e6 };
  }

  note(commands: number): string {
    const rate = (name: string) => {
      const r = this.rates[name];
      return r ? `${Math.round(commands / r.wall)} commands/s, ${Math.round(commands / r.cpu)} per CPU-second` : 'not measured';
    };
    return `registrations, first ${commands}: ${rate('first')}; last ${commands}: ${rate('last')}`;
  }
}

/** Lines a CSV import batch applies at once: the import's default batch size, as the CSV adapter runs it. */
export const IMPORT_BATCH_LINES = DEFAULT_BATCH_SIZE;

/**
 * Runs a small workload through a store of the same kind first, so the
 * measured case does not pay for the JIT compiling the ledger, the codecs and
 * the store code (not measured).
 */
export const warmUp = async (kit: StoreKit, learners = 3000): Promise<void> => {
  const w = organizationWorkload(learners, 1, `${kit.orgPrefix('warmup')}warm-up`);
  const store = await kit.open('warmup');
  try {
    const driver = new LedgerDriver(store, 3);
    for (const command of setupCommands(w)) await driver.execute(command, 'api');
    for (const learner of w.learners) await driver.execute(registerCommand(w, learner), 'api');
    for (const learnerId of w.profileDeactivations) await driver.execute(deactivateCommand(w, [learnerId]), 'learner-profile');
    for (const batch of w.draftBatches) await driver.execute(deactivateCommand(w, batch), 'learner-draft');
    await applyImportBatches(driver, w);
    await driver.ledger.flushSnapshots();
  } finally {
    await store.close();
  }
};

/**
 * One store at one size: the command path, the bulk paths, the replay and
 * the raw baselines, all in this process, in this order.
 */
export const runCase = async (options: CaseOptions): Promise<{ readonly csvTarget?: StoreLocation }> => {
  const { kit, learners: n, emit, log } = options;
  const w = organizationWorkload(n, WORKLOAD_SEED, `${kit.orgPrefix('main')}bench-org`);
  const store0 = await kit.open('main');
  let store = store0;
  let driver = new LedgerDriver(store);
  for (const command of setupCommands(w)) await driver.execute(command, 'api');

  // Command path: one decision per command.
  log(`${kit.name} n=${n}: command path (${n} registrations, ${w.profileDeactivations.length} profile deactivations)`);
  driver.events = 0;
  driver.commands = 0;
  let start = now();
  // The registrations' first and last slice, by wall and CPU time: whether a command costs more as the organization grows.
  const slice = Math.max(1, Math.min(10_000, Math.floor(w.learners.length / 10)));
  const slices = new SliceRates();
  for (let i = 0; i < w.learners.length; i++) {
    if (i === 0 || i === w.learners.length - slice) slices.start();
    await driver.execute(registerCommand(w, w.learners[i]!), 'api');
    if (i === slice - 1) slices.stop('first');
    if (i === w.learners.length - 1) slices.stop('last');
  }
  for (const learnerId of w.profileDeactivations) await driver.execute(deactivateCommand(w, [learnerId]), 'learner-profile');
  const command = { events: driver.events, commands: driver.commands, seconds: seconds(start) };
  const sliceNote = slices.note(slice);
  const pauses = { ...driver.pauses };

  // Bulk path: Learner Draft deactivations, 50 learners a command.
  log(`${kit.name} n=${n}: bulk deactivation (${w.draftBatches.length} commands of 50)`);
  driver.events = 0;
  start = now();
  for (const batch of w.draftBatches) await driver.execute(deactivateCommand(w, batch), 'learner-draft');
  const bulkDeactivate = { events: driver.events, commands: w.draftBatches.length, seconds: seconds(start) };

  // The CSV end to end runs on a copy of the store as it is now (before the import batches below apply the same rows).
  let copy: StoreLocation | undefined;
  if (options.copyForCsv) {
    await driver.ledger.flushSnapshots();
    if (kit.closeBeforeCopy) await store.close();
    copy = await kit.copy('main', 'csv');
    if (kit.closeBeforeCopy) {
      store = await kit.reopen('main');
      driver = new LedgerDriver(store, 8);
      await driver.ledger.state(w.orgId); // reload the organization before timing
    }
  }

  // Bulk path: the Data Services import's deactivations, applied as import batches through the ledger.
  log(`${kit.name} n=${n}: CSV import batches (${w.csvFlips.size} deactivations, ${IMPORT_BATCH_LINES} lines a batch)`);
  const importBatches = await applyImportBatches(driver, w);

  // Replay of the whole log into the projections.
  let replay: { events: number; seconds: number } | undefined;
  if (options.replay) {
    log(`${kit.name} n=${n}: replay`);
    start = now();
    const events = await options.replay(store);
    replay = { events, seconds: seconds(start) };
  }

  // Cold fold: a new ledger without snapshots folds the organization from its whole stream.
  log(`${kit.name} n=${n}: cold fold of the organization (no snapshot)`);
  const streamEvents = (await store.readStream(organizationStreamId(w.orgId), { maxCount: 0 })).currentVersion;
  start = now();
  await createLedger({ store, snapshots: false }).state(w.orgId);
  const coldFold = { events: streamEvents, seconds: seconds(start) };

  // Raw baselines on the same rows.
  log(`${kit.name} n=${n}: raw baselines`);
  const rows = await rawRowsOf(store, options.bulkSample);
  const baseline = await kit.baseline();
  let single: Rate, bulk: Rate, read: Rate;
  try {
    const sample = rows.slice(0, options.singleRowSample);
    single = await medianRate(options.baselineRuns, () => baseline.singleRowTransactions(sample));
    ({ bulk, read } = await bulkAndRead(baseline, rows, options.baselineRuns, emit, kit.name, n));
  } finally {
    await baseline.close();
  }

  const common = { store: kit.name, n, baselineName: undefined as string | undefined };
  emit(measurement({ ...common, bench: 'command.events', unit: 'events/s', ops: command.events, seconds: command.seconds, baseline: single, baselineName: baseline.describe.single }));
  emit(
    measurement({
      ...common,
      bench: 'command.commands',
      unit: 'commands/s',
      ops: command.commands,
      seconds: command.seconds,
      baseline: single,
      baselineName: `${baseline.describe.single} (one transaction per command)`,
      note: sliceNote,
    }),
  );
  emit(measurement({ ...common, bench: 'bulk.deactivate', unit: 'events/s', ops: bulkDeactivate.events, seconds: bulkDeactivate.seconds, baseline: bulk, baselineName: baseline.describe.bulk, note: `${bulkDeactivate.commands} commands of 50 learners` }));
  emit(measurement({ ...common, bench: 'bulk.import-batches', unit: 'events/s', ops: importBatches.events, seconds: importBatches.seconds, baseline: bulk, baselineName: baseline.describe.bulk, note: `${importBatches.batches} batches of ${IMPORT_BATCH_LINES} lines` }));
  if (replay) emit(measurement({ ...common, bench: 'replay', unit: 'events/s', ops: replay.events, seconds: replay.seconds, baseline: read, baselineName: baseline.describe.read }));
  emit(measurement({ ...common, bench: 'fold.cold', unit: 'events/s', ops: coldFold.events, seconds: coldFold.seconds, note: 'a new ledger folds the organization stream without a snapshot' }));
  rows.length = 0;

  // The state's memory (store-independent: measured on the in-memory store) and the snapshots (where the store keeps them).
  if (kit.name === 'memory') {
    log(`${kit.name} n=${n}: memory of the folded organization`);
    await measureStateMemory(store, w.orgId, n, emit);
  }
  await snapshotFigures({ store, ledger: driver.ledger, pauses, location: kit.location('main'), orgId: w.orgId, n, emit, log, foldBaseline: options.foldBaseline ?? true });
  // Every log the bench writes through the ledger must verify, as an auditor's `audit verify` would (not timed).
  const chain = await verifyChain(store, w.orgId);
  if (chain.mismatch) throw new Error(`${kit.name} n=${n}: the organization's chain does not verify: ${chain.mismatch.message}`);
  log(`${kit.name} n=${n}: the organization's chain verifies (${chain.events} events)`);
  await store.close();

  // The in-memory store cannot be handed to another process: the child seeds its own.
  const csvTarget = copy ?? (kit.name === 'memory' ? ({ kind: 'memory' } as const) : undefined);
  if (options.copyForCsv && !csvTarget) log(`${kit.name} n=${n}: CSV import end to end not measured (this store cannot be copied for a child process)`);
  return options.copyForCsv && csvTarget ? { csvTarget } : {};
};

const bulkAndRead = async (
  baseline: RawBaseline,
  rows: readonly RawRow[],
  runs: number,
  emit: (m: Measurement) => void,
  store: string,
  n: number,
): Promise<{ bulk: Rate; read: Rate }> => {
  if ('multiRowInsert' in baseline && typeof baseline.multiRowInsert === 'function') {
    const multi = baseline.multiRowInsert as (r: readonly RawRow[]) => Promise<{ ops: number; seconds: number }>;
    const rate = await medianRate(runs, () => multi.call(baseline, rows));
    emit(measurement({ bench: 'raw.multi-row-insert', store, n, unit: 'rows/s', ops: rate.ops, seconds: rate.seconds, runs, baselineName: 'pg multi-row INSERT, 1,000 rows a statement, one transaction' }));
  }
  // Each bulk run leaves its table for the read that follows; reads are paired with the last one.
  const bulk = await medianRate(runs, () => baseline.bulkInsert(rows));
  const read = await medianRate(runs, () => baseline.readAll());
  emit(measurement({ bench: 'raw.bulk-insert', store, n, unit: 'rows/s', ops: bulk.ops, seconds: bulk.seconds, runs, baselineName: baseline.describe.bulk }));
  emit(measurement({ bench: 'raw.read', store, n, unit: 'rows/s', ops: read.ops, seconds: read.seconds, runs, baselineName: baseline.describe.read }));
  return { bulk, read };
};

/** Applies the CSV's FALSE rows as the importer would: received, batches of lines, finished. */
export const applyImportBatches = async (driver: LedgerDriver, w: OrganizationWorkload): Promise<{ events: number; batches: number; seconds: number }> => {
  const importId = 'bench-import-1';
  const flips = [...w.csvFlips].sort((a, b) => a - b);
  const sha256 = createHash('sha256').update(`bench-${w.orgId}-${w.learners.length}`).digest('hex');
  const start = now();
  let events = await driver.execute(
    {
      type: 'RecordImportReceived',
      orgId: w.orgId,
      importId,
      fileName: 'learners.csv',
      sha256,
      format: 'data-services',
      targetTeamId: w.teams[0]!.teamId,
      rowCount: w.learners.length,
      schedule: 'now',
      dueAt: '2026-01-05T14:00:00.000Z',
      options: { partial: false, fullSync: false, allowMassDeactivation: true, move: true },
    },
    'data-services',
    { actor: { kind: 'import', id: importId }, importId },
  );
  let batches = 0;
  for (let i = 0; i < flips.length; i += IMPORT_BATCH_LINES) {
    const chunk = flips.slice(i, i + IMPORT_BATCH_LINES);
    const operations: ImportOperation[] = chunk.map((index) => ({ op: 'deactivate', line: index + 2, learnerId: w.learners[index]!.learnerId, move: MOVE_TO_INACTIVE }));
    const lines: ImportLineRecord[] = chunk.map((index) => ({ line: index + 2, learnerId: w.learners[index]!.learnerId, action: 'deactivate' }));
    const command: ApplyImportBatch = { type: 'ApplyImportBatch', orgId: w.orgId, importId, operations, lines };
    events += await driver.execute(command, 'data-services', { actor: { kind: 'import', id: importId }, importId, fileName: 'learners.csv' });
    batches++;
  }
  events += await driver.execute(
    {
      type: 'FinishImport',
      orgId: w.orgId,
      importId,
      sha256,
      outcome: { applied: true, counts: { registered: 0, deactivated: flips.length, reactivated: 0, updated: 0, unchanged: w.learners.length - flips.length, skipped: 0, errors: 0 } },
    },
    'data-services',
    { actor: { kind: 'import', id: importId }, importId },
  );
  return { events, batches, seconds: seconds(start) };
};
