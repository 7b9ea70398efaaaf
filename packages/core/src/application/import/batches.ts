import { createHash } from 'node:crypto';
import type { ImportOperation } from '../../commands.js';
import type { ImportLineRecord } from '../../events.js';
import type { PlanEntry } from './plan.js';
import type { PlanLines } from './plan-lines.js';

/**
 * Operations per `ApplyImportBatch`: one append each. A batch's events and
 * their texts live until its append is folded; at 500 operations (about
 * 1,500 events) they mostly die young, where batches of 2,000 outlived the
 * young generation and SQLite's page cache: the applying stage of a
 * 1,000,000-row import took a sixth more CPU.
 */
export const DEFAULT_BATCH_SIZE = 500;
/** Line records (the per-line audit) per batch at most. */
export const LINES_PER_AUDIT_BATCH = 10_000;

/** One `ApplyImportBatch`: its command id, its lines, their operations and their audit records. */
export interface ImportBatch<C extends string = never> {
  readonly commandId: string;
  readonly entries: readonly PlanEntry<C>[];
  readonly operations: readonly ImportOperation[];
  readonly lines: readonly ImportLineRecord[];
}

/** What the audit records of a line. */
export const lineRecord = <C extends string>(entry: PlanEntry<C>): ImportLineRecord => {
  const { line, learnerId, action, error, message } = entry;
  // Most lines carry neither an error nor a message: their record is built without spreading (a million lines add up).
  if (error) return error.column !== undefined ? { line, learnerId, action, code: error.code, column: error.column, message: error.message } : { line, learnerId, action, code: error.code, message: error.message };
  return message !== undefined ? { line, learnerId, action, message } : { line, learnerId, action };
};

/** Registrations and reactivations take licenses, so they run after every deactivation has released one. */
const takesSeat = (ops: readonly ImportOperation[]): boolean => {
  for (const { op } of ops) if (op === 'register' || op === 'reactivate') return true;
  return false;
};

/** The plan in the order it is applied: the entries of the lines that change something, then the indexes of the others. */
export interface ApplyOrder<C extends string> {
  readonly changing: PlanEntry<C>[];
  /** Indexes into the plan's lines, in file order. */
  readonly quiet: Int32Array;
}

/**
 * The order a plan is applied in: first the lines that deactivate, schedule
 * or update, then those that register or reactivate (so every license the
 * file releases is free before one is taken), then the lines that change
 * nothing. The check against the decider runs in the same order. Only the
 * lines kept as entries can change something; the plain ones are quiet.
 */
export const applyOrder = <C extends string>(lines: PlanLines<C>): ApplyOrder<C> => {
  const first: PlanEntry<C>[] = [];
  const second: PlanEntry<C>[] = [];
  const quiet = new Int32Array(lines.length);
  let quietCount = 0;
  for (let index = 0; index < lines.length; index++) {
    const entry = lines.keptAt(index);
    if (!entry || !entry.ops || entry.ops.length === 0 || entry.action === 'error') quiet[quietCount++] = index;
    else if (takesSeat(entry.ops)) second.push(entry);
    else first.push(entry);
  }
  for (const entry of second) first.push(entry);
  return { changing: first, quiet: quiet.subarray(0, quietCount) };
};

/** A line's operations with their schedule ids, derived from the import id and the line (or, at line 0, the learner). */
export const operationsOf = <C extends string>(importId: string, entry: PlanEntry<C>): readonly ImportOperation[] => {
  const ops = entry.ops ?? [];
  if (!ops.some((op) => op.op === 'schedule')) return ops;
  return ops.map((op) => (op.op === 'schedule' ? { ...op, scheduleId: `${importId}-${entry.line === 0 ? entry.learnerId : entry.line}` } : op));
};

/** The lines of a plan grouped as they are applied, with their operations, one batch at a time. */
function* groupsOf<C extends string>(importId: string, lines: PlanLines<C>, order: ApplyOrder<C>, batchSize: number, linesPerBatch: number, withEntries: boolean): Generator<{ entries: PlanEntry<C>[]; operations: ImportOperation[]; size: number }> {
  const { changing, quiet } = order;
  let group: PlanEntry<C>[] = [];
  let size = 0;
  let operations: ImportOperation[] = [];
  for (const entry of changing) {
    const ops = operationsOf(importId, entry);
    if ((operations.length > 0 && operations.length + ops.length > batchSize) || size >= linesPerBatch) {
      yield { entries: group, operations, size };
      group = [];
      size = 0;
      operations = [];
    }
    group.push(entry);
    size++;
    for (const op of ops) operations.push(op);
  }
  // The quiet lines ask nothing of the ledger: groups of their audit records alone, each line's entry built as its batch is made.
  for (const index of quiet) {
    if (operations.length > batchSize || size >= linesPerBatch) {
      yield { entries: group, operations, size };
      group = [];
      size = 0;
      operations = [];
    }
    if (withEntries) group.push(lines.at(index));
    size++;
  }
  if (size > 0) yield { entries: group, operations, size };
}

/** The batches of a plan: how many, and each one made when it is applied (its audit records are not all held at once). */
export interface BatchPlan<C extends string> {
  readonly count: number;
  readonly rows: number;
  readonly batches: Iterable<ImportBatch<C>>;
}

/**
 * Cuts a plan into batches of at most `batchSize` operations and
 * {@link LINES_PER_AUDIT_BATCH} line records, in {@link applyOrder} (within a
 * batch too). A line's operations stay together. Each batch's command id is
 * derived from the import id and the batch content, so a re-run of the same
 * plan is recognised batch by batch.
 */
export const planBatches = <C extends string>(importId: string, lines: PlanLines<C>, batchSize = DEFAULT_BATCH_SIZE, linesPerBatch = LINES_PER_AUDIT_BATCH): BatchPlan<C> => {
  const order = applyOrder(lines);
  let count = 0;
  for (const _ of groupsOf(importId, lines, order, batchSize, linesPerBatch, false)) count++;
  function* batches(): Generator<ImportBatch<C>> {
    for (const { entries: group, operations } of groupsOf(importId, lines, order, batchSize, linesPerBatch, true)) {
      const lines = group.map(lineRecord);
      const digest = createHash('sha256');
      digest.update(importId);
      for (const line of lines) digest.update(`|${line.line}:${line.learnerId}:${line.action}`);
      yield { commandId: `${importId}:batch:${digest.digest('hex').slice(0, 32)}`, entries: group, operations, lines };
    }
  }
  return { count, rows: lines.length, batches: { [Symbol.iterator]: batches } };
};
