/**
 * @packageDocumentation
 * CSV import and export of learner files for learner-ledger: the Data
 * Services Learners file and the Learner page import template (see docs/design.md, CSV files and imports).
 * Imports stream, check the whole file before anything is written, plan every
 * line, apply the plan in a few large batches, are idempotent by file hash and
 * resumable after a crash, refuse mass deactivations, and can be scheduled.
 */
import type { Ledger } from '@learner-ledger/core';
import { runImport, type ImportLearnersOptions, type ImportReport } from './import.js';

export { exportLearners, learnerRow, ExportError, type ExportLearnersOptions, type ExportResult } from './export.js';
export { processDueImports, dueImports, type ProcessDueImportsOptions } from './schedule.js';
export { deriveImportId, type ImportLearnersOptions, type ImportReport, type ImportStatus } from './import.js';
export { CSV_ERROR_CODES, FILE_LEVEL_CODES, refusesFile, type CsvErrorCode, type CsvImportError } from './errors.js';
export { FORMATS, IMPORT_FORMATS, headerLine, type ColumnKey, type ColumnSpec } from './formats.js';
export { neutraliseCell, restoreCell, parseActive, ACTIVE_SPELLINGS } from './values.js';
export { DEFAULT_THRESHOLD, type ImportCounts, type LineAction, type PlannedLine, type SafetyThreshold, type ThresholdCheck } from './plan.js';
export { DEFAULT_BATCH_SIZE } from './apply.js';
export type { ImportInput } from './encoding.js';

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
export const importLearners = (ledger: Ledger, options: ImportLearnersOptions): Promise<ImportReport> => runImport(ledger, options);

/** The plan of an import without writing anything: {@link importLearners} with `dryRun: true`. */
export const planImport = (ledger: Ledger, options: Omit<ImportLearnersOptions, 'dryRun'>): Promise<ImportReport> => runImport(ledger, { ...options, dryRun: true });
