import type { ErrorCode } from '../../errors.js';

/** The import workflow's own refusals of a whole file: nothing of it is applied, even with `partial`. */
export const IMPORT_FILE_ERROR_CODES = [
  /** The file cannot be read (yet): a queued import stays queued and is tried again. */
  'FILE_UNREADABLE',
  'EMPTY_FILE',
  'HEADER_ONLY',
  /** The target team is the inactive team. */
  'INVALID_TARGET_TEAM',
  'MASS_DEACTIVATION',
  /** A queued file's bytes changed since it was received. */
  'FILE_CHANGED',
  'LOCATION_REQUIRED',
  'INVALID_OPTION',
] as const;

/** The import workflow's own refusals of one line (the decider's refusals keep their codes). */
export const IMPORT_LINE_ERROR_CODES = [
  /** A blank learner id, or a blank cell the decider needs (a new learner's e-mail). */
  'MISSING_VALUE',
  /** Active TRUE with a Deactivation Date. */
  'DATE_CONFLICT',
  /** An id a spreadsheet changed (leading zeros dropped, a number or date rewritten) that matches a learner's: refused with a repair hint unless matching is allowed. */
  'ID_MANGLED_BY_SPREADSHEET',
  /** An id cell stored as a number or date that is not exactly a learner's id: what was typed cannot be told. */
  'ID_STORED_AS_NUMBER',
] as const;

/** A code of an import's errors: the workflow's, or the decider's (`DUPLICATE_EMAIL`, `UNKNOWN_TEAM`, …). */
export type ImportErrorCode = (typeof IMPORT_FILE_ERROR_CODES)[number] | (typeof IMPORT_LINE_ERROR_CODES)[number] | ErrorCode;

/**
 * Why a file, or one of its lines, was refused. The message says what to fix;
 * the file, line, column and value are fields of their own, so the message
 * does not repeat them. `C`: the file adapter's own codes.
 */
export interface ImportError<C extends string = never> {
  readonly code: C | ImportErrorCode;
  /** The file name as given to the import. */
  readonly file: string;
  /** 1-based line of the file (the header is line 1); absent for errors about the file as a whole; 0 for a learner the file does not list. */
  readonly line?: number;
  /** The column's header, as the format spells it. */
  readonly column?: string;
  /** The offending value, verbatim. */
  readonly value?: string;
  /** What would have been accepted. */
  readonly expected?: string;
  readonly message: string;
}

/** An error before it is placed in a file: what an adapter or the planner found. */
export type FileIssue<C extends string> = Omit<ImportError<C>, 'file'>;

/** A value for a message: quoted, with invisible characters made visible, long values cut. */
export const showValue = (value: string): string => {
  const cut = value.length > 80 ? `${value.slice(0, 77)}…` : value;
  return JSON.stringify(cut).replace(/[\u00a0\ufeff\u200b]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
};
