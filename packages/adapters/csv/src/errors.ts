import { ERROR_CODES, IMPORT_FILE_ERROR_CODES, IMPORT_LINE_ERROR_CODES, type ImportError, type ImportErrorCode } from '@learner-ledger/core';

// Why a file, or one of its lines, was refused. Codes are stable (scripts and
// tests rely on them); messages say what a person must fix. The adapter's own
// codes are about the file's bytes and cells (CSV or XLSX); the import
// workflow and the decider add theirs (MASS_DEACTIVATION, UNKNOWN_TEAM, …).

/** The file's type, syntax, encoding or header: nothing of the file is read past them. */
const CSV_FILE_CODES = [
  'ENCODING', 'HEADER_MISSING', 'HEADER_UNKNOWN', 'HEADER_DUPLICATE', 'UNCLOSED_QUOTE', 'INVALID_QUOTE', 'RECORD_TOO_LARGE',
  /** A workbook given as CSV, or a file that is no workbook given as XLSX. */
  'WRONG_FILE_TYPE',
  /** A workbook whose ZIP archive or parts are damaged or missing. */
  'WORKBOOK_UNREADABLE',
] as const;

/** A record no learner row can be read from: with `partial` the line is recorded as an error and the rest applied. */
const CSV_LINE_CODES = [
  'FIELD_COUNT', 'INVALID_ACTIVE', 'INVALID_DATE', 'CONTROL_CHARACTER', 'MISPLACED_BOM', 'REPEATED_HEADER',
  /** A workbook cell holding a formula: never evaluated. */
  'FORMULA_CELL',
  /** A workbook cell holding a spreadsheet error (#N/A, #REF!, …). */
  'ERROR_CELL',
] as const;

/** The adapter's own codes, CSV's and XLSX's. */
export type CsvSyntaxCode = (typeof CSV_FILE_CODES)[number] | (typeof CSV_LINE_CODES)[number];

/** Codes that refuse the file as a whole: nothing of it is applied, even with `partial`. */
const FILE_ERROR_CODES = [...IMPORT_FILE_ERROR_CODES, ...CSV_FILE_CODES, 'ORGANIZATION_NOT_FOUND'] as const;

/** Every code a CSV import reports: the file-wide ones first, then the line ones, then the decider's. */
export const CSV_ERROR_CODES: readonly string[] = [...new Set<string>([...FILE_ERROR_CODES, ...IMPORT_LINE_ERROR_CODES, ...CSV_LINE_CODES, ...ERROR_CODES])];

/** A code of {@link CSV_ERROR_CODES}: the CSV adapter's, the import workflow's or the decider's. */
export type CsvErrorCode = CsvSyntaxCode | ImportErrorCode;

/** An error of a CSV import: code, file, line, column, value, expected, and a message that says what to fix. */
export type CsvImportError = ImportError<CsvSyntaxCode>;

/** Errors that stop the whole file whatever the options (structure, encoding, safety). */
export const FILE_LEVEL_CODES: ReadonlySet<string> = new Set<string>(FILE_ERROR_CODES);

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
