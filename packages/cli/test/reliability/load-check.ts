import type { EventStore } from '@learner-ledger/core';
import { auditLog, type LogAudit } from './support.js';
import type { DeliveryReport } from './workload.js';

/**
 * Domain refusals a contended command may legitimately meet; anything else
 * fails the test. A command that gave up on contention (`CONCURRENCY_CONFLICT`)
 * is a failure: writers wait their turn instead.
 */
export const EXPECTED_REFUSALS = new Set(['LICENSE_POOL_EXHAUSTED', 'DUPLICATE_LEARNER_ID', 'DUPLICATE_EMAIL', 'LEARNER_NOT_FOUND', 'LEARNER_ALREADY_ACTIVE', 'BATCH_REJECTED']);

export interface LoadFigures {
  readonly deliveries: number;
  readonly distinctCommands: number;
  readonly applied: number;
  readonly duplicates: number;
  readonly unchanged: number;
  readonly refused: Record<string, number>;
  readonly retries: number;
  readonly events: number;
  readonly releases: number;
  readonly assignments: number;
  readonly maxInUse: number;
  readonly seats: number;
}

/**
 * Checks a finished load run against the log: every delivery either applied
 * once (its events exactly at the positions it reported, under its command
 * id, nowhere else), was recognised as a duplicate of that one application,
 * changed nothing, or was refused with a known code and a message; every
 * command in the log was reported applied by exactly one delivery; and the
 * invariants of docs/design.md hold at every position (see {@link auditLog}).
 */
export const checkLoadRun = async (store: EventStore, reports: readonly DeliveryReport[], setupCommandIds: ReadonlySet<string>, orgId: string): Promise<{ audit: LogAudit; figures: LoadFigures }> => {
  const audit = await auditLog(store);
  const appliedBy = new Map<string, DeliveryReport>();
  const refused: Record<string, number> = {};
  let duplicates = 0;
  let unchanged = 0;
  let retries = 0;
  for (const report of reports) {
    retries += report.retries ?? 0;
    if (report.code !== undefined) {
      if (!EXPECTED_REFUSALS.has(report.code)) throw new Error(`delivery of ${report.commandId} failed unexpectedly: ${report.code}: ${report.message}`);
      if (!report.message || report.message.length < 10) throw new Error(`refusal of ${report.commandId} has no clear message: ${JSON.stringify(report)}`);
      refused[report.code] = (refused[report.code] ?? 0) + 1;
      continue;
    }
    if (report.status === 'applied') {
      if (appliedBy.has(report.commandId)) throw new Error(`command ${report.commandId} was applied twice`);
      appliedBy.set(report.commandId, report);
      const logged = audit.commands.get(report.commandId);
      if (!logged) throw new Error(`command ${report.commandId} reported applied at ${report.first}..${report.last} but the log has none of its events (lost)`);
      if (logged.first.toString() !== report.first || logged.last.toString() !== report.last || logged.types.length !== report.events) {
        throw new Error(`command ${report.commandId} reported ${report.events} events at ${report.first}..${report.last}; the log has ${logged.types.length} at ${logged.first}..${logged.last}`);
      }
    } else if (report.status === 'duplicate') {
      duplicates++;
    } else {
      unchanged++;
      if (audit.commands.has(report.commandId) && !reports.some((r) => r.commandId === report.commandId && r.status === 'applied')) {
        throw new Error(`command ${report.commandId} reported unchanged but has events in the log`);
      }
    }
  }
  // Duplicates point at the one application; refused commands wrote nothing unless another delivery of the same id applied it.
  for (const report of reports) {
    if (report.status === 'duplicate') {
      const original = appliedBy.get(report.commandId);
      if (!original) throw new Error(`command ${report.commandId} was reported a duplicate, but no delivery applied it`);
      if (original.first !== report.first || original.last !== report.last) throw new Error(`duplicate of ${report.commandId} points at ${report.first}..${report.last}, the application was at ${original.first}..${original.last}`);
    }
    if (report.code !== undefined && audit.commands.has(report.commandId) && !appliedBy.has(report.commandId)) {
      throw new Error(`command ${report.commandId} was refused (${report.code}) but has events in the log`);
    }
  }
  // Every command in the log was applied by exactly one delivery (nothing appeared that nobody asked for).
  for (const commandId of audit.commands.keys()) {
    if (setupCommandIds.has(commandId)) continue;
    if (!appliedBy.has(commandId)) throw new Error(`the log holds command ${commandId}, which no delivery reported applied`);
  }
  const org = audit.organizations.get(orgId)!;
  if (org.inUse !== org.active) throw new Error(`at the end: ${org.inUse} licenses in use, ${org.active} active learners`);
  return {
    audit,
    figures: {
      deliveries: reports.length,
      distinctCommands: new Set(reports.map((r) => r.commandId)).size,
      applied: appliedBy.size,
      duplicates,
      unchanged,
      refused,
      retries,
      events: audit.events,
      releases: audit.releases,
      assignments: audit.assignments,
      maxInUse: org.maxInUse,
      seats: org.seats,
    },
  };
};
