import type { ImportCounts, ImportFormat, ImportOptions, ImportSchedule } from '../../events.js';
import type { Actor } from '../../metadata.js';
import type { ImportRecord } from '../../organization/state.js';
import type { ImportError } from './errors.js';
import type { PlannedLine } from './plan.js';
import type { ImportProgress } from './progress.js';
import type { LearnerFileSource } from './source.js';
import type { SafetyThreshold, ThresholdCheck } from './threshold.js';

/** Which lines a report lists: all, every line but the unchanged ones (a line matched to a learner despite a mangled id is listed), the errors, or none (counts and the audit are complete either way). */
export type ReportLines = 'all' | 'changes' | 'errors' | 'none';

/** What an import is asked to do, for one file. */
export interface ImportRequest {
  readonly orgId: string;
  /** The team the file is imported for (id or name, any letter case): new learners join it; the threshold and full sync are measured on it. */
  readonly targetTeam: string;
  /** Plan only: return what each line would do and write nothing at all. */
  readonly dryRun?: boolean;
  /** Apply the lines that can be, record the others as errors, instead of refusing the whole file. */
  readonly partial?: boolean;
  /** Also deactivate the target team's active learners that the file does not list. */
  readonly fullSync?: boolean;
  /** Apply even when the file deactivates more than the threshold allows. */
  readonly allowMassDeactivation?: boolean;
  /** The safety threshold; default 20% of the target team's active learners, checked from 10 deactivations. */
  readonly threshold?: Partial<SafetyThreshold>;
  /** `false`: deactivate without moving learners to the inactive team. Default `true` (the organization's policy). */
  readonly move?: boolean;
  /**
   * Apply the lines whose `Learner ID` or `Employee ID` a spreadsheet changed (leading zeros dropped, a number or date
   * rewritten) to the learner they match, each such line reported and audited as matched. Default `false`: such lines
   * are refused with a repair hint (`ID_MANGLED_BY_SPREADSHEET`).
   */
  readonly matchMangledIds?: boolean;
  /** `now` (default), or receive now and apply at the next `top-of-hour` or the `daily` import time. */
  readonly schedule?: ImportSchedule;
  /** Where a queued file is read again when due. */
  readonly location?: string;
  /** Who imports; default `{ kind: 'import', id: fileName }`. */
  readonly actor?: Actor;
  /** The instant of the import (ISO, UTC); default: the ledger's clock. */
  readonly now?: string;
  /** Operations per append; default 500. */
  readonly batchSize?: number;
  /** Which lines the report lists; default `all`. For very large files, `changes` or `none` keep the report small. */
  readonly reportLines?: ReportLines;
  /** Called as the import goes: rows read, rows checked, batch k of n applied, finishing. */
  readonly onProgress?: (progress: ImportProgress) => void;
}

/** An import of one learner file, read through its source. `C`: the source's own error codes. */
export interface RunImportOptions<C extends string = never> extends ImportRequest {
  readonly source: LearnerFileSource<C>;
  /** The import as the log holds it, when a received (queued or interrupted) import is processed. */
  readonly received?: ImportRecord;
}

export type ImportStatus = 'planned' | 'applied' | 'rejected' | 'scheduled' | 'already-applied' | 'interrupted';

/** What an import did (or, for a dry run, would do): the shape `import --json` prints. */
export interface ImportReport<C extends string = never> {
  readonly importId: string;
  readonly orgId: string;
  readonly fileName: string;
  readonly format: ImportFormat | null;
  readonly targetTeamId: string | null;
  /** SHA-256 of the file's bytes ('' when the file could not be read to its end). */
  readonly sha256: string;
  readonly dryRun: boolean;
  /** True when the file's changes are in the ledger (now or by an earlier import of the same file). */
  readonly applied: boolean;
  readonly status: ImportStatus;
  /** For a scheduled import: when it becomes due. */
  readonly dueAt?: string;
  /** Data rows read (the header and empty lines excluded). */
  readonly rowCount: number;
  readonly counts: ImportCounts;
  /** One entry per line, in file order; full-sync deactivations (line 0) last. */
  readonly lines: readonly PlannedLine[];
  /** Why the file or its lines were refused: the file's errors, then line errors in line order (the first 1000). */
  readonly errors: readonly ImportError<C>[];
  /** Line errors beyond the first 1000, left out of `errors` (they are in `lines` and counted in `counts.errors`). */
  readonly omittedErrors?: number;
  readonly threshold?: ThresholdCheck;
  /** Appends written by this call. */
  readonly appends: number;
}

/** Line errors listed in a report's `errors` at most. */
export const MAX_LISTED_ERRORS = 1000;

/** The options an import records, with their defaults. */
export const recordedOptions = (request: ImportRequest): ImportOptions => ({
  partial: request.partial ?? false,
  fullSync: request.fullSync ?? false,
  allowMassDeactivation: request.allowMassDeactivation ?? false,
  move: request.move ?? true,
  ...(request.matchMangledIds === true ? { matchMangledIds: true } : {}),
});
