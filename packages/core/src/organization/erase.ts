import * as E from 'fp-ts/lib/Either.js';
import type { EraseLearnerPersonalData, SetRetentionPeriod } from '../commands.js';
import { domainError, type DomainError } from '../errors.js';
import { isErasedEmail } from '../personal/erased.js';
import { addDays, compareInstants } from '../time.js';
import { checkText } from '../validation.js';
import { ok, type Result } from './decision.js';
import { learnerNotFound } from './refusals.js';
import type { OrganizationState } from './state.js';

/** The longest retention period an organization can set: ten years. */
export const MAX_RETENTION_DAYS = 3660;

/** Refused: the learner's personal data is erased, so nothing can name or change them again. */
export const learnerErased = (state: OrganizationState, learnerId: string): DomainError =>
  domainError('LEARNER_ERASED', `Learner ${JSON.stringify(learnerId)} of organization ${state.orgId} was erased: their personal data is gone and they cannot be registered, updated or reactivated again`, {
    subject: learnerId,
    field: 'learnerId',
    value: learnerId,
  });

/** Whether the learner exists and their personal data is erased. */
export const isErased = (state: OrganizationState, learnerId: string): boolean => {
  const email = state.learners.read(learnerId, 'email');
  return email !== undefined && isErasedEmail(email);
};

/**
 * Erases one learner's personal data: only an inactive learner, and only
 * once the organization's retention period has passed since they became
 * inactive. A learner erased already is skipped (the ledger still finishes
 * shredding their key).
 */
export const eraseLearnerPersonalData = (state: OrganizationState, c: EraseLearnerPersonalData, now: string): Result => {
  const reason = checkText('reason', 'Reason', c.reason);
  if (reason) return E.left({ ...reason, subject: c.learnerId });
  const status = state.learners.read(c.learnerId, 'status');
  if (status === undefined) return E.left(learnerNotFound(state, c.learnerId));
  if (isErased(state, c.learnerId)) {
    return ok([], [{ subject: c.learnerId, action: 'erase', status: 'skipped', code: 'ALREADY_ERASED', message: `Learner ${c.learnerId} is erased already` }]);
  }
  if (status === 'active') {
    return E.left(
      domainError('LEARNER_STILL_ACTIVE', `Learner ${c.learnerId} is active: only an inactive learner's personal data can be erased (deactivate them first)`, {
        subject: c.learnerId,
        field: 'learnerId',
        value: c.learnerId,
      }),
    );
  }
  const since = state.inactiveSince.get(c.learnerId);
  const until = since !== undefined ? addDays(since, state.retentionDays) : undefined;
  if (state.retentionDays > 0 && (until === undefined || compareInstants(now, until) < 0)) {
    return E.left(
      domainError(
        'RETENTION_PERIOD_NOT_OVER',
        `Learner ${c.learnerId} became inactive ${since ?? 'at an unknown instant'}; organization ${state.orgId} keeps personal data ${state.retentionDays} days after that` +
          (until !== undefined ? `, until ${until}` : ''),
        { subject: c.learnerId, field: 'learnerId', value: c.learnerId },
      ),
    );
  }
  return ok([{ event: { type: 'LearnerPersonalDataErased', data: { learnerId: c.learnerId, reason: c.reason.trim() } } }], [{ subject: c.learnerId, action: 'erase', status: 'applied' }]);
};

/** Sets the organization's retention period, in whole days from 0 to {@link MAX_RETENTION_DAYS}. */
export const setRetentionPeriod = (state: OrganizationState, c: SetRetentionPeriod): Result => {
  if (!Number.isInteger(c.days) || c.days < 0 || c.days > MAX_RETENTION_DAYS) {
    return E.left(domainError('INVALID_RETENTION_PERIOD', `The retention period must be a whole number of days from 0 to ${MAX_RETENTION_DAYS}, got ${String(c.days)}`, { field: 'days', value: String(c.days) }));
  }
  if (c.days === state.retentionDays) return ok([], [{ subject: state.orgId, action: 'set-retention', status: 'skipped', code: 'UNCHANGED' }]);
  return ok([{ event: { type: 'RetentionPeriodSet', data: { days: c.days, previousDays: state.retentionDays } } }], [{ subject: state.orgId, action: 'set-retention', status: 'applied' }]);
};
