import { firstControlCharacter, showValue, type ColumnNames, type FileIssue, type IdColumn, type ImportFormat, type LearnerFileItem } from '@learner-ledger/core';
import type { CsvSyntaxCode } from './errors.js';
import { FORMATS, TEAM_SEPARATOR, columnNames, type ColumnKey } from './formats.js';
import { matchHeader, type HeaderMap } from './headers.js';
import { ACTIVE_SPELLINGS, flattenLines, parseActive, parseIsoDate, restoreCell, trimSpaces } from './values.js';

// eslint-disable-next-line no-control-regex
const SUSPICIOUS = /[\u0000-\u001f\u007f\ufeff]/;

/** Distinct team cells split and kept at most (a whole file for one team repeats one cell). */
const TEAM_CELLS_KEPT = 10_000;

type Item = LearnerFileItem<CsvSyntaxCode>;

/**
 * One record of a table of text cells, whatever the file type: a CSV
 * record, a worksheet's row. Its cells are text as the file holds it (a
 * spreadsheet's numbers already written as text).
 */
export interface CellRecord {
  /** The 1-based line (CSV) or row number (worksheet) the record starts on. */
  readonly line: number;
  readonly fields: readonly string[];
  /** Cells (by index) a workbook stored as numbers, dates or booleans rather than as text. */
  readonly numbers?: ReadonlySet<number>;
}

/**
 * Reads a record before the header: `undefined` for a blank one (skipped),
 * else the header item and the reader of the rows after it, or the header's
 * errors (the file is refused).
 */
export const readHeader = (record: CellRecord, format: ImportFormat | undefined): { reader: RowReader; item: Item } | { errors: Item[] } | undefined => {
  if (record.fields.every((f) => f.trim() === '')) return undefined;
  const matched = matchHeader(record.fields, format);
  if ('errors' in matched) return { errors: matched.errors.map((error) => ({ kind: 'file-error', error: { ...error, line: record.line } })) };
  const reader = new RowReader(matched.header);
  return { reader, item: { kind: 'header', format: matched.header.format, columns: reader.columns } };
};

const lineError = (line: number, learnerId: string, error: FileIssue<CsvSyntaxCode>): Item => ({ kind: 'line-error', line, learnerId, error });

/**
 * Reads the records of a CSV file, after its header, as learner rows: one
 * value per column, formula neutralisation undone, surrounding spaces
 * removed, `Active` and `Deactivation Date` read, `Teams` split. A record no
 * row can be read from (a value count that does not match the header, a
 * control character, a byte-order mark or the header again in the middle of
 * the file, an `Active` or a date no spelling matches) is an error line.
 * What the row then asks of the organization is the import's business.
 */
export class RowReader {
  readonly columns: ColumnNames;
  private readonly headerKey: string;
  private readonly multipleTeams: boolean;
  private readonly teamCells = new Map<string, readonly string[]>();

  constructor(readonly header: HeaderMap) {
    this.columns = columnNames(header.format);
    this.headerKey = header.names.map((n) => n.toLowerCase()).join('\u0000');
    this.multipleTeams = FORMATS[header.format].multipleTeams;
  }

  private cell(fields: readonly string[], key: ColumnKey): string {
    const at = this.header.index[key];
    return at === undefined ? '' : (fields[at] ?? '');
  }

