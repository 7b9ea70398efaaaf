import * as E from 'fp-ts/lib/Either.js';
import type { ApplyImportBatch, FinishImport, ImportOperation, RecordImportReceived } from '../commands.js';
import { domainError, type DomainError } from '../errors.js';
import type { ImportLineRecord } from '../events.js';
import { checkId, checkText } from '../validation.js';
import { runSteps, runStepsOn, type StepsOnDraft } from './batch.js';
import { foldOnto, fromStep, ok, type Emitted, type Result, type Step } from './decision.js';
import { deactivateLearner, resolveMove } from './deactivate.js';
import type { Outcome, RejectedOutcome } from './outcomes.js';
import { updateLearnerProfile } from './profile.js';
import { reactivateLearner } from './reactivate.js';
import { unknownTeam } from './refusals.js';
import { registerLearner } from './register.js';
import { scheduleDeactivation } from './schedule.js';
import { draftOf, type OrganizationState } from './state.js';

/** The import must have been received and not be finished yet. */
const requireOpenImport = (state: OrganizationState, importId: string): DomainError | undefined => {
  const record = state.imports.get(importId);
  if (!record) return domainError('IMPORT_NOT_FOUND', `Import ${importId} was not received for organization ${state.orgId}`, { subject: importId, field: 'importId', value: importId });
  if (record.status !== 'received') return domainError('IMPORT_ALREADY_FINISHED', `Import ${importId} is already ${record.status}`, { subject: importId, field: 'importId', value: importId });
  return undefined;
};

/** Records that a file was received for a team: its hash, format, options and when it is due. */
export const recordImportReceived = (state: OrganizationState, c: RecordImportReceived): Result => {
  const invalidId = checkId('importId', 'Import id', c.importId);
  if (invalidId) return E.left(invalidId);
  if (state.imports.has(c.importId)) {
    return E.left(domainError('IMPORT_ALREADY_EXISTS', `Import ${c.importId} was already received`, { subject: c.importId, field: 'importId', value: c.importId }));
  }
  if (!state.teams.has(c.targetTeamId)) return E.left(unknownTeam(state, c.targetTeamId, 'targetTeamId'));
  const { type: _type, orgId: _orgId, ...data } = c;
  return ok([{ event: { type: 'ImportReceived', data } }], [{ subject: c.importId, action: 'receive-import', status: 'applied' }]);
};

/** One operation of an import line, decided by the use case it asks for. */
const decideOperation = (draft: OrganizationState, op: ImportOperation, now: string): Step => {
  switch (op.op) {
    case 'register': {
      const { op: _op, line, ...registration } = op;
      return registerLearner(draft, registration, line);
    }
    case 'deactivate': {
      const about = { line: op.line, subject: op.learnerId };
      const invalidReason = op.reason !== undefined ? checkText('reason', 'Reason', op.reason, false) : undefined;
      if (invalidReason) return E.left({ ...invalidReason, ...about });
      const resolved = resolveMove(draft, op.move);
      if (E.isLeft(resolved)) return E.left({ ...resolved.left, ...about });
      return deactivateLearner(draft, op.learnerId, resolved.right, { ...(op.reason !== undefined ? { reason: op.reason } : {}), line: op.line });
    }
    case 'reactivate':
      return reactivateLearner(draft, { learnerId: op.learnerId, ...(op.teams ? { teams: op.teams } : {}) }, op.line);
    case 'update':
      return updateLearnerProfile(draft, op.learnerId, op.changes, op.add ?? [], op.line);
    case 'schedule': {
      const { scheduleId, learnerId, effectiveAt, reason, move, line } = op;
      return scheduleDeactivation(draft, { scheduleId, learnerIds: [learnerId], effectiveAt, ...(reason !== undefined ? { reason } : {}), ...(move !== undefined ? { move } : {}) }, now, line);
    }
  }
};

/**
 * The operations of one import line, as one step: all of them, each seeing
 * the one before (a registration, then its scheduled deactivation), or none —
 * a line is recorded whole, as applied or as an error.
 */
