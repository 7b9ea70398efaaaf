/**
 * @packageDocumentation
 * CSV import and export of learner files for learner-ledger: the Data
 * Services Learners file and the Learner page import template (see docs/design.md, CSV files and imports).
 * The CSV adapter: parse, encoding, headers, formats, values, export, and the
 * CSV learner file source the core's import workflow reads (streamed, checked
 * whole before anything is written, applied in a few large batches,
 * idempotent by file hash, resumable, refusing mass deactivations, queueable).
 */
import type { Ledger } from '@learner-ledger/core';
import { importCsv, type ImportLearnersOptions, type ImportReport } from './import.js';

export { exportLearners, learnerRow, ExportError, type ExportLearnersOptions, type ExportResult } from './export.js';
export { processDueImports, type ProcessDueImportsOptions } from './schedule.js';
export type { ImportLearnersOptions, ImportReport, ImportStatus } from './import.js';
export { csvLearnerFile } from './source.js';
export { CSV_ERROR_CODES, FILE_LEVEL_CODES, refusesFile, type CsvErrorCode, type CsvImportError, type CsvSyntaxCode } from './errors.js';
export { FORMATS, IMPORT_FORMATS, headerLine, columnNames, type ColumnKey, type ColumnSpec } from './formats.js';
export { neutraliseCell, restoreCell, parseActive, ACTIVE_SPELLINGS } from './values.js';
export type { ImportInput } from './encoding.js';
// The import workflow's constants and types live in the core's application layer; the names a CSV caller reaches for.
export { DEFAULT_BATCH_SIZE, DEFAULT_THRESHOLD, deriveImportId, dueImports, type PlannedLine, type SafetyThreshold, type ThresholdCheck } from '@learner-ledger/core';

/**
 * Imports a learners file into an organization: checks the whole file, plans
 * each line (register, deactivate, reactivate, update, schedule, unchanged,
 * skipped, error) and applies the plan — or, with `dryRun`, only returns it.
 * Never throws for a bad file: the report says what was refused and why.
 *
 * @example
 * const report = await importLearners(ledger, { orgId: 'acme', input: 'learners.csv', targetTeam: 'Sales' });
 * if (!report.applied) console.error(report.errors);
 */
export const importLearners = (ledger: Ledger, options: ImportLearnersOptions): Promise<ImportReport> => importCsv(ledger, options);

/** The plan of an import without writing anything: {@link importLearners} with `dryRun: true`. */
export const planImport = (ledger: Ledger, options: Omit<ImportLearnersOptions, 'dryRun'>): Promise<ImportReport> => importCsv(ledger, { ...options, dryRun: true });
