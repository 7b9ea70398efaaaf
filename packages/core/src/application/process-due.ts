import * as E from 'fp-ts/lib/Either.js';
import type { DomainError } from '../errors.js';
import type { Ledger } from '../ledger/ledger.js';
import type { Actor } from '../metadata.js';
import type { ImportRecord } from '../organization/state.js';
import { compareInstants } from '../time.js';
import type { ImportReport } from './import/options.js';
import type { ImportProgress } from './import/progress.js';
import { runImport } from './import/run-import.js';
import type { LearnerFileSource } from './import/source.js';
import { listOrganizationIds } from './organizations.js';

export interface ProcessDueOptions<C extends string = never> {
  /** The instant of the run (ISO, UTC); default: the ledger's clock. */
  readonly now?: string;
  /** Only this organization; default: every organization in the store. */
  readonly orgId?: string;
  /** Run the scheduled deactivations that are due; default true. */
  readonly deactivations?: boolean;
  /** Opens the file a received import recorded (its location) as a source; without it, due imports are left alone. */
  readonly openSource?: (location: string, record: ImportRecord) => LearnerFileSource<C>;
  /** Operations per append of an import; default 500. */
  readonly batchSize?: number;
  /**
   * An import applied at once (`schedule: 'now'`) that is still only received this many minutes later was
   * interrupted, and is resumed; a younger one may still be running in another process and is left alone. Default 15.
   */
  readonly resumeInterruptedAfterMinutes?: number;
  /** Who runs the due work; default `{ kind: 'system', id: 'scheduler' }`. */
  readonly actor?: Actor;
  /** Called as the run goes: which organization, its scheduled deactivations, each due import and that import's stages. */
  readonly onProgress?: (progress: DueProgress) => void;
}

/**
 * How far a due-work run has come, reported as it goes (`onProgress`): the
 * organization it is at (`organization` of `organizations`, counted from 1),
 * then what it does there — its scheduled deactivations, looking for its due
 * imports, or one due import (`import` of `imports`) with that import's own
 * progress (reading, checking, applying batch k of n, finishing).
 */
export type DueProgress = {
  readonly orgId: string;
  readonly organization: number;
  readonly organizations: number;
} & (
  | { readonly stage: 'deactivations' }
  | { readonly stage: 'imports' }
  | {
      readonly stage: 'import';
      readonly importId: string;
      readonly fileName: string;
      readonly import: number;
      readonly imports: number;
      readonly progress: ImportProgress;
    }
);

/** A scheduled deactivation that came due: whom it deactivated, whom it left alone (already inactive, or gone). */
export interface CompletedSchedule {
  readonly orgId: string;
  readonly scheduleId: string;
  readonly deactivated: readonly string[];
  readonly skipped: readonly string[];
}

/** What a due-work run did. */
export interface DueWork<C extends string = never> {
  readonly now: string;
  readonly deactivations: readonly CompletedSchedule[];
  /** One report per import processed, oldest due first within an organization. */
  readonly imports: readonly ImportReport<C>[];
  /** Organizations whose scheduled deactivations the ledger could not run (a store failure), with why. */
  readonly failures: readonly { readonly orgId: string; readonly error: DomainError }[];
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
 * The due work of every organization (or one), organization by
 * organization: the scheduled deactivations that are due
 * (`ProcessDueDeactivations`), then the received imports that are due — each
 * file read again from its location, refused if its bytes changed, planned
 * against the organization as it is now and applied — and the immediate
 * imports interrupted half-way, resumed once clearly not running any more.
 */
export const processDue = async <C extends string = never>(ledger: Ledger, options: ProcessDueOptions<C> = {}): Promise<DueWork<C>> => {
  const now = options.now ?? ledger.now();
  const actor = options.actor ?? { kind: 'system' as const, id: 'scheduler' };
  const orgIds = options.orgId !== undefined ? [options.orgId] : await listOrganizationIds(ledger.store);
  const deactivations: CompletedSchedule[] = [];
  const imports: ImportReport<C>[] = [];
  const failures: { orgId: string; error: DomainError }[] = [];
  const { onProgress } = options;
  for (const [index, orgId] of orgIds.entries()) {
    const at = { orgId, organization: index + 1, organizations: orgIds.length };
    if (options.deactivations ?? true) {
      onProgress?.({ ...at, stage: 'deactivations' });
      const result = await ledger.execute({ type: 'ProcessDueDeactivations', orgId }, { actor, channel: 'api', now });
      if (E.isLeft(result)) failures.push({ orgId, error: result.left });
      else {
        for (const outcome of result.right.outcomes) {
          if (outcome.action !== 'complete-schedule' || outcome.status !== 'applied') continue;
          deactivations.push({ orgId, scheduleId: outcome.subject, deactivated: outcome.effects?.deactivated ?? [], skipped: outcome.effects?.skipped ?? [] });
        }
      }
    }
    const { openSource } = options;
    if (!openSource) continue;
    onProgress?.({ ...at, stage: 'imports' });
    const state = await ledger.state(orgId);
    if (E.isLeft(state)) continue;
    const due = dueImports(state.right.imports.values(), now, options.resumeInterruptedAfterMinutes);
    for (const [position, record] of due.entries()) {
      const { partial, fullSync, allowMassDeactivation, move, matchMangledIds } = record.options;
      const which = { ...at, stage: 'import' as const, importId: record.importId, fileName: record.fileName, import: position + 1, imports: due.length };
      imports.push(
        await runImport(ledger, {
          orgId,
          source: openSource(record.location!, record),
          targetTeam: record.targetTeamId,
          partial,
          fullSync,
          allowMassDeactivation,
          move,
          ...(matchMangledIds === true ? { matchMangledIds } : {}),
          now,
          received: record,
          ...(options.batchSize !== undefined ? { batchSize: options.batchSize } : {}),
          ...(onProgress ? { onProgress: (progress: ImportProgress) => onProgress({ ...which, progress }) } : {}),
        }),
      );
    }
  }
  return { now, deactivations, imports, failures };
};
