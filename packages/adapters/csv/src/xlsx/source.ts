import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { ImportFormat, LearnerFileItem, LearnerFileSource } from '@learner-ledger/core';
import type { FileFacts, ImportInput } from '../encoding.js';
import type { CsvSyntaxCode } from '../errors.js';
import { IMPORT_FORMATS } from '../formats.js';
import { readHeader, type RowReader } from '../rows.js';
import { learnerFileSource, type LearnerFileOptions } from '../source.js';
import { restoreCell, trimSpaces } from '../values.js';
import { columnLetters, sheetRows, type SheetRow } from './sheet.js';
import { openWorkbook, WorkbookError, type Workbook } from './workbook.js';
import { ZipArchive, ZipError } from './zip-read.js';

type Item = LearnerFileItem<CsvSyntaxCode>;

/** The file on disk the workbook is read from (random access), and how to let go of it. */
interface LocalFile {
  readonly path: string;
  readonly remove: () => Promise<void>;
}

/** Hashes the input and, when it is a stream, spools it to a temporary file: a workbook is read by its directory, at its end. */
const localFile = async (input: ImportInput, facts: FileFacts): Promise<LocalFile> => {
  const hash = createHash('sha256');
  const count = async function* (chunks: AsyncIterable<Uint8Array | string>) {
    for await (const chunk of chunks) {
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
      hash.update(bytes);
      facts.bytes += bytes.length;
      yield bytes;
    }
  };
  if (typeof input === 'string') {
    for await (const _ of count(createReadStream(input, { highWaterMark: 256 * 1024 }))) {
      // hashed as it streams through
    }
    facts.sha256 = hash.digest('hex');
    return { path: input, remove: async () => undefined };
  }
  const folder = await mkdtemp(join(tmpdir(), 'learner-ledger-xlsx-'));
  const remove = () => rm(folder, { recursive: true, force: true });
  try {
    const path = join(folder, 'upload.xlsx');
    await pipeline(count(input), createWriteStream(path));
    facts.sha256 = hash.digest('hex');
    return { path, remove };
  } catch (error) {
    await remove();
    throw error;
  }
};

const startsWith = (bytes: Uint8Array, prefix: readonly number[]): boolean => prefix.every((b, i) => bytes[i] === b);
const ZIP = [0x50, 0x4b, 0x03, 0x04];
/** An Excel 97-2003 workbook (.xls) is a compound file, not a ZIP archive. */
const COMPOUND_FILE = [0xd0, 0xcf, 0x11, 0xe0];

/** Why the file is not a workbook, from its first bytes; undefined when it starts as a ZIP archive. */
const notAWorkbook = async (path: string): Promise<string | undefined> => {
  const file = await open(path, 'r');
  try {
    const head = Buffer.alloc(4);
    await file.read(head, 0, 4, 0);
    if (startsWith(head, ZIP)) return undefined;
    if (startsWith(head, COMPOUND_FILE)) return 'The file is an Excel 97-2003 workbook (.xls), which the import does not read: save it as an Excel workbook (.xlsx) or as CSV UTF-8';
    return 'The file is not an XLSX workbook (it is not a ZIP archive): if it is a CSV file, import it as CSV';
  } finally {
    await file.close();
  }
};

/** The sheet to import: the one named after the format asked for, else the only one named after a format, else the first. */
const sheetOf = (workbook: Workbook, format: ImportFormat | undefined): Workbook['sheets'][number] | undefined => {
  const named = (f: string) => workbook.sheets.filter((s) => s.name.trim().toLowerCase() === f);
  const asked = format ? named(format)[0] : undefined;
  const formats = IMPORT_FORMATS.flatMap(named);
  return asked ?? (formats.length === 1 ? formats[0] : undefined) ?? workbook.sheets[0];
};

/** A row the header names no column for, or a cell whose value cannot be taken: an error line. */
const cellError = (row: SheetRow, reader: RowReader): Item | undefined => {
  const { header } = reader;
  const at = header.index.learnerId;
  const learnerId = at === undefined ? '' : trimSpaces(restoreCell(row.fields[at] ?? ''));
  const place = (column: number) => `${columnLetters(column)}${row.line}`;
  if (row.issue) {
    const { column, kind, value } = row.issue;
    const name = header.names[column] ?? columnLetters(column);
    return kind === 'formula'
      ? { kind: 'line-error', line: row.line, learnerId, error: { code: 'FORMULA_CELL', column: name, value, expected: 'a value, not a formula', message: `Cell ${place(column)} holds a formula, which the import never evaluates: replace it by its value (copy the cells, then paste values only)` } }
      : { kind: 'line-error', line: row.line, learnerId, error: { code: 'ERROR_CELL', column: name, value, expected: 'a value', message: `Cell ${place(column)} holds the spreadsheet error ${value}, not a value` } };
  }
  if (row.fields.length > header.width) {
    const column = row.fields.findIndex((f, i) => i >= header.width && f !== '');
    return {
      kind: 'line-error',
      line: row.line,
      learnerId,
      error: { code: 'FIELD_COUNT', column: columnLetters(column), value: row.fields[column]!, expected: `${header.width} values, one per column`, message: `Cell ${place(column)} holds a value right of the header's last column (${columnLetters(header.width - 1)}): delete it, or give its column a header` },
    };
  }
  return undefined;
};

