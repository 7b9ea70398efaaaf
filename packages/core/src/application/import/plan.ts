import type { ImportOperation } from '../../commands.js';
import type { ImportCounts, ImportLineAction } from '../../events.js';
import type { FileIssue } from './errors.js';
import type { MatchedId } from './spreadsheet-ids.js';

/** One line of an import as the report shows it. */
export interface PlannedLine {
  /** 1-based line of the file; 0 for a learner the file does not list (full sync). */
  readonly line: number;
  readonly learnerId: string;
  readonly action: ImportLineAction;
  /** Why the line is an error. */
  readonly error?: { readonly code: string; readonly column?: string; readonly message: string };
  /** Why a line is skipped, when a deactivation is scheduled, or which ids a spreadsheet had changed were matched. */
  readonly message?: string;
  /** Ids of the line that a spreadsheet had changed, matched to the learner's own (with `matchMangledIds`). */
  readonly matched?: readonly MatchedId[];
}

/**
 * One line of the plan: what it does, the operations it asks of the ledger,
 * or why it is refused. Kept for every row until the file is applied, so it
 * stays small: plain fields, operations only for lines that change something.
 */
export interface PlanEntry<C extends string = never> {
  line: number;
  learnerId: string;
  action: ImportLineAction;
  ops?: ImportOperation[];
  message?: string;
  error?: FileIssue<C>;
  matched?: readonly MatchedId[];
}

/** The lines by what they did. */
export const countLines = (lines: Iterable<{ readonly action: ImportLineAction }>): Required<ImportCounts> => {
  const counts = { registered: 0, deactivated: 0, reactivated: 0, updated: 0, scheduled: 0, unchanged: 0, skipped: 0, errors: 0 };
  for (const { action } of lines) {
    switch (action) {
      case 'register': counts.registered++; break;
      case 'deactivate': counts.deactivated++; break;
      case 'reactivate': counts.reactivated++; break;
      case 'update': counts.updated++; break;
      case 'schedule': counts.scheduled++; break;
      case 'unchanged': counts.unchanged++; break;
      case 'skipped': counts.skipped++; break;
      case 'error': counts.errors++; break;
    }
  }
  return counts;
};

/** Marks a line refused: it asks nothing of the ledger any more. */
export const refuseLine = <C extends string>(entry: PlanEntry<C>, error: FileIssue<C>): void => {
  entry.action = 'error';
  entry.error = error;
  delete entry.ops;
  delete entry.message;
};

/** The key of a line: its number, or (line 0, full sync) the learner it is about. */
export const lineKey = (line: number, learnerId: string): string => (line === 0 ? `0:${learnerId}` : String(line));
