import * as E from 'fp-ts/lib/Either.js';
import type { CancelScheduledDeactivation, ScheduleDeactivation } from '../commands.js';
import { domainError, type DomainError } from '../errors.js';
import { compareInstants, parseInstantOrDate, toInstant } from '../time.js';
import { checkId, checkText } from '../validation.js';
import { foldOnto, lineOf, ok, type Emitted, type Result, type Step } from './decision.js';
import { deactivateLearner, resolveMove, type ResolvedMove } from './deactivate.js';
import type { Outcome } from './outcomes.js';
import { learnerNotFound } from './refusals.js';
import { draftOf, type OrganizationState } from './state.js';

/** What scheduling a deactivation asks (the command without its envelope; an import line carries the same). */
export type DeactivationSchedule = Omit<ScheduleDeactivation, 'type' | 'orgId'>;

/**
 * Schedules the deactivation of known learners for a future instant (a date
 * is the start of that day in the organization's time zone), with the move
 * resolved now.
 */
export const scheduleDeactivation = (state: OrganizationState, c: DeactivationSchedule, now: string, line?: number): Step => {
  const where = lineOf(line);
  const invalidId = checkId('scheduleId', 'Schedule id', c.scheduleId);
  if (invalidId) return E.left({ ...invalidId, ...where });
  if (state.schedules.has(c.scheduleId)) {
    return E.left(domainError('DUPLICATE_SCHEDULE', `Schedule ${c.scheduleId} already exists`, { subject: c.scheduleId, field: 'scheduleId', value: c.scheduleId, ...where }));
  }
  if (c.learnerIds.length === 0) return E.left(domainError('EMPTY_COMMAND', 'A scheduled deactivation needs at least one learner id', { field: 'learnerIds', ...where }));
  const invalidReason = c.reason !== undefined ? checkText('reason', 'Reason', c.reason, false) : undefined;
  if (invalidReason) return E.left({ ...invalidReason, subject: c.scheduleId, ...where });
  for (const learnerId of c.learnerIds) {
    // An import line names one learner (`learnerId`); the command names several (`learnerIds`).
    if (!state.learners.has(learnerId)) return E.left({ ...learnerNotFound(state, learnerId, line !== undefined ? 'learnerId' : 'learnerIds'), ...where });
  }
  const about = { subject: c.scheduleId, field: 'effectiveAt' as const, value: c.effectiveAt, ...where };
  const effective = parseInstantOrDate(c.effectiveAt, state.timeZone);
  if (!effective) {
    return E.left(domainError('INVALID_INSTANT', `Deactivation date ${JSON.stringify(c.effectiveAt)} is neither an ISO date (YYYY-MM-DD) nor an ISO instant`, about));
  }
  const effectiveAt = toInstant(effective);
  if (compareInstants(effectiveAt, now) <= 0) {
    return E.left(domainError('SCHEDULE_IN_PAST', `Deactivation date ${c.effectiveAt} (${effectiveAt}) is not in the future; deactivate now instead`, about));
  }
  const resolved = resolveMove(state, c.move);
  if (E.isLeft(resolved)) return E.left({ ...resolved.left, ...where });
  return E.right({
    events: [
      {
        event: {
          type: 'DeactivationScheduled',
          data: {
            scheduleId: c.scheduleId,
            learnerIds: [...new Set(c.learnerIds)],
            effectiveAt,
            move: resolved.right.move,
            ...(c.reason !== undefined && c.reason !== '' ? { reason: c.reason } : {}),
          },
        },
        ...where,
      },
    ],
    outcome: { subject: c.learnerIds.join(','), action: 'schedule', status: 'applied', message: `deactivation due ${effectiveAt}`, effects: { scheduledFor: effectiveAt }, ...where },
  });
};

/** Cancels a pending scheduled deactivation; one cancelled or completed already is skipped. */
export const cancelScheduledDeactivation = (state: OrganizationState, c: CancelScheduledDeactivation): Result => {
  const s = state.schedules.get(c.scheduleId);
  if (!s) {
    return E.left(domainError('SCHEDULE_NOT_FOUND', `No scheduled deactivation ${c.scheduleId} in ${state.orgId}`, { subject: c.scheduleId, field: 'scheduleId', value: c.scheduleId }));
  }
  if (s.status !== 'pending') return ok([], [{ subject: s.scheduleId, action: 'cancel-schedule', status: 'skipped', code: s.status === 'cancelled' ? 'CANCELLED' : 'COMPLETED' }]);
  return ok(
    [{ event: { type: 'ScheduledDeactivationCancelled', data: { scheduleId: s.scheduleId, ...(c.reason !== undefined ? { reason: c.reason } : {}) } } }],
    [{ subject: s.scheduleId, action: 'cancel-schedule', status: 'applied' }],
  );
};

/**
 * Applies every pending scheduled deactivation due at `now`, oldest first, as
 * the scheduler: each learner that can still be deactivated is, the others
 * are skipped, and each schedule is recorded as completed.
 */
export const processDueDeactivations = (state: OrganizationState, now: string): Result => {
  const due = [...state.schedules.values()]
    .filter((s) => s.status === 'pending' && compareInstants(s.effectiveAt, now) <= 0)
    .sort((a, b) => compareInstants(a.effectiveAt, b.effectiveAt) || (a.scheduleId < b.scheduleId ? -1 : 1));
  const draft = draftOf(state);
  const events: Emitted[] = [];
  const outcomes: Outcome[] = [];
  for (const s of due) {
    const origin = { causationId: s.scheduleId, actor: { kind: 'system' as const, id: 'scheduler' }, ...(s.channel ? { channel: s.channel } : {}) };
    const deactivated: string[] = [];
    const skipped: string[] = [];
    // The move was resolved when scheduled; if the organization changed since, fall back to its policy.
    const resolved = s.move === null ? E.right<DomainError, ResolvedMove>({ move: null }) : resolveMove(draft, s.move);
    const move = E.isRight(resolved) ? resolved.right : { move: null };
    for (const learnerId of s.learnerIds) {
      const step = deactivateLearner(draft, learnerId, move, { ...(s.reason !== undefined ? { reason: s.reason } : {}), scheduleId: s.scheduleId, action: 'scheduled-deactivate' });
      if (E.isLeft(step) || step.right.outcome.status !== 'applied') {
        skipped.push(learnerId);
        outcomes.push(E.isLeft(step) ? { subject: learnerId, action: 'scheduled-deactivate', status: 'skipped', code: step.left.code, message: step.left.message } : step.right.outcome);
        continue;
      }
      const stepEvents = step.right.events.map((item) => ({ ...item, ...origin }));
      foldOnto(draft, stepEvents);
      events.push(...stepEvents);
      deactivated.push(learnerId);
      outcomes.push(step.right.outcome);
    }
    const completed: Emitted = { event: { type: 'ScheduledDeactivationCompleted', data: { scheduleId: s.scheduleId, deactivated, skipped } }, ...origin };
    foldOnto(draft, [completed]);
    events.push(completed);
    outcomes.push({ subject: s.scheduleId, action: 'complete-schedule', status: 'applied', effects: { deactivated, skipped } });
  }
  return ok(events, outcomes);
};
