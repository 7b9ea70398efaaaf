import * as E from 'fp-ts/lib/Either.js';
import type { RecordActivity } from '../commands.js';
import { domainError } from '../errors.js';
import { parseInstantOrDate, toInstant } from '../time.js';
import { checkId } from '../validation.js';
import { ok, type Result } from './decision.js';
import { learnerNotFound } from './refusals.js';
import type { OrganizationState } from './state.js';

/** Records an assignment or completion; inactive learners too (late completions arrive), and it is kept forever. */
export const recordActivity = (state: OrganizationState, c: RecordActivity): Result => {
  if (!state.learners.has(c.learnerId)) return E.left(learnerNotFound(state, c.learnerId));
  const invalidId = checkId('activityId', 'Activity id', c.activityId) ?? checkId('courseId', 'Course id', c.courseId);
  if (invalidId) return E.left(invalidId);
  let when: string | undefined;
  if (c.at !== undefined) {
    const parsed = parseInstantOrDate(c.at, state.timeZone);
    if (!parsed) return E.left(domainError('INVALID_INSTANT', `Activity time ${JSON.stringify(c.at)} is not an ISO instant`, { field: 'at', value: c.at }));
    when = toInstant(parsed);
  }
  return ok(
    [{ event: { type: 'ActivityRecorded', data: { learnerId: c.learnerId, activityId: c.activityId, kind: c.kind, courseId: c.courseId, ...(when ? { at: when } : {}) } } }],
    [{ subject: c.learnerId, action: 'record-activity', status: 'applied' }],
  );
};
