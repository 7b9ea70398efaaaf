import { processDue, type DueProgress, type Ledger } from '@learner-ledger/core';
import type { ImportInput } from './encoding.js';
import type { ImportReport } from './import.js';
import { learnerFile } from './file.js';

export interface ProcessDueImportsOptions {
  /** The instant of the run (ISO, UTC); default: the ledger's clock. */
  readonly now?: string;
  /** Only this organization; default: every organization in the store. */
  readonly orgId?: string;
  /** Opens a recorded file location; default: the location is a local path. */
  readonly readFile?: (location: string) => ImportInput;
  /** Operations per append; default 500. */
  readonly batchSize?: number;
  /**
   * An import applied at once (`schedule: 'now'`) that is still only received this many minutes later was
   * interrupted, and is resumed; a younger one may still be running in another process and is left alone. Default 15.
   */
  readonly resumeInterruptedAfterMinutes?: number;
  /** Called as the run goes: the organization it is at, each due import and that import's stages (reading, checking, applying batch k of n, finishing). */
  readonly onProgress?: (progress: DueProgress) => void;
}

/**
 * Applies every received import (CSV or XLSX) that is due: the due imports of the
 * core's `processDue` (scheduled deactivations are left to it), each file
 * read again from its recorded location. Returns one report per import
 * processed, oldest due first.
 */
export const processDueImports = async (ledger: Ledger, options: ProcessDueImportsOptions = {}): Promise<ImportReport[]> => {
  const { readFile, ...rest } = options;
  const work = await processDue(ledger, {
    ...rest,
    deactivations: false,
    openSource: (location, record) => learnerFile(readFile ? readFile(location) : location, { fileName: record.fileName, format: record.format }),
  });
  return [...work.imports];
};
