/**
 * @packageDocumentation
 * The `learner-ledger` command-line tool: a thin front over the library
 * (parse flags, call the library, print). `runCli` is the whole tool as a
 * function, so it can be embedded or tested without spawning a process.
 */
export { runCli } from './cli.js';
export { CLI_VERSION } from './version.js';
export { keepHeapNearLive, heapGrowthFlag, HEAP_GROWING_PERCENT } from './heap.js';
export { switchedOff, type Env } from './env.js';
export { processIo, programNameOf, type CliIo } from './io.js';
export { CliError, EXIT_OK, EXIT_FAILED, EXIT_USAGE, usageError } from './errors.js';
export {
  parseStoreLocation,
  chooseStoreLocation,
  describeStoreLocation,
  openStoreAt,
  importStorePackage,
  OPTIONAL_STORE_PACKAGES,
  DEFAULT_STORE,
  BULK_WAL_AUTOCHECKPOINT_PAGES,
  forBulkWrites,
  type StoreLocation,
  type OptionalStorePackage,
} from './store.js';
export {
  progressBar,
  importProgress,
  importProgressLine,
  dueProgress,
  dueProgressLine,
  type Progress,
  type ImportProgressDisplay,
  type DueProgressDisplay,
  type Ticker,
} from './progress.js';
export type { Output } from './output.js';
export type { GlobalOptions } from './session.js';
export { renderLicenseChart, type LicensePoint, type LicenseChartOptions } from './chart.js';
