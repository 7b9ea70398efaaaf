import { createHash } from 'node:crypto';
import * as E from 'fp-ts/lib/Either.js';
import type { Actor, DomainError, ImportFormat, ImportLineRecord, ImportOperation, Ledger } from '@learner-ledger/core';
import type { PlanEntry } from './plan.js';

/** Operations per `ApplyImportBatch`: one append each. */
export const DEFAULT_BATCH_SIZE = 2000;
/** Line records (the per-line audit) per batch at most. */
export const LINES_PER_AUDIT_BATCH = 10_000;

export interface ImportBatch {
  readonly commandId: string;
  readonly entries: readonly PlanEntry[];
  readonly operations: readonly ImportOperation[];
  readonly lines: readonly ImportLineRecord[];
}

export const lineRecord = (entry: PlanEntry): ImportLineRecord => ({
  line: entry.line,
  learnerId: entry.learnerId,
  action: entry.action,
  ...(entry.error ? { code: entry.error.code, ...(entry.error.column !== undefined ? { column: entry.error.column } : {}), message: entry.error.message } : {}),
  ...(!entry.error && entry.message !== undefined ? { message: entry.message } : {}),
});

/** Registrations and reactivations take licenses, so they run after every deactivation has released one. */
const takesSeat = (entry: PlanEntry): boolean => entry.ops!.some((op) => op.op === 'register' || op.op === 'reactivate');

/**
 * Cuts a plan into batches of at most `batchSize` operations and
 * {@link LINES_PER_AUDIT_BATCH} line records: first the lines that deactivate,
 * schedule or update, then those that register or reactivate (so every
 * license a file releases is free before one is taken), then the lines that
 * change nothing. A line's operations stay together. Each batch's command
 * id is derived from the import id and the batch content, so a re-run of the
 * same plan is recognised batch by batch.
 */
export const planBatches = (importId: string, entries: readonly PlanEntry[], batchSize = DEFAULT_BATCH_SIZE): ImportBatch[] => {
  const withSchedules = (entry: PlanEntry): ImportOperation[] =>
    entry.ops!.map((op) => (op.op === 'schedule' ? { ...op, scheduleId: `${importId}-${entry.line === 0 ? entry.learnerId : entry.line}` } : op));
  const first: PlanEntry[] = [];
  const second: PlanEntry[] = [];
  const quiet: PlanEntry[] = [];
  for (const entry of entries) {
    if (!entry.ops || entry.ops.length === 0 || entry.action === 'error') quiet.push(entry);
    else if (takesSeat(entry)) second.push(entry);
    else first.push(entry);
  }
  const batches: ImportBatch[] = [];
  let group: PlanEntry[] = [];
  let operations: ImportOperation[] = [];
  const seal = (): void => {
    if (group.length === 0) return;
    const lines = group.map(lineRecord);
    const digest = createHash('sha256');
    digest.update(importId);
    for (const line of lines) digest.update(`|${line.line}:${line.learnerId}:${line.action}`);
    batches.push({ commandId: `${importId}:batch:${digest.digest('hex').slice(0, 32)}`, entries: group, operations, lines });
    group = [];
    operations = [];
  };
  // Deactivations first, then what takes a license, then the lines that change nothing: within a batch too.
  for (const entry of [...first, ...second, ...quiet]) {
    const ops = entry.ops && entry.action !== 'error' ? withSchedules(entry) : [];
    if ((operations.length > 0 && operations.length + ops.length > batchSize) || group.length >= LINES_PER_AUDIT_BATCH) seal();
    group.push(entry);
    operations.push(...ops);
  }
  seal();
  return batches;
};

export interface ApplyContext {
  readonly orgId: string;
  readonly importId: string;
  readonly fileName: string;
  readonly format: ImportFormat;
  readonly actor: Actor;
  readonly now: string;
  readonly partial: boolean;
}

export type BatchResult = E.Either<DomainError, { readonly appended: boolean }>;

/**
 * Applies one batch as one command (one append). In partial mode the lines the
 * ledger refuses become errors of the plan (the ledger records them so in the
 * audit too).
 */
export const applyBatch = async (ledger: Ledger, batch: ImportBatch, context: ApplyContext): Promise<BatchResult> => {
  const result = await ledger.execute(
    { type: 'ApplyImportBatch', orgId: context.orgId, importId: context.importId, operations: batch.operations, lines: batch.lines, partial: context.partial },
    { commandId: batch.commandId, actor: context.actor, channel: context.format, importId: context.importId, fileName: context.fileName, now: context.now },
  );
  if (E.isLeft(result)) return result;
  const byLine = new Map(batch.entries.map((entry) => [entry.line === 0 ? `0:${entry.learnerId}` : String(entry.line), entry] as const));
  for (const outcome of result.right.outcomes) {
    if (outcome.status !== 'rejected' || outcome.line === undefined) continue;
    const entry = outcome.line === 0 ? byLine.get(`0:${outcome.subject}`) : byLine.get(String(outcome.line));
    if (!entry) continue;
    entry.action = 'error';
    entry.error = { code: outcome.code, message: outcome.message };
    delete entry.ops;
  }
  return E.right({ appended: result.right.status === 'applied' });
};
