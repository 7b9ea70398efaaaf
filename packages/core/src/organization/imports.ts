import * as E from 'fp-ts/lib/Either.js';
import type { ApplyImportBatch, FinishImport, ImportOperation, RecordImportReceived } from '../commands.js';
import { domainError, type DomainError } from '../errors.js';
import type { ImportLineRecord } from '../events.js';
import { checkId } from '../validation.js';
import { runSteps } from './batch.js';
import { ok, type Emitted, type Result, type Step } from './decision.js';
import { deactivateLearner, resolveMove } from './deactivate.js';
import type { RejectedOutcome } from './outcomes.js';
import { updateLearnerProfile } from './profile.js';
import { reactivateLearner } from './reactivate.js';
import { unknownTeam } from './refusals.js';
import { registerLearner } from './register.js';
import { scheduleDeactivation } from './schedule.js';
import type { OrganizationState } from './state.js';

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

/** One planned import line, decided by the use case it asks for. */
const decideLine = (draft: OrganizationState, op: ImportOperation, now: string): Step => {
  switch (op.op) {
    case 'register': {
      const { op: _op, line, ...registration } = op;
      return registerLearner(draft, registration, line);
    }
    case 'deactivate': {
      const resolved = resolveMove(draft, op.move);
      if (E.isLeft(resolved)) return E.left({ ...resolved.left, line: op.line, subject: op.learnerId });
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
 * Applies a batch of planned import lines as one decision, with the per-line
 * audit. With `partial`, refused lines are recorded as errors in the audit,
 * whatever the plan said, and the rest applied.
 */
export const applyImportBatch = (state: OrganizationState, c: ApplyImportBatch, now: string): Result => {
  const closed = requireOpenImport(state, c.importId);
  if (closed) return E.left(closed);
  const result = runSteps(state, c.operations, (draft, op) => decideLine(draft, op, now), c.partial ?? false, (op) => op.op);
  if (E.isLeft(result)) return result;
  const { events, outcomes } = result.right;
  const refused = new Map<number, RejectedOutcome>();
  for (const outcome of outcomes) if (outcome.status === 'rejected' && outcome.line !== undefined) refused.set(outcome.line, outcome);
  const lines: ImportLineRecord[] = c.lines.map((line) => {
    const outcome = refused.get(line.line);
    return outcome ? { line: line.line, learnerId: line.learnerId, action: 'error', code: outcome.code, message: outcome.message } : line;
  });
  if (lines.length > 0) events.push({ event: { type: 'ImportLinesRecorded', data: { importId: c.importId, lines } } });
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
