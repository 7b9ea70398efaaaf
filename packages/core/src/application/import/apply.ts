import * as E from 'fp-ts/lib/Either.js';
import type { DomainError } from '../../errors.js';
import type { Ledger } from '../../ledger/ledger.js';
import type { OrganizationState } from '../../organization/state.js';
import type { BatchPlan, ImportBatch } from './batches.js';
import { commandContext, type ImportContext } from './context.js';
import { lineKey, refuseLine, type PlanEntry } from './plan.js';
import type { ImportProgress } from './progress.js';
import { lineRefusal } from './refusal.js';
import type { ColumnNames } from './source.js';

/** What turns a refusal into a line's error: the organization the file was checked against (team names), and the file's column names. */
export interface RefusalContext {
  readonly state: OrganizationState;
  readonly columns: ColumnNames;
}

/**
 * Applies one batch as one command, one append. In partial mode the lines
 * the ledger refuses now (the organization changed since the file was
 * checked) become error lines of the plan; the ledger records them so too.
 */
const applyBatch = async <C extends string>(ledger: Ledger, batch: ImportBatch<C>, context: ImportContext, refusals: RefusalContext): Promise<E.Either<DomainError, { readonly appended: boolean }>> => {
  const result = await ledger.execute(
    { type: 'ApplyImportBatch', orgId: context.orgId, importId: context.importId, operations: batch.operations, lines: batch.lines, partial: context.partial },
    { ...commandContext(context, 'batch'), commandId: batch.commandId },
  );
  if (E.isLeft(result)) return result;
  const refused = result.right.outcomes.filter((outcome) => outcome.status === 'rejected');
  if (refused.length > 0) {
    const byLine = new Map<string, PlanEntry<C>>(batch.entries.map((entry) => [lineKey(entry.line, entry.learnerId), entry]));
    for (const outcome of refused) {
      if (outcome.status !== 'rejected' || outcome.line === undefined) continue;
      const entry = byLine.get(lineKey(outcome.line, outcome.subject));
      if (entry) refuseLine(entry, lineRefusal<C>(outcome, entry.action, refusals.state, refusals.columns));
    }
  }
  return E.right({ appended: result.right.status === 'applied' });
};

/** How applying the batches ended: all applied, or stopped by the ledger's refusal or a failure, after `appends` appends. */
export interface Applied {
  readonly appends: number;
  readonly stoppedBy?: DomainError;
}

/** Applies the batches in order, reporting batch k of n; the first refusal or failure stops them. */
export const applyInBatches = async <C extends string>(
  ledger: Ledger,
  plan: BatchPlan<C>,
  context: ImportContext,
  refusals: RefusalContext,
  onProgress?: (progress: ImportProgress) => void,
): Promise<Applied> => {
  const { count, rows: total } = plan;
  let appends = 0;
  let rows = 0;
  let index = 0;
  for (const batch of plan.batches) {
    onProgress?.({ stage: 'applying', batch: ++index, batches: count, rows, total });
    const applied = await applyBatch(ledger, batch, context, refusals);
    if (E.isLeft(applied)) return { appends, stoppedBy: applied.left };
    if (applied.right.appended) appends++;
    rows += batch.entries.length;
  }
  if (count > 0) onProgress?.({ stage: 'applying', batch: count, batches: count, rows, total });
  return { appends };
};
