/**
 * The application layer: workflows that span several commands, between the
 * decider and ledger below and the adapters above. It does no I/O of its
 * own: files arrive as a {@link LearnerFileSource} an adapter reads, events
 * through the ledger and its store port.
 */
export { runImport } from './import/run-import.js';
export type { ImportRequest, RunImportOptions, ImportReport, ImportStatus, ReportLines } from './import/options.js';
export { MAX_LISTED_ERRORS, recordedOptions } from './import/options.js';
export type { LearnerFileSource, LearnerFileItem, LearnerRow, LearnerColumn, ColumnNames, FileFacts, IdColumn } from './import/source.js';
export { spreadsheetChange, changedBySpreadsheet, describeChange, spreadsheetNumberText, dateFromSerial, type SpreadsheetChange, type MatchedId } from './import/spreadsheet-ids.js';
export { IMPORT_FILE_ERROR_CODES, IMPORT_LINE_ERROR_CODES, showValue, type ImportError, type ImportErrorCode, type FileIssue } from './import/errors.js';
export { countLines, type PlannedLine } from './import/plan.js';
export type { ImportProgress } from './import/progress.js';
export { DEFAULT_THRESHOLD, type SafetyThreshold, type ThresholdCheck } from './import/threshold.js';
export { DEFAULT_BATCH_SIZE, LINES_PER_AUDIT_BATCH } from './import/batches.js';
export { deriveImportId } from './import/import-id.js';
export { processDue, dueImports, type ProcessDueOptions, type DueWork, type DueProgress, type CompletedSchedule } from './process-due.js';
export { listOrganizationIds } from './organizations.js';
