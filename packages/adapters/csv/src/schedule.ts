import * as E from 'fp-ts/lib/Either.js';
import { compareInstants, listOrganizationIds, type ImportRecord, type Ledger } from '@learner-ledger/core';
import type { ImportInput } from './encoding.js';
import { runImport, type ImportReport } from './import.js';

export interface ProcessDueImportsOptions {
  /** The instant of the run (ISO, UTC); default: the ledger's clock. */
  readonly now?: string;
  /** Only this organization; default: every organization in the store. */
  readonly orgId?: string;
  /** Opens a recorded file location; default: the location is a local path. */
  readonly readFile?: (location: string) => ImportInput;
  /** Operations per append; default 2000. */
  readonly batchSize?: number;
  /**
   * An import applied at once (`schedule: 'now'`) that is still only received this many minutes later was
   * interrupted, and is resumed; a younger one may still be running in another process and is left alone. Default 15.
   */
  readonly resumeInterruptedAfterMinutes?: number;
}

/**
 * Imports of an organization that are received, due at `now`, and can be read again (they have a location); an
 * immediate import only once `graceMinutes` have passed since it was received (it is then taken as interrupted).
 */
export const dueImports = (imports: Iterable<ImportRecord>, now: string, graceMinutes = 15): ImportRecord[] =>
  [...imports]
    .filter((record) => {
      if (record.status !== 'received' || record.location === undefined) return false;
      const due = record.schedule === 'now' ? new Date(Date.parse(record.dueAt) + graceMinutes * 60_000).toISOString() : record.dueAt;
      return compareInstants(due, now) <= 0;
    })
    .sort((a, b) => compareInstants(a.dueAt, b.dueAt) || (a.importId < b.importId ? -1 : 1));

/**
 * Applies every received import that is due: reads its file again from the
 * recorded location, refuses it (ImportRejected) if its SHA-256 changed or it
 * no longer validates against the organization, applies it otherwise. An
 * import interrupted half-way (a crash between batches) is resumed the same
 * way, once it is clearly not running any more (see `resumeInterruptedAfterMinutes`).
 * Returns one report per import processed, oldest due first.
 */
export const processDueImports = async (ledger: Ledger, options: ProcessDueImportsOptions = {}): Promise<ImportReport[]> => {
  const now = options.now ?? ledger.now();
  const orgIds = options.orgId !== undefined ? [options.orgId] : await listOrganizationIds(ledger.store);
  const reports: ImportReport[] = [];
  for (const orgId of orgIds) {
    const state = await ledger.state(orgId);
    if (E.isLeft(state)) continue;
    for (const record of dueImports(state.right.imports.values(), now, options.resumeInterruptedAfterMinutes)) {
      const location = record.location!;
      reports.push(
        await runImport(
          ledger,
          {
            orgId,
            input: options.readFile ? options.readFile(location) : location,
            fileName: record.fileName,
            format: record.format,
            targetTeam: record.targetTeamId,
            ...record.options,
            now,
            ...(options.batchSize !== undefined ? { batchSize: options.batchSize } : {}),
          },
          record,
        ),
      );
    }
  }
  return reports;
};
