import type { ErrorCode } from '@learner-ledger/core';

// Why a file, or one of its lines, was refused. Codes are stable (scripts and
// tests rely on them); messages say what a person must fix. A refusal that
// means what a core error means has the core's code (UNKNOWN_TEAM, INVALID_EMAIL, …).

/** Codes that refuse the file as a whole: nothing of it is applied, even with `partial`. */
const FILE_ERROR_CODES = [
  'FILE_UNREADABLE',
  'ENCODING',
  'EMPTY_FILE',
  'HEADER_ONLY',
  'HEADER_MISSING',
  'HEADER_UNKNOWN',
  'HEADER_DUPLICATE',
  'UNCLOSED_QUOTE',
  'INVALID_QUOTE',
  'RECORD_TOO_LARGE',
  'INVALID_TARGET_TEAM',
  'MASS_DEACTIVATION',
  'FILE_CHANGED',
  'LOCATION_REQUIRED',
  'ORGANIZATION_NOT_FOUND',
  'INVALID_OPTION',
] as const;

/** Codes of one line: with `partial` the line is recorded as an error and the rest applied. */
const LINE_ERROR_CODES = [
  'FIELD_COUNT',
  'MISSING_VALUE',
  'INVALID_ACTIVE',
  'INVALID_DATE',
  'DATE_CONFLICT',
  'INVALID_ID',
  'INVALID_EMAIL',
  'INVALID_TEXT',
  'CONTROL_CHARACTER',
  'MISPLACED_BOM',
  'REPEATED_HEADER',
  'DUPLICATE_LEARNER_ID',
  'DUPLICATE_EMAIL',
  'UNKNOWN_TEAM',
  'INACTIVE_LEARNER_ON_STANDARD_TEAM',
  'LICENSE_POOL_EXHAUSTED',
] as const;

/** Every code the CSV adapter reports: the file-wide ones first, then the line ones. */
export const CSV_ERROR_CODES = [...FILE_ERROR_CODES, ...LINE_ERROR_CODES] as const;

/** A code of {@link CSV_ERROR_CODES}, or a core domain error code (the ledger refused a batch, or no such target team). */
export type CsvErrorCode = (typeof CSV_ERROR_CODES)[number] | ErrorCode;

export interface CsvImportError {
  readonly code: CsvErrorCode;
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

/** Errors that stop the whole file whatever the options (structure, encoding, safety). */
export const FILE_LEVEL_CODES: ReadonlySet<string> = new Set(FILE_ERROR_CODES);

/**
 * Whether an error refuses the whole file, even with `partial`: a file-wide
 * code, or an error raised about the file rather than one of its lines (it
 * names no line), such as an unknown target team.
 */
export const refusesFile = (error: CsvImportError): boolean => error.line === undefined || FILE_LEVEL_CODES.has(error.code);

/** A structural problem found while reading: it ends the reading of the file. */
export class CsvFileError extends Error {
  constructor(
    readonly detail: Omit<CsvImportError, 'file'>,
    /** 0-based index of the cell at fault, when known (named once the header is known). */
    readonly fieldIndex?: number,
    /** The cells of the file's first record (its header), when it was read before the failure. */
    public headerCells?: readonly string[],
  ) {
    super(detail.message);
  }
}

/** Renders a value for a message: quoted, with invisible characters made visible, long values cut. */
export const show = (value: string): string => {
  const cut = value.length > 80 ? `${value.slice(0, 77)}…` : value;
  return JSON.stringify(cut).replace(/[\u00a0\ufeff\u200b]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
};