const decideLine = (draft: OrganizationState, ops: readonly ImportOperation[], now: string): Result => {
  if (ops.length === 1) return fromStep(decideOperation(draft, ops[0]!, now));
  const line = draftOf(draft);
  const events: Emitted[] = [];
  const outcomes: Outcome[] = [];
  for (const op of ops) {
    const step = decideOperation(line, op, now);
    if (E.isLeft(step)) return step;
    foldOnto(line, step.right.events);
    events.push(...step.right.events);
    outcomes.push(step.right.outcome);
  }
  return ok(events, outcomes);
};

/** A line's key: its number, or (line 0, a learner a full-sync file does not list) the learner too. */
const sameLine = (a: ImportOperation, b: ImportOperation): boolean => a.line === b.line && (a.line !== 0 || a.learnerId === b.learnerId);

/** The operations grouped by line: a line's operations are consecutive in a batch. */
const linesOf = (operations: readonly ImportOperation[]): ImportOperation[][] => {
  const lines: ImportOperation[][] = [];
  for (const op of operations) {
    const last = lines[lines.length - 1];
    if (last && sameLine(last[0]!, op)) last.push(op);
    else lines.push([op]);
  }
  return lines;
};

/**
 * Decides import operations on `draft`, line by line, folding each accepted
 * line onto it: what `ApplyImportBatch` decides, without the audit and
 * without writing. A dry run calls it batch after batch, in the order the
 * batches are applied, on one draft of the organization (see `draftOf`), and
 * learns from the rejected outcomes which lines the ledger would refuse.
 */
export const decideImportOperations = (draft: OrganizationState, operations: readonly ImportOperation[], now: string): StepsOnDraft =>
  runStepsOn(draft, linesOf(operations), (d, ops) => decideLine(d, ops, now), (ops) => ops[0]!.op);

/** The key of an outcome's or a line record's line: its number, or for line 0 (full sync) the learner. */
const lineKey = (line: number, learnerId: string): string => (line === 0 ? `0:${learnerId}` : String(line));

/**
 * Applies a batch of planned import lines as one decision, with the per-line
 * audit. With `partial`, refused lines are recorded as errors in the audit,
 * whatever the plan said, and the rest applied.
 */
export const applyImportBatch = (state: OrganizationState, c: ApplyImportBatch, now: string): Result => {
  const closed = requireOpenImport(state, c.importId);
  if (closed) return E.left(closed);
  const lines = linesOf(c.operations);
  const result = runSteps(state, lines, (draft, ops) => decideLine(draft, ops, now), c.partial ?? false, (ops) => ops[0]!.op);
  if (E.isLeft(result)) return result;
  const { events, outcomes } = result.right;
  const refused = new Map<string, RejectedOutcome>();
  for (const outcome of outcomes) if (outcome.status === 'rejected' && outcome.line !== undefined) refused.set(lineKey(outcome.line, outcome.subject), outcome);
  const records: ImportLineRecord[] = c.lines.map((line) => {
    const outcome = refused.size > 0 ? refused.get(lineKey(line.line, line.learnerId)) : undefined;
    return outcome ? { line: line.line, learnerId: line.learnerId, action: 'error', code: outcome.code, message: outcome.message } : line;
  });
  if (records.length > 0) events.push({ event: { type: 'ImportLinesRecorded', data: { importId: c.importId, lines: records } } });
  return ok(events, outcomes);
};

/** Closes an import as applied (with its counts) or rejected (with why), with the line records not written yet. */
export const finishImport = (state: OrganizationState, c: FinishImport): Result => {
  const closed = requireOpenImport(state, c.importId);
  if (closed) return E.left(closed);
  const events: Emitted[] = [];
  if (c.lines && c.lines.length > 0) events.push({ event: { type: 'ImportLinesRecorded', data: { importId: c.importId, lines: [...c.lines] } } });
  const o = c.outcome;
  events.push(
    o.applied
      ? { event: { type: 'ImportApplied', data: { importId: c.importId, sha256: c.sha256, counts: o.counts } } }
      : { event: { type: 'ImportRejected', data: { importId: c.importId, sha256: c.sha256, code: o.code, message: o.message, ...(o.counts ? { counts: o.counts } : {}) } } },
  );
  return ok(events, [{ subject: c.importId, action: o.applied ? 'finish-import' : 'reject-import', status: 'applied' }]);
};
