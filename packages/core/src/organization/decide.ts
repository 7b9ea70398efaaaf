import * as E from 'fp-ts/lib/Either.js';
import type { Command } from '../commands.js';
import { recordActivity } from './activity.js';
import { deactivateLearners } from './deactivate.js';
import { eraseLearnerPersonalData, setRetentionPeriod } from './erase.js';
import { fromStep, type DecisionContext, type Result } from './decision.js';
import { applyImportBatch, finishImport, recordImportReceived } from './imports.js';
import { resizeLicensePool } from './license-pool.js';
import { changeTeamMembership } from './membership.js';
import { onboardOrganization } from './onboard.js';
import { updateLearnerProfile } from './profile.js';
import { reactivateLearner } from './reactivate.js';
import { requireOrganization } from './refusals.js';
import { registerLearner } from './register.js';
import { allowScimDeactivations } from './scim-guard.js';
import { issueScimToken, revokeScimToken } from './scim-tokens.js';
import { cancelScheduledDeactivation, processDueDeactivations, scheduleDeactivation } from './schedule.js';
import type { OrganizationState } from './state.js';
import { createTeam } from './teams.js';

/**
 * Decides what a command changes: the events to append and what happened to
 * each subject, or the domain error that refuses it. Pure: same inputs, same
 * answer; the given state is never modified. Each command's rules live in
 * the file of its use case; this only dispatches.
 */
export const decide = (command: Command, state: OrganizationState, context: DecisionContext): Result => {
  if (command.type === 'OnboardOrganization') return onboardOrganization(state, command);
  const missing = requireOrganization(state, command.orgId);
  if (missing) return E.left(missing);
  switch (command.type) {
    case 'ResizeLicensePool':
      return resizeLicensePool(state, command);
    case 'CreateTeam':
      return createTeam(state, command);
    case 'RegisterLearner':
      return fromStep(registerLearner(state, command));
    case 'DeactivateLearners':
      return deactivateLearners(state, command, context);
    case 'ReactivateLearner':
      return fromStep(reactivateLearner(state, command));
    case 'ScheduleDeactivation':
      return fromStep(scheduleDeactivation(state, command, context.now));
    case 'CancelScheduledDeactivation':
      return cancelScheduledDeactivation(state, command);
    case 'ProcessDueDeactivations':
      return processDueDeactivations(state, context.now);
    case 'ChangeTeamMembership':
      return fromStep(changeTeamMembership(state, command.learnerId, command.add ?? [], command.remove ?? []));
    case 'UpdateLearnerProfile':
      return fromStep(updateLearnerProfile(state, command.learnerId, command.changes));
    case 'RecordActivity':
      return recordActivity(state, command);
    case 'EraseLearnerPersonalData':
      return eraseLearnerPersonalData(state, command, context.now);
    case 'SetRetentionPeriod':
      return setRetentionPeriod(state, command);
    case 'RecordImportReceived':
      return recordImportReceived(state, command);
    case 'ApplyImportBatch':
      return applyImportBatch(state, command, context.now);
    case 'FinishImport':
      return finishImport(state, command);
    case 'IssueScimToken':
      return issueScimToken(state, command);
    case 'RevokeScimToken':
      return revokeScimToken(state, command);
    case 'AllowScimDeactivations':
      return allowScimDeactivations(state, command, context.now);
  }
};
