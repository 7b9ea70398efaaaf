import { TextDecoder } from 'node:util';
import { dateFromSerial, spreadsheetNumberText } from '@learner-ledger/core';
import { WorkbookError, type Workbook } from './workbook.js';
import { unescapeCellText, XmlReader, type XmlHandler } from './xml.js';
import { ZipError, type ZipArchive } from './zip-read.js';

/** `A` → 0, `Z` → 25, `AA` → 26: the column of a cell reference (`AA12`). */
export const columnIndex = (reference: string): number => {
  let index = 0;
  for (let i = 0; i < reference.length; i++) {
    const c = reference.charCodeAt(i);
    if (c < 65 || c > 90) break;
    index = index * 26 + (c - 64);
  }
  return index - 1;
};

/** 0 → `A`, 26 → `AA`. */
export const columnLetters = (index: number): string => {
  let letters = '';
  for (let n = index + 1; n > 0; n = Math.floor((n - 1) / 26)) letters = String.fromCharCode(65 + ((n - 1) % 26)) + letters;
  return letters;
};

/** A cell that holds no value the import can take: a formula (never evaluated) or a spreadsheet error. */
export interface CellIssue {
  readonly kind: 'formula' | 'error';
  readonly column: number;
  /** `=…` for a formula, `#N/A` for an error. */
  readonly value: string;
}

/** One row of a sheet: its row number, the text of its cells, which of them were stored as numbers, and the first cell it cannot take. */
export interface SheetRow {
  readonly line: number;
  readonly fields: string[];
  readonly numbers?: ReadonlySet<number>;
  readonly issue?: CellIssue;
}

/** The ISO date (and time, when not midnight) of a date serial. */
const dateText = (serial: number, date1904: boolean): string => {
  const day = dateFromSerial(serial, date1904);
  const seconds = Math.round((serial - Math.floor(serial)) * 86_400);
  if (seconds === 0 || seconds === 86_400) return day;
  const time = new Date(seconds * 1000).toISOString().slice(11, 19);
  return `${day} ${time}`;
};

/**
 * Reads the rows of a sheet part, streaming: each `<row>` becomes the text of
 * its cells by column (shared and inline strings as they are, `_xHHHH_`
 * undone; booleans `TRUE`/`FALSE`; numbers as a spreadsheet shows them in
 * its General format; date-styled numbers as ISO dates). A formula is never
 * evaluated, nor its cached value taken: the cell is an issue of its row.
 */
export async function* sheetRows(zip: ZipArchive, workbook: Workbook, part: string): AsyncGenerator<SheetRow> {
  const entry = zip.entry(part);
  if (!entry) throw new WorkbookError(`The workbook has no part ${part}`);
  const ready: SheetRow[] = [];
  const { sharedStrings, dateStyles, date1904 } = workbook;
  let rowNumber = 0;
  let fields: string[] = [];
  let numbers: Set<number> | undefined;
  let issue: CellIssue | undefined;
  // The cell being read.
  let column = -1;
  let type = 'n';
  let style = 0;
  let value = '';
  let formula: string | undefined;
  let capture: 'v' | 'f' | 't' | undefined;
  let inline = false;
  let phonetic = 0;
  let inRow = false;

  const endCell = (): void => {
    let text: string;
    let number = false;
    if (formula !== undefined) {
      issue ??= { kind: 'formula', column, value: `=${formula}` };
      return;
    }
    switch (type) {
      case 's': {
        const shared = value === '' ? '' : sharedStrings.get(Number(value));
        if (shared === undefined) throw new WorkbookError(`Cell ${columnLetters(column)}${rowNumber} refers to shared string ${value}, which the workbook does not have`);
        text = shared;
        break;
      }
      case 'inlineStr':
      case 'str':
        text = unescapeCellText(value);
        break;
      case 'b':
        text = value === '' ? '' : value === '1' || value === 'true' ? 'TRUE' : 'FALSE';
        number = true;
        break;
      case 'e':
        issue ??= { kind: 'error', column, value };
        return;
      case 'd':
        text = /^\d{4}-\d{2}-\d{2}(T00:00(:00(\.0+)?)?Z?)?$/.test(value) ? value.slice(0, 10) : value;
        number = true;
        break;
      default:
        if (value === '') return;
        text = !Number.isFinite(Number(value)) ? value : dateStyles.has(style) ? dateText(Number(value), date1904) : spreadsheetNumberText(Number(value));
        number = true;
    }
    if (text === '') return;
    while (fields.length < column) fields.push('');
    fields[column] = text;
    if (number) (numbers ??= new Set()).add(column);
  };

  const handler: XmlHandler = {
    open(name, a) {
      switch (name) {
        case 'row': {
          const r = a['r'];
          rowNumber = r !== undefined ? Number(r) : rowNumber + 1;
          fields = [];
          numbers = undefined;
          issue = undefined;
          column = -1;
          inRow = true;
          return;
        }
        case 'c': {
          if (!inRow) return;
          column = a['r'] !== undefined ? columnIndex(a['r']) : column + 1;
          type = a['t'] ?? 'n';
          style = a['s'] !== undefined ? Number(a['s']) : 0;
          value = '';
          formula = undefined;
          inline = false;
          return;
        }
        case 'v':
          capture = 'v';
          return;
        case 'f':
          formula ??= '';
          capture = 'f';
          return;
        case 'is':
          inline = true;
          return;
        case 'rPh':
          phonetic++;
          return;
        case 't':
          if (inline && phonetic === 0) capture = 't';
          return;
      }
    },
    close(name) {
      switch (name) {
        case 'v':
        case 'f':
        case 't':
          capture = undefined;
          return;
        case 'rPh':
          phonetic--;
          return;
        case 'c':
          if (inRow) endCell();
          return;
        case 'row':
          if (!inRow) return;
          inRow = false;
          ready.push({ line: rowNumber, fields, ...(numbers ? { numbers } : {}), ...(issue ? { issue } : {}) });
      }
    },
    text(text) {
      if (capture === 'v' || capture === 't') value += text;
      else if (capture === 'f') formula += text;
    },
  };

  const reader = new XmlReader(handler);
  const decoder = new TextDecoder('utf-8', { fatal: true });
  try {
    for await (const bytes of zip.read(entry)) {
      reader.write(decoder.decode(bytes, { stream: true }));
      if (ready.length > 0) yield* ready.splice(0);
    }
    reader.write(decoder.decode());
    reader.end();
  } catch (error) {
    if (error instanceof ZipError || error instanceof WorkbookError) throw error;
    throw new WorkbookError(`The sheet ${part} is not readable XML: ${(error as Error).message}`);
  }
  yield* ready.splice(0);
}
