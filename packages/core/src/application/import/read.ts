import type { ImportFormat } from '../../events.js';
import type { FileIssue } from './errors.js';
import { Planner, type PlannerContext } from './planner.js';
import type { ImportProgress } from './progress.js';
import type { ColumnNames, FileFacts, LearnerFileSource } from './source.js';

/** Rows between two `reading` progress reports. */
const READ_PROGRESS_EVERY = 1000;

/** The file read once: its format and column names, the plan of its rows, the facts of its bytes, and what ended or refused it. */
export interface Reading<C extends string> {
  readonly format: ImportFormat | null;
  readonly columns?: ColumnNames;
  readonly planner?: Planner<C>;
  readonly facts: FileFacts;
  readonly fileErrors: FileIssue<C>[];
}

/**
 * Reads the whole file once, streaming, into a compact plan: each row is
 * planned as it arrives and let go. A file error (unreadable, encoding,
 * header, quoting) ends the reading; a file without learners is refused.
 */
export const readRows = async <C extends string>(
  source: LearnerFileSource<C>,
  context: Omit<PlannerContext, 'columns'>,
  onProgress?: (progress: ImportProgress) => void,
): Promise<Reading<C>> => {
  let format: ImportFormat | null = source.format ?? null;
  let columns: ColumnNames | undefined;
  let planner: Planner<C> | undefined;
  const fileErrors: FileIssue<C>[] = [];
  onProgress?.({ stage: 'reading', rows: 0 });
  for await (const item of source.read()) {
    // After a file error only further file errors count (a header has one per wrong column); the source ends soon after.
    if (fileErrors.length > 0 && item.kind !== 'file-error') continue;
    switch (item.kind) {
      case 'header':
        format = item.format;
        columns = item.columns;
        planner = new Planner<C>({ ...context, columns });
        continue;
      case 'file-error':
        fileErrors.push(item.error);
        continue;
      case 'row':
        planner?.add(item);
        break;
      case 'line-error':
        planner?.addUnreadable(item.line, item.learnerId, item.error);
        break;
    }
    if (onProgress && planner && planner.rowCount % READ_PROGRESS_EVERY === 0) onProgress({ stage: 'reading', rows: planner.rowCount });
  }
  const facts = source.facts();
  if (fileErrors.length === 0) {
    if (!planner) fileErrors.push({ code: 'EMPTY_FILE', expected: 'a header line and at least one learner', message: 'The file has no header line' });
    else if (planner.entries.keptCount === planner.entries.length && [...planner.entries.keptInOrder()].every(([, e]) => e.action === 'skipped')) {
      fileErrors.push({ code: 'HEADER_ONLY', line: 1, expected: 'at least one learner row after the header', message: 'The file has a header but no learners' });
    }
  }
  onProgress?.({ stage: 'reading', rows: planner?.rowCount ?? 0 });
  return { format, ...(columns ? { columns } : {}), ...(planner ? { planner } : {}), facts, fileErrors };
};