/** The items of a workbook's sheet: blank rows before the header skipped, the header matched, then each row read. */
async function* itemsOf(input: ImportInput, format: ImportFormat | undefined, facts: FileFacts): AsyncGenerator<Item> {
  let file: LocalFile;
  try {
    file = await localFile(input, facts);
  } catch (error) {
    const { message } = (error ?? {}) as { message?: unknown };
    const reason = (typeof message === 'string' ? message : String(error)).replace(/, \w+ '[^']*'$/, '');
    yield { kind: 'file-error', error: { code: 'FILE_UNREADABLE', message: `Cannot read ${typeof input === 'string' ? input : 'the upload'}: ${reason}` } };
    return;
  }
  let zip: ZipArchive | undefined;
  try {
    const wrongType = await notAWorkbook(file.path);
    if (wrongType) {
      yield { kind: 'file-error', error: { code: 'WRONG_FILE_TYPE', expected: 'an Excel workbook (.xlsx)', message: wrongType } };
      return;
    }
    zip = await ZipArchive.open(file.path);
    const workbook = await openWorkbook(zip);
    const sheet = sheetOf(workbook, format);
    if (!sheet) {
      yield { kind: 'file-error', error: { code: 'EMPTY_FILE', expected: 'a sheet with a header row and at least one learner', message: 'The workbook has no worksheet' } };
      return;
    }
    let reader: RowReader | undefined;
    for await (const row of sheetRows(zip, workbook, sheet.part)) {
      if (row.fields.every((f) => f === '') && !row.issue) continue; // an empty row, as a spreadsheet keeps for its formatting
      if (reader) {
        const item = cellError(row, reader) ?? reader.read({ line: row.line, fields: padded(row.fields, reader.header.width), ...(row.numbers ? { numbers: row.numbers } : {}) });
        if (item) yield item;
        continue;
      }
      if (row.issue) {
        yield { kind: 'file-error', error: { code: row.issue.kind === 'formula' ? 'FORMULA_CELL' : 'ERROR_CELL', line: row.line, value: row.issue.value, expected: 'header names as text', message: `Cell ${columnLetters(row.issue.column)}${row.line} of the header row holds a ${row.issue.kind === 'formula' ? 'formula' : 'spreadsheet error'}, not a column name` } };
        return;
      }
      const found = readHeader(row, format);
      if (!found) continue;
      if ('errors' in found) {
        yield* found.errors;
        return;
      }
      reader = found.reader;
      yield found.item;
    }
    if (!reader) {
      yield { kind: 'file-error', error: { code: 'EMPTY_FILE', expected: 'a header row and at least one learner', message: `The sheet ${JSON.stringify(sheet.name)} is empty` } };
    }
  } catch (error) {
    if (!(error instanceof ZipError || error instanceof WorkbookError)) throw error;
    yield { kind: 'file-error', error: { code: 'WORKBOOK_UNREADABLE', expected: 'an Excel workbook (.xlsx)', message: `The workbook cannot be read: ${error.message}` } };
  } finally {
    await zip?.close();
    await file.remove();
  }
}

const padded = (fields: string[], width: number): string[] => {
  while (fields.length < width) fields.push('');
  return fields;
};

/**
 * An Excel workbook (.xlsx) of learners — either format, on the sheet named
 * after the format or else the first — as the import workflow reads it: the
 * same header rules, row reading and line numbers (the sheet's row numbers)
 * as a CSV file. A formula is refused, never evaluated. Streams: the sheet
 * is read row by row, the shared strings kept compact; a stream input is
 * spooled to a temporary file first, since a workbook is read from its end.
 */
export const xlsxLearnerFile = (input: ImportInput, options: LearnerFileOptions): LearnerFileSource<CsvSyntaxCode> => learnerFileSource(input, options, itemsOf);
