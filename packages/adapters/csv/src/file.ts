import { open } from 'node:fs/promises';
import type { ImportFormat, LearnerFileSource } from '@learner-ledger/core';
import type { ImportInput } from './encoding.js';
import type { CsvSyntaxCode } from './errors.js';
import type { LearnerFileType } from './export.js';
import { csvLearnerFile } from './source.js';
import { xlsxLearnerFile } from './xlsx/source.js';

/** A ZIP archive's first bytes: an Excel workbook (.xlsx) is one. */
const ZIP = [0x50, 0x4b, 0x03, 0x04];
const isZip = (head: Uint8Array): boolean => ZIP.every((b, i) => head[i] === b);

/** The file type of an input from its first bytes, and the input to read it from (a stream's first bytes put back). */
const recognise = async (input: ImportInput): Promise<{ fileType: LearnerFileType; input: ImportInput }> => {
  if (typeof input === 'string') {
    try {
      const file = await open(input, 'r');
      try {
        const head = Buffer.alloc(4);
        await file.read(head, 0, 4, 0);
        return { fileType: isZip(head) ? 'xlsx' : 'csv', input };
      } finally {
        await file.close();
      }
    } catch {
      return { fileType: 'csv', input }; // the CSV reader says why the file cannot be read
    }
  }
  const iterator = input[Symbol.asyncIterator]();
  const held: Uint8Array[] = [];
  let size = 0;
  let done = false;
  while (size < 4) {
    const next = await iterator.next();
    if (next.done) {
      done = true;
      break;
    }
    const bytes = typeof next.value === 'string' ? Buffer.from(next.value, 'utf8') : next.value;
    held.push(bytes);
    size += bytes.length;
  }
  async function* all(): AsyncGenerator<Uint8Array> {
    yield* held;
    if (done) return;
    for (;;) {
      const next = await iterator.next();
      if (next.done) return;
      yield typeof next.value === 'string' ? Buffer.from(next.value, 'utf8') : next.value;
    }
  }
  return { fileType: isZip(Buffer.concat(held)) ? 'xlsx' : 'csv', input: all() };
};

/**
 * A learners file of either type as the import workflow reads it: an Excel
 * workbook, recognised by its bytes (a ZIP archive), or CSV — or the type
 * `fileType` says, refused with `WRONG_FILE_TYPE` when the bytes disagree.
 */
export const learnerFile = (
  input: ImportInput,
  options: { readonly fileName: string; readonly format?: ImportFormat; readonly fileType?: LearnerFileType },
): LearnerFileSource<CsvSyntaxCode> => {
  const { fileType, ...named } = options;
  let chosen: LearnerFileSource<CsvSyntaxCode> | undefined;
  return {
    fileName: options.fileName,
    ...(options.format !== undefined ? { format: options.format } : {}),
    read: async function* () {
      const found = fileType !== undefined ? { fileType, input } : await recognise(input);
      chosen = found.fileType === 'xlsx' ? xlsxLearnerFile(found.input, named) : csvLearnerFile(found.input, named);
      yield* chosen.read();
    },
    facts: () => chosen?.facts() ?? { sha256: '', bytes: 0, encoding: 'utf-8' },
  };
};
