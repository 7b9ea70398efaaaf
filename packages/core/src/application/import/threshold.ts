import { deactivationShare, exceedsThreshold, type SafetyThreshold } from '../../organization/safety-threshold.js';
import type { OrganizationState } from '../../organization/state.js';
import type { FileIssue } from './errors.js';
import type { PlanLines } from './plan-lines.js';

export { DEFAULT_THRESHOLD, type SafetyThreshold } from '../../organization/safety-threshold.js';

/** What the threshold check saw. */
export interface ThresholdCheck {
  readonly deactivations: number;
  readonly activeInTargetTeam: number;
  readonly share: number;
  readonly limit: SafetyThreshold;
  readonly exceeded: boolean;
  readonly allowed: boolean;
}

/**
 * The safety threshold: how many of the target team's active learners the
 * plan deactivates now or schedules, and whether that is too many. A
 * truncated or wrong file must not wipe out an organization.
 */
export const checkThreshold = <C extends string>(state: OrganizationState, targetTeamId: string, entries: PlanLines<C>, limit: SafetyThreshold, allowed: boolean): ThresholdCheck => {
  const activeInTargetTeam = state.learners.countActiveInTeam(targetTeamId);
  let deactivations = 0;
  // A plain line changes nothing: only the kept entries can deactivate or schedule.
  for (const [, entry] of entries.keptInOrder()) if (entry.action === 'deactivate' || entry.action === 'schedule') deactivations++;
  const share = deactivationShare(deactivations, activeInTargetTeam);
  const exceeded = exceedsThreshold(deactivations, activeInTargetTeam, limit);
  return { deactivations, activeInTargetTeam, share, limit, exceeded, allowed };
};

/** The refusal of a file over the threshold: how many, which share, and how to go on. */
export const massDeactivation = <C extends string>(check: ThresholdCheck, teamName: string): FileIssue<C> => {
  const limit = `${Math.round(check.limit.share * 100)}%`;
  return {
    code: 'MASS_DEACTIVATION',
    value: `${check.deactivations} deactivations`,
    expected: `at most ${limit} of the ${check.activeInTargetTeam} active learners of the target team, or allowMassDeactivation`,
    message: `The file would deactivate ${check.deactivations} learners, ${(check.share * 100).toFixed(1)}% of the ${check.activeInTargetTeam} active learners of team ${teamName} (the limit is ${limit} from ${check.limit.minimum} deactivations): check that the file is complete and meant for this team, or allow a mass deactivation explicitly`,
  };
};
