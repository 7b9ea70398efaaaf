/**
 * @packageDocumentation
 * Import and export of learner files for learner-ledger, as CSV or as Excel
 * workbooks (XLSX): the Data Services Learners file and the Learner page
 * import template (see docs/design.md, CSV files and imports). The adapter:
 * CSV parse and encoding, the workbook reader and writer (`xlsx/`), headers,
 * formats, values, export, and the learner file sources the core's import
 * workflow reads (streamed, checked whole before anything is written, applied
 * in a few large batches, idempotent by file hash, resumable, refusing mass
 * deactivations, queueable).
 */
import type { Ledger } from '@learner-ledger/core';
import { importFile, type ImportLearnersOptions, type ImportReport } from './import.js';

export { exportLearners, learnerRow, ExportError, type ExportLearnersOptions, type ExportResult, type LearnerFileType } from './export.js';
export type { ExportWarning } from './warnings.js';
export { processDueImports, type ProcessDueImportsOptions } from './schedule.js';
export type { ImportLearnersOptions, ImportReport, ImportStatus } from './import.js';
export { csvLearnerFile, type LearnerFileOptions } from './source.js';
export { xlsxLearnerFile } from './xlsx/source.js';
export { workbookWriter, type TableWriter } from './xlsx/write.js';
export { learnerFile } from './file.js';
export { CSV_ERROR_CODES, FILE_LEVEL_CODES, refusesFile, type CsvErrorCode, type CsvImportError, type CsvSyntaxCode } from './errors.js';
export { FORMATS, IMPORT_FORMATS, headerLine, columnNames, type ColumnKey, type ColumnSpec } from './formats.js';
export { neutraliseCell, restoreCell, parseActive, ACTIVE_SPELLINGS } from './values.js';
export type { ImportInput } from './encoding.js';
// The import workflow's constants and types live in the core's application layer; the names a caller reaches for.
export {
  DEFAULT_BATCH_SIZE, DEFAULT_THRESHOLD, deriveImportId, dueImports, spreadsheetChange, changedBySpreadsheet,
  type PlannedLine, type SafetyThreshold, type ThresholdCheck, type SpreadsheetChange, type MatchedId,
} from '@learner-ledger/core';

/**
 * Imports a learners file — CSV, or an Excel workbook recognised by its
 * bytes — into an organization: checks the whole file, plans each line
 * (register, deactivate, reactivate, update, schedule, unchanged, skipped,
 * error) and applies the plan — or, with `dryRun`, only returns it. Never
 * throws for a bad file: the report says what was refused and why.
 *
 * @example
 * const report = await importLearners(ledger, { orgId: 'acme', input: 'learners.csv', targetTeam: 'Sales' });
 * if (!report.applied) console.error(report.errors);
 */
export const importLearners = (ledger: Ledger, options: ImportLearnersOptions): Promise<ImportReport> => importFile(ledger, options);

/** The plan of an import without writing anything: {@link importLearners} with `dryRun: true`. */
export const planImport = (ledger: Ledger, options: Omit<ImportLearnersOptions, 'dryRun'>): Promise<ImportReport> => importFile(ledger, { ...options, dryRun: true });