  /** The record as a row or an error line; undefined for an empty line, which is no row. */
  read(record: CellRecord): Item | undefined {
    const { line, fields: raw } = record;
    const { width, names } = this.header;
    if (raw.length === 1 && raw[0] === '' && width > 1) return undefined;
    const learnerId = trimSpaces(restoreCell(this.cell(raw, 'learnerId')));
    if (raw.length !== width) {
      return lineError(line, learnerId, {
        code: 'FIELD_COUNT',
        expected: `${width} values, one per column`,
        message: `${raw.length} value${raw.length === 1 ? '' : 's'}, but the header has ${width} columns (a missing or extra comma, or an unquoted value with a comma)`,
      });
    }
    if (learnerId === '' && raw.every((value) => trimSpaces(value) === '')) {
      return { kind: 'row', line, learnerId: '', firstName: '', lastName: '', email: '', employeeId: '', teams: [], active: null, reason: '', deactivationDate: '' };
    }
    // Only a cell that starts with a quote can be a neutralised formula: most records are taken as they are.
    const fields = raw.some((value) => value.charCodeAt(0) === 39) ? raw.map(restoreCell) : raw;
    for (let i = 0; i < fields.length; i++) {
      const value = fields[i]!;
      if (!SUSPICIOUS.test(value)) continue;
      // A joined file puts its byte-order mark at the start of a cell; inside a value U+FEFF is text the API accepts.
      if (value.charCodeAt(0) === 0xfeff) {
        return lineError(line, learnerId, { code: 'MISPLACED_BOM', column: names[i]!, value, expected: 'text without a byte-order mark', message: 'A byte-order mark (U+FEFF) starts the value: were two files joined?' });
      }
      // A reason may span lines (they become spaces); the other cells are one line of text.
      const control = i === this.header.index.reason ? undefined : firstControlCharacter(value);
      if (control) return lineError(line, learnerId, { code: 'CONTROL_CHARACTER', column: names[i]!, value, expected: 'text without control characters', message: `The value ${showValue(value)} holds the control character ${control}` });
    }
    if (this.isHeaderAgain(fields)) {
      return lineError(line, learnerId, { code: 'REPEATED_HEADER', column: this.columns.learnerId, value: this.cell(fields, 'learnerId'), expected: 'a learner row', message: 'The header line is repeated here: were two files joined?' });
    }
    const activeCell = this.cell(fields, 'active');
    const active = parseActive(activeCell);
    if (active === undefined) {
      return lineError(line, learnerId, { code: 'INVALID_ACTIVE', column: this.columns.active, value: activeCell, expected: ACTIVE_SPELLINGS, message: `${showValue(activeCell)} is not one of ${ACTIVE_SPELLINGS}` });
    }
    const dateCell = this.cell(fields, 'deactivationDate');
    const date = trimSpaces(dateCell) === '' ? '' : parseIsoDate(dateCell);
    if (date === undefined) {
      return lineError(line, learnerId, { code: 'INVALID_DATE', column: this.columns.deactivationDate, value: dateCell, expected: 'a date YYYY-MM-DD', message: `${showValue(dateCell)} is not a date YYYY-MM-DD` });
    }
    const reason = this.cell(fields, 'reason');
    const numbers = record.numbers ? this.idsStoredAsNumbers(record.numbers) : undefined;
    const row: Item = {
      kind: 'row',
      line,
      learnerId,
      firstName: this.cell(fields, 'firstName').trim(),
      lastName: this.cell(fields, 'lastName').trim(),
      email: trimSpaces(this.cell(fields, 'email')),
      employeeId: trimSpaces(this.cell(fields, 'employeeId')),
      teams: this.teamNames(this.cell(fields, 'teams')),
      active,
      reason: reason === '' ? '' : flattenLines(reason.trim()),
      deactivationDate: date,
    };
    return numbers ? { ...row, idsStoredAsNumbers: numbers } : row;
  }

  /** The id columns among cells stored as numbers. */
  private idsStoredAsNumbers(cells: ReadonlySet<number>): IdColumn[] | undefined {
    const ids = (['learnerId', 'employeeId'] as const).filter((key) => this.header.index[key] !== undefined && cells.has(this.header.index[key]!));
    return ids.length > 0 ? ids : undefined;
  }

  private isHeaderAgain(fields: readonly string[]): boolean {
    const first = fields[this.header.index.learnerId!]!;
    // 'Learner ID' is ten characters: a shorter id is no header, without lower-casing every line's cells.
    return first.length >= 10 && first.trim().toLowerCase() === 'learner id' && fields.map((f) => f.trim().toLowerCase()).join('\u0000') === this.headerKey;
  }

  /** The team names of a cell: `;`-separated in a Data Services file, one in the template. */
  private teamNames(cell: string): readonly string[] {
    const known = this.teamCells.get(cell);
    if (known !== undefined) return known;
    const teams = cell === '' ? [] : this.multipleTeams ? cell.split(TEAM_SEPARATOR) : [cell];
    if (this.teamCells.size < TEAM_CELLS_KEPT) this.teamCells.set(cell, teams);
    return teams;
  }
}
