import type { ImportFormat, LearnerFileItem, LearnerFileSource } from '@learner-ledger/core';
import type { FileFacts, ImportInput } from './encoding.js';
import { CsvFileError, type CsvSyntaxCode } from './errors.js';
import { matchHeader } from './headers.js';
import { readRecords } from './parse.js';
import { readHeader, type RowReader } from './rows.js';

type Item = LearnerFileItem<CsvSyntaxCode>;

/** Where a failure of the parser is: the column of the cell at fault, once the header names it. */
const columnAt = (error: CsvFileError, reader: RowReader | undefined, format: ImportFormat | undefined): string | undefined => {
  if (error.fieldIndex === undefined) return undefined;
  if (reader) return reader.header.names[error.fieldIndex];
  // Parsing runs ahead of reading: the header may not have been read yet when the error surfaced.
  const matched = error.headerCells ? matchHeader(error.headerCells, format) : undefined;
  return matched && 'header' in matched ? matched.header.names[error.fieldIndex] : undefined;
};

/** The items of a CSV file: blank lines before the header skipped, the header matched, then each record as a row. */
async function* itemsOf(input: ImportInput, format: ImportFormat | undefined, facts: FileFacts): AsyncGenerator<Item> {
  let reader: RowReader | undefined;
  try {
    for await (const records of readRecords(input, facts)) {
      for (const record of records) {
        if (reader) {
          const item = reader.read(record);
          if (item) yield item;
          continue;
        }
        const found = readHeader(record.line === 1 ? { line: 1, fields: record.fields.map((f, i) => (i === 0 ? f.replace(/^\ufeff/, '') : f)) } : record, format);
        if (!found) continue; // blank lines before the header
        if ('errors' in found) {
          yield* found.errors;
          return;
        }
        reader = found.reader;
        yield found.item;
      }
    }
  } catch (error) {
    if (!(error instanceof CsvFileError)) throw error;
    const column = error.detail.column ?? columnAt(error, reader, format);
    yield { kind: 'file-error', error: { ...error.detail, ...(column !== undefined ? { column } : {}) } };
    return;
  }
  if (!reader) {
    yield {
      kind: 'file-error',
      error: facts.bytes === 0
        ? { code: 'EMPTY_FILE', expected: 'a header line and at least one learner', message: 'The file is empty' }
        : { code: 'EMPTY_FILE', line: 1, expected: 'a header line and at least one learner', message: 'The file holds only blank lines' },
    };
  }
}

/**
 * A CSV learners file (Data Services or Learner page template) as the import
 * workflow reads it: bytes hashed and decoded (`encoding.ts`), records cut
 * with their line numbers (`parse.ts`), the header matched by name
 * (`headers.ts`) and each record read as a row (`rows.ts`). Streams: the
 * file is never held whole.
 */
export const csvLearnerFile = (input: ImportInput, options: LearnerFileOptions): LearnerFileSource<CsvSyntaxCode> => learnerFileSource(input, options, itemsOf);

/** What a learners file is read with: its name in the audit, and the format when the caller knows it. */
export interface LearnerFileOptions {
  readonly fileName: string;
  readonly format?: ImportFormat;
}

/** A file source around a reader of items, which fills in the file's facts (hash, bytes, encoding) as it reads. */
export const learnerFileSource = (
  input: ImportInput,
  options: LearnerFileOptions,
  items: (input: ImportInput, format: ImportFormat | undefined, facts: FileFacts) => AsyncGenerator<Item>,
): LearnerFileSource<CsvSyntaxCode> => {
  const facts: FileFacts = { sha256: '', bytes: 0, encoding: 'utf-8', bom: false };
  return {
    fileName: options.fileName,
    ...(options.format !== undefined ? { format: options.format } : {}),
    read: () => items(input, options.format, facts),
    facts: () => ({ sha256: facts.sha256, bytes: facts.bytes, encoding: facts.encoding }),
  };
};
