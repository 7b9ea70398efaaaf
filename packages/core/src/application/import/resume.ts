import type { ImportLineRecord } from '../../events.js';
import type { Ledger } from '../../ledger/ledger.js';
import { lineKey } from './plan.js';
import { PlanLines } from './plan-lines.js';
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
  entries: PlanLines<C>,
): Promise<{ pending: PlanLines<C>; recorded: Map<string, ImportLineRecord> }> => {
  const { lines } = await readRecordedImport(ledger, orgId, importId);
  const recorded = new Map(lines.map((l) => [lineKey(l.line, l.learnerId), l] as const));
  if (recorded.size === 0) return { pending: entries, recorded };
  const pending = new PlanLines<C>();
  for (let index = 0; index < entries.length; index++) {
    if (!recorded.has(lineKey(entries.line(index), entries.learnerId(index)))) pending.push(entries.at(index));
  }
  return { pending, recorded };
};
