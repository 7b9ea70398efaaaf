import type { ImportOperation } from '../../commands.js';
import { decideImportOperations } from '../../organization/imports.js';
import { draftOf, type OrganizationState } from '../../organization/state.js';
import { applyOrder, operationsOf } from './batches.js';
import { lineKey, refuseLine, type PlanEntry } from './plan.js';
import type { PlanLines } from './plan-lines.js';
import type { ImportProgress } from './progress.js';
import { lineRefusal } from './refusal.js';
import type { ColumnNames } from './source.js';

export interface CheckContext {
  readonly state: OrganizationState;
  readonly importId: string;
  readonly now: string;
  readonly columns: ColumnNames;
  /** Operations decided at a time, as the batches are applied. */
  readonly batchSize: number;
  readonly onProgress?: (progress: ImportProgress) => void;
}

/**
 * Checks the plan against the decider before anything is written: the lines
 * that change something are decided in the order they will be applied,
 * batch after batch, on one draft of the organization (the organization
 * itself is neither changed nor copied), as `ApplyImportBatch` with `partial`
 * would decide them. Each line the decider refuses becomes an error line,
 * with the decider's code and message and the file's column.
 */
export const checkPlan = <C extends string>(entries: PlanLines<C>, context: CheckContext): void => {
  const { changing } = applyOrder(entries);
  const total = entries.length;
  const draft = draftOf(context.state);
  let operations: ImportOperation[] = [];
  let pending: PlanEntry<C>[] = [];
  let checked = 0;
  const decide = (): void => {
    const byLine = new Map<string, PlanEntry<C>>();
    for (const entry of pending) byLine.set(lineKey(entry.line, entry.learnerId), entry);
    for (const outcome of decideImportOperations(draft, operations, context.now).outcomes) {
      if (outcome.status !== 'rejected' || outcome.line === undefined) continue;
      const entry = byLine.get(lineKey(outcome.line, outcome.subject));
      if (entry && entry.action !== 'error') refuseLine(entry, lineRefusal<C>(outcome, entry.action, context.state, context.columns));
    }
    checked += pending.length;
    context.onProgress?.({ stage: 'checking', rows: checked, total });
    operations = [];
    pending = [];
  };
  context.onProgress?.({ stage: 'checking', rows: 0, total });
  for (const entry of changing) {
    for (const op of operationsOf(context.importId, entry)) operations.push(op);
    pending.push(entry);
    if (operations.length >= context.batchSize) decide();
  }
  if (pending.length > 0) decide();
  if (checked < total) context.onProgress?.({ stage: 'checking', rows: total, total });
};
