import type { DomainEvent } from '../events.js';
import type { EventMetadata } from '../metadata.js';
import { ERASED_PROFILE, isErasedEmail } from '../personal/erased.js';
import { countScimDeactivation, holdScimDeactivations, releaseScimDeactivations } from './scim-window.js';
import { normalizeEmail, normalizeName, type OrganizationState } from './state.js';

const without = (list: readonly string[], remove: readonly string[]): string[] => {
  if (remove.length === 0) return [...list];
  const removed = new Set(remove);
  return list.filter((item) => !removed.has(item));
};
const withAdded = (list: readonly string[], add: readonly string[]): string[] => {
  const result = [...list];
  for (const item of add) if (!result.includes(item)) result.push(item);
  return result;
};

/**
 * Folds one event into the organization's state, in place (see
 * {@link OrganizationState}). Total over every event type: an event that
 * does not apply (an unknown learner) leaves the state as it is. Learners
 * change through `read` and `update`, field by field, never by rebuilding
 * their whole record.
 */
export const evolve = (state: OrganizationState, event: DomainEvent, metadata?: EventMetadata): OrganizationState => {
  switch (event.type) {
    case 'OrganizationOnboarded': {
      const d = event.data;
      state.exists = true;
      state.orgId = d.orgId;
      state.name = d.name;
      state.seats = d.seats;
      state.timeZone = d.timeZone;
      state.connector = d.connector;
      state.inactiveTeamId = d.inactiveTeamId;
      state.dailyImportTime = d.dailyImportTime;
      return state;
    }
    case 'LicensePoolResized':
      state.seats = event.data.seats;
      return state;
    case 'TeamCreated':
      state.teams.set(event.data.teamId, { ...event.data });
      state.teamIdsByName.set(normalizeName(event.data.name), event.data.teamId);
      if (event.data.kind === 'inactive' && state.inactiveTeamId === null) state.inactiveTeamId = event.data.teamId;
      return state;
    case 'LearnerRegistered': {
      const d = event.data;
      // A learner registered again replaces the first one, and the e-mail index follows the new address.
      const previousEmail = state.learners.read(d.learnerId, 'email');
      if (previousEmail !== undefined && state.learnerIdsByEmail.get(normalizeEmail(previousEmail)) === d.learnerId) state.learnerIdsByEmail.delete(normalizeEmail(previousEmail));
      state.learners.add({
        learnerId: d.learnerId,
        email: d.email,
        firstName: d.firstName,
        lastName: d.lastName,
        employeeId: d.employeeId,
        status: d.status,
        licenseId: null,
        teams: [],
        teamsBeforeDeactivation: [],
        activityCount: 0,
      });
      // A shredded key reads as erased: no address to index.
      if (!isErasedEmail(d.email)) state.learnerIdsByEmail.set(normalizeEmail(d.email), d.learnerId);
      if (d.status === 'inactive' && metadata) state.inactiveSince.set(d.learnerId, metadata.occurredAt);
      else state.inactiveSince.delete(d.learnerId);
      return state;
    }
    case 'LicenseAssigned': {
      const held = state.learners.read(event.data.learnerId, 'licenseId');
      if (held === undefined) return state;
      if (held === null) state.licensesInUse++;
      state.nextLicenseNumber++;
      state.learners.update(event.data.learnerId, { licenseId: event.data.licenseId });
      return state;
    }
    case 'LicenseReleased': {
      const held = state.learners.read(event.data.learnerId, 'licenseId');
      if (held === undefined || held === null) return state;
      state.licensesInUse--;
      state.learners.update(event.data.learnerId, { licenseId: null });
      return state;
    }
    case 'TeamMembershipChanged': {
      const teams = state.learners.read(event.data.learnerId, 'teams');
      if (teams !== undefined) state.learners.update(event.data.learnerId, { teams: withAdded(without(teams, event.data.removed), event.data.added) });
      return state;
    }
    case 'LearnerDeactivated':
      // Only the SCIM channel's deactivations are counted, and only those that switched a learner off.
      if (metadata?.channel === 'scim' && state.learners.read(event.data.learnerId, 'status') === 'active') state.scimGuard = countScimDeactivation(state.scimGuard, metadata.occurredAt);
      if (!state.learners.update(event.data.learnerId, { status: 'inactive', teamsBeforeDeactivation: event.data.removedTeams })) return state;
      if (metadata) state.inactiveSince.set(event.data.learnerId, metadata.occurredAt);
      return state;
    case 'LearnerReactivated':
      if (!state.learners.update(event.data.learnerId, { status: 'active', teamsBeforeDeactivation: [] })) return state;
      state.inactiveSince.delete(event.data.learnerId);
      return state;
    case 'LearnerPersonalDataErased': {
      const email = state.learners.read(event.data.learnerId, 'email');
      if (email === undefined) return state;
      // The address is free for another learner; counts, license and teams stay as they are.
      if (!isErasedEmail(email) && state.learnerIdsByEmail.get(normalizeEmail(email)) === event.data.learnerId) state.learnerIdsByEmail.delete(normalizeEmail(email));
      state.learners.update(event.data.learnerId, ERASED_PROFILE);
      return state;
    }
    case 'RetentionPeriodSet':
      state.retentionDays = event.data.days;
      return state;
    case 'LearnerProfileUpdated': {
      const { learnerId, changes } = event.data;
      const email = state.learners.read(learnerId, 'email');
      if (email === undefined) return state;
      const moved = changes.email !== undefined && normalizeEmail(changes.email) !== normalizeEmail(email);
      if (moved) state.learnerIdsByEmail.delete(normalizeEmail(email));
      state.learners.update(learnerId, {
        ...(changes.email !== undefined ? { email: changes.email } : {}),
        ...(changes.firstName !== undefined ? { firstName: changes.firstName } : {}),
        ...(changes.lastName !== undefined ? { lastName: changes.lastName } : {}),
        ...(changes.employeeId !== undefined ? { employeeId: changes.employeeId } : {}),
      });
      if (moved && !isErasedEmail(changes.email!)) state.learnerIdsByEmail.set(normalizeEmail(changes.email!), learnerId);
      return state;
    }
    case 'ActivityRecorded': {
      const count = state.learners.read(event.data.learnerId, 'activityCount');
      if (count !== undefined) state.learners.update(event.data.learnerId, { activityCount: count + 1 });
      return state;
    }
    case 'DeactivationScheduled': {
      const d = event.data;
      state.schedules.set(d.scheduleId, {
        scheduleId: d.scheduleId,
        learnerIds: d.learnerIds,
        effectiveAt: d.effectiveAt,
        move: d.move,
        ...(d.reason !== undefined ? { reason: d.reason } : {}),
        status: 'pending',
        ...(metadata ? { channel: metadata.channel, actor: metadata.actor } : {}),
      });
      return state;
    }
    case 'ScheduledDeactivationCancelled': {
      const schedule = state.schedules.get(event.data.scheduleId);
      if (schedule) state.schedules.set(schedule.scheduleId, { ...schedule, status: 'cancelled' });
      return state;
    }
    case 'ScheduledDeactivationCompleted': {
      const schedule = state.schedules.get(event.data.scheduleId);
      if (schedule) state.schedules.set(schedule.scheduleId, { ...schedule, status: 'completed' });
      return state;
    }
    case 'ImportReceived': {
      const d = event.data;
      state.imports.set(d.importId, {
        importId: d.importId,
        fileName: d.fileName,
        sha256: d.sha256,
        format: d.format,
        targetTeamId: d.targetTeamId,
        schedule: d.schedule,
        dueAt: d.dueAt,
        options: d.options,
        rowCount: d.rowCount,
        ...(d.location !== undefined ? { location: d.location } : {}),
        status: 'received',
      });
      return state;
    }
    case 'ImportApplied':
    case 'ImportRejected': {
      const record = state.imports.get(event.data.importId);
      if (record) state.imports.set(record.importId, { ...record, status: event.type === 'ImportApplied' ? 'applied' : 'rejected' });
      return state;
    }
    case 'ImportLinesRecorded':
      return state;
    case 'ScimTokenIssued':
      state.scimTokens.set(event.data.tokenId, { ...event.data, status: 'active' });
      return state;
    case 'ScimTokenRevoked': {
      const record = state.scimTokens.get(event.data.tokenId);
      if (record) state.scimTokens.set(record.tokenId, { ...record, status: 'revoked' });
      return state;
    }
    case 'ScimDeactivationsHeld':
      state.scimGuard = holdScimDeactivations(state.scimGuard);
      return state;
    case 'ScimDeactivationsAllowed':
      state.scimGuard = releaseScimDeactivations(event.data);
      return state;
  }
};
