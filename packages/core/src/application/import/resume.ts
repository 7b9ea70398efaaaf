import type { ImportLineRecord } from '../../events.js';
import type { Ledger } from '../../ledger/ledger.js';
import { lineKey, type PlanEntry } from './plan.js';
import { readRecordedImport } from './recorded.js';

/**
 * Resumes an import an earlier run began (interrupted between batches, or
 * queued): the lines the log already records for it are not written again.
 * Returns the lines still to apply, and the recorded ones by line (what they
 * did stands in the report).
 */
export const resumeFromRecordedLines = async <C extends string>(
  ledger: Ledger,
  orgId: string,
  importId: string,
  entries: readonly PlanEntry<C>[],
): Promise<{ pending: PlanEntry<C>[]; recorded: Map<string, ImportLineRecord> }> => {
  const { lines } = await readRecordedImport(ledger, orgId, importId);
  const recorded = new Map(lines.map((l) => [lineKey(l.line, l.learnerId), l] as const));
  const pending = recorded.size === 0 ? [...entries] : entries.filter((entry) => !recorded.has(lineKey(entry.line, entry.learnerId)));
  return { pending, recorded };
};
