import { basename } from 'node:path';
import { runImport, type ImportFormat, type ImportReport as LearnerImportReport, type ImportRequest, type Ledger } from '@learner-ledger/core';
import type { ImportInput } from './encoding.js';
import type { CsvSyntaxCode } from './errors.js';
import type { LearnerFileType } from './export.js';
import { learnerFile } from './file.js';

/** Options of {@link importLearners} and {@link planImport}: the file, and what to do with it. */
export interface ImportLearnersOptions extends ImportRequest {
  /** A file path, a readable stream or any async iterable of byte chunks. */
  readonly input: ImportInput;
  /** The name recorded in the audit; default: the base name of the path, else `upload.csv` (`upload.xlsx`). */
  readonly fileName?: string;
  /** `data-services` or `learner-page`; default: recognised from the header. */
  readonly format?: ImportFormat;
  /** `csv` or `xlsx`; default: recognised by the file's bytes (an Excel workbook is a ZIP archive). */
  readonly fileType?: LearnerFileType;
}

/** What an import did (or, for a dry run, would do): the shape `import --json` prints. */
export type ImportReport = LearnerImportReport<CsvSyntaxCode>;

export type { ImportStatus } from '@learner-ledger/core';

/**
 * The import workflow (`runImport` in the core's application layer) over the
 * file: the input read as a CSV or XLSX learner file source; a file given by
 * its path is read again from there when a queued import comes due.
 */
export const importFile = (ledger: Ledger, options: ImportLearnersOptions): Promise<ImportReport> => {
  const { input, fileName, format, fileType, location, ...request } = options;
  const name = fileName ?? (typeof input === 'string' ? basename(input) : `upload.${fileType ?? 'csv'}`);
  const source = learnerFile(input, { fileName: name, ...(format !== undefined ? { format } : {}), ...(fileType !== undefined ? { fileType } : {}) });
  const recordedAt = location ?? (typeof input === 'string' ? input : undefined);
  return runImport(ledger, { ...request, source, ...(recordedAt !== undefined ? { location: recordedAt } : {}) });
};
