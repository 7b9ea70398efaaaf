import * as E from 'fp-ts/lib/Either.js';
import type { AllowScimDeactivations } from '../commands.js';
import { domainError } from '../errors.js';
import type { Emitted, Result } from './decision.js';
import { ok } from './decision.js';
import type { Outcome } from './outcomes.js';
import { DEFAULT_THRESHOLD, deactivationShare, exceedsThreshold } from './safety-threshold.js';
import { allowedOf, MINUTE_MS, scimDeactivationsWithinHour } from './scim-window.js';
import type { OrganizationState } from './state.js';

/*
 * The SCIM mass-deactivation guard. An identity provider deprovisions the
 * moment it is told to, so a wrong group rule or a broken directory sync
 * would switch off an organization in minutes. Per organization, over a
 * sliding hour, SCIM deactivations beyond the safety threshold (more than
 * 20% of the learners active when the hour began, and at least 10) are held
 * until an administrator allows them, as the identity providers' own
 * accidental-deletion safeguards do.
 */

/** The longest allowance, in minutes (30 days): an open-ended release is a policy change, not a release. */
export const MAX_ALLOWANCE_MINUTES = 30 * 24 * 60;

/**
 * The guard's answer to a SCIM command that would deactivate `learnerIds`
 * at `now`: `undefined` lets them through; otherwise they are refused
 * (`MASS_DEACTIVATION_GUARD`), and the first refusal of a hold records
 * `ScimDeactivationsHeld`. The base is the learners active when the hour
 * began, as far as SCIM changed them: those active now (the licenses in
 * use) and those SCIM deactivated within the hour — it does not shrink as
 * the deactivations proceed.
 */
export const guardScimDeactivations = (state: OrganizationState, learnerIds: readonly string[], now: string): { events: Emitted[]; outcomes: Outcome[] } | undefined => {
  const guard = state.scimGuard;
  const unallowed = learnerIds.length - allowedOf(guard, now, learnerIds.length);
  if (unallowed === 0) return undefined;
  const deactivations = scimDeactivationsWithinHour(guard, now);
  const activeLearners = state.licensesInUse + deactivations;
  const limit = DEFAULT_THRESHOLD;
  if (!guard.held && !exceedsThreshold(deactivations + unallowed, activeLearners, limit)) return undefined;
  const percent = `${Math.round(limit.share * 100)}%`;
  const release = `nothing was changed; once the deprovisioning is confirmed as intended, an administrator allows them (learner-ledger scim allow-deactivations ${state.orgId})`;
  const message = guard.held
    ? `SCIM deactivations of organization ${state.orgId} are held since the mass-deactivation guard stopped them: ${release}`
    : `The mass-deactivation guard holds SCIM deactivations of organization ${state.orgId}: ${deactivations} within the last hour and ${unallowed} more would be ${(deactivationShare(deactivations + unallowed, activeLearners) * 100).toFixed(1)}% of the ${activeLearners} learners active when the hour began (the limit is ${percent} from ${limit.minimum} deactivations); ${release}`;
  const outcomes: Outcome[] = learnerIds.map((learnerId) => ({ subject: learnerId, action: 'deactivate', status: 'rejected', code: 'MASS_DEACTIVATION_GUARD', message }));
  if (guard.held) return { events: [], outcomes };
  return { events: [{ event: { type: 'ScimDeactivationsHeld', data: { learnerIds: [...learnerIds], deactivations, activeLearners, limit: { ...limit } } } }], outcomes };
};

const invalidAllowance = (message: string, field: 'forMinutes' | 'count', value: unknown) => E.left(domainError('INVALID_ALLOWANCE', message, { field, value: String(value) }));

/** An administrator's release of the guard, with an optional allowance for a while or for a number of deactivations. */
export const allowScimDeactivations = (state: OrganizationState, c: AllowScimDeactivations, now: string): Result => {
  if (c.forMinutes !== undefined && c.count !== undefined) {
    return invalidAllowance('Allow SCIM deactivations for a while or for a number of them, not both', 'count', c.count);
  }
  if (c.forMinutes !== undefined && (!Number.isInteger(c.forMinutes) || c.forMinutes < 1 || c.forMinutes > MAX_ALLOWANCE_MINUTES)) {
    return invalidAllowance(`An allowance lasts 1 to ${MAX_ALLOWANCE_MINUTES} whole minutes (30 days), not ${c.forMinutes}`, 'forMinutes', c.forMinutes);
  }
  if (c.count !== undefined && (!Number.isInteger(c.count) || c.count < 1 || c.count > 1_000_000)) {
    return invalidAllowance(`An allowance is for 1 to 1,000,000 deactivations, not ${c.count}`, 'count', c.count);
  }
  const until = c.forMinutes !== undefined ? new Date(Date.parse(now) + c.forMinutes * MINUTE_MS).toISOString() : undefined;
  return ok(
    [{ event: { type: 'ScimDeactivationsAllowed', data: { ...(until !== undefined ? { until } : {}), ...(c.count !== undefined ? { count: c.count } : {}) } } }],
    [{ subject: state.orgId, action: 'allow-deactivations', status: 'applied' }],
  );
};
