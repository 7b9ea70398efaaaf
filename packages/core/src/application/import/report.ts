import type { ImportFormat, ImportLineRecord } from '../../events.js';
import type { ImportError } from './errors.js';
import { MAX_LISTED_ERRORS, type ImportReport, type ImportStatus, type ReportLines } from './options.js';
import { countLines, lineKey, type PlannedLine } from './plan.js';
import type { PlanLines } from './plan-lines.js';
import type { ThresholdCheck } from './threshold.js';

/** Everything a report of this import is made of, but its status. */
export interface ReportBasis<C extends string> {
  readonly orgId: string;
  readonly fileName: string;
  readonly dryRun: boolean;
  readonly importId: string;
  readonly format: ImportFormat | null;
  readonly targetTeamId: string | null;
  readonly sha256: string;
  readonly rowCount: number;
  readonly entries: PlanLines<C>;
  readonly errors: readonly ImportError<C>[];
  readonly omittedErrors: number;
  readonly threshold?: ThresholdCheck;
  readonly reportLines: ReportLines;
  /** Lines the log already records for this import (it is resumed): what they did stands. */
  recorded?: ReadonlyMap<string, ImportLineRecord>;
}

/** A line for the report: what it did, without its operations. */
const publicLine = (line: PlannedLine): PlannedLine => ({
  line: line.line,
  learnerId: line.learnerId,
  action: line.action,
  ...(line.error ? { error: { code: line.error.code, ...(line.error.column !== undefined ? { column: line.error.column } : {}), message: line.error.message } } : {}),
  ...(line.message !== undefined ? { message: line.message } : {}),
  ...(line.matched !== undefined ? { matched: line.matched } : {}),
});

/** A line as the audit recorded it. */
export const recordedLine = (l: ImportLineRecord): PlannedLine => ({
  line: l.line,
  learnerId: l.learnerId,
  action: l.action,
  ...(l.action === 'error'
    ? { error: { code: l.code ?? 'ERROR', ...(l.column !== undefined ? { column: l.column } : {}), message: l.message ?? '' } }
    : l.message !== undefined ? { message: l.message } : {}),
});

/** What each line did: the recorded outcome of lines an earlier run wrote, the plan's for the others. */
export function* linesOf<C extends string>(basis: ReportBasis<C>): Generator<PlannedLine> {
  const recorded = basis.recorded;
  for (const entry of basis.entries) {
    const earlier = recorded && recorded.size > 0 ? recorded.get(lineKey(entry.line, entry.learnerId)) : undefined;
    yield earlier ? recordedLine(earlier) : entry;
  }
}

/** The lines a report lists. */
export const listedLines = (lines: Iterable<PlannedLine>, which: ReportLines): PlannedLine[] => {
  const listed: PlannedLine[] = [];
  if (which === 'none') return listed;
  for (const line of lines) {
    if (which === 'errors' ? line.action === 'error' : which === 'changes' ? line.action !== 'unchanged' || line.matched !== undefined : true) listed.push(publicLine(line));
  }
  return listed;
};

/**
 * The lines by what they did. A plan's plain lines are unchanged ones: unless
 * an earlier run recorded some lines, only the kept entries are read.
 */
export const countsOf = <C extends string>(basis: ReportBasis<C>): ReturnType<typeof countLines> => {
  if (basis.recorded && basis.recorded.size > 0) return countLines(linesOf(basis));
  const counts = countLines(keptLines(basis.entries));
  counts.unchanged += basis.entries.length - basis.entries.keptCount;
  return counts;
};

function* keptLines<C extends string>(entries: ReportBasis<C>['entries']): Generator<PlannedLine> {
  for (const [, entry] of entries.keptInOrder()) yield entry;
}

/** The lines a report of this plan lists: a listing without the unchanged lines reads only the kept entries. */
const reportedLines = <C extends string>(basis: ReportBasis<C>): PlannedLine[] =>
  (basis.reportLines === 'changes' || basis.reportLines === 'errors') && !(basis.recorded && basis.recorded.size > 0)
    ? listedLines(keptLines(basis.entries), basis.reportLines)
    : listedLines(linesOf(basis), basis.reportLines);

/** The report of the import with this status. */
export const reportOf = <C extends string>(basis: ReportBasis<C>, status: ImportStatus, extra: Partial<ImportReport<C>> = {}): ImportReport<C> => ({
  importId: basis.importId,
  orgId: basis.orgId,
  fileName: basis.fileName,
  format: basis.format,
  targetTeamId: basis.targetTeamId,
  sha256: basis.sha256,
  dryRun: basis.dryRun,
  applied: status === 'applied' || status === 'already-applied',
  status,
  rowCount: basis.rowCount,
  counts: countsOf(basis),
  lines: reportedLines(basis),
  errors: basis.errors,
  ...(basis.threshold ? { threshold: basis.threshold } : {}),
  ...(basis.omittedErrors > 0 ? { omittedErrors: basis.omittedErrors } : {}),
  appends: 0,
  ...extra,
});

/** The report of an import refused before its file was read. */
export const refusedBeforeReading = <C extends string>(fields: { orgId: string; fileName: string; dryRun: boolean }, error: ImportError<C>): ImportReport<C> => ({
  importId: '',
  format: null,
  targetTeamId: null,
  sha256: '',
  applied: false,
  status: fields.dryRun ? 'planned' : 'rejected',
  rowCount: 0,
  counts: countLines([]),
  lines: [],
  errors: [error],
  appends: 0,
  ...fields,
});

/** The file's errors, then its line errors in line order: the first {@link MAX_LISTED_ERRORS} of them (a wrong file may have a million). */
export const listedErrors = <C extends string>(fileName: string, fileErrors: readonly ImportError<C>[], entries: PlanLines<C>): { errors: ImportError<C>[]; omitted: number; lineErrors: number } => {
  const errors = [...fileErrors];
  let lineErrors = 0;
  // Error lines are kept entries: the plain ones need not be read.
  for (const [, entry] of entries.keptInOrder()) {
    if (entry.action !== 'error' || !entry.error) continue;
    if (lineErrors++ < MAX_LISTED_ERRORS) errors.push({ ...entry.error, file: fileName, line: entry.line });
  }
  return { errors, omitted: Math.max(0, lineErrors - MAX_LISTED_ERRORS), lineErrors };
};
