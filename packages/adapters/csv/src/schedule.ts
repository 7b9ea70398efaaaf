import * as E from 'fp-ts/lib/Either.js';
import { compareInstants, listOrganizationIds, type ImportRecord, type Ledger } from '@learner-ledger/core';
import type { ImportInput } from './encoding.js';
import { runImport, type ImportReport } from './import.js';

export interface ProcessDueImportsOptions {
  /** The instant of the run (ISO, UTC); default: the system clock. */
  readonly now?: string;
  /** Only this organization; default: every organization in the store. */
  readonly orgId?: string;
  /** Opens a recorded file location; default: the location is a local path. */
  readonly readFile?: (location: string) => ImportInput;
  /** Operations per append; default 2000. */
  readonly batchSize?: number;
}

/** Imports of an organization that are received, due at `now`, and can be read again (they have a location). */
export const dueImports = (imports: Iterable<ImportRecord>, now: string): ImportRecord[] =>
  [...imports]
    .filter((record) => record.status === 'received' && record.location !== undefined && compareInstants(record.dueAt, now) <= 0)
    .sort((a, b) => compareInstants(a.dueAt, b.dueAt) || (a.importId < b.importId ? -1 : 1));

/**
 * Applies every received import that is due: reads its file again from the
 * recorded location, refuses it (ImportRejected) if its SHA-256 changed or it
 * no longer validates against the organization, applies it otherwise. An
 * import interrupted half-way (a crash between batches) is resumed the same
 * way. Returns one report per import processed, oldest due first.
 */
export const processDueImports = async (ledger: Ledger, options: ProcessDueImportsOptions = {}): Promise<ImportReport[]> => {
  const now = options.now ?? new Date().toISOString();
  const orgIds = options.orgId !== undefined ? [options.orgId] : await listOrganizationIds(ledger.store);
  const reports: ImportReport[] = [];
  for (const orgId of orgIds) {
    const state = await ledger.state(orgId);
    if (E.isLeft(state)) continue;
    for (const record of dueImports(state.right.imports.values(), now)) {
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
