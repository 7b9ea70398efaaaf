import type { DomainEvent } from '../events.js';
import type { EventMetadata } from '../metadata.js';
import { normalizeEmail, normalizeName, type LearnerRecord, type OrganizationState } from './state.js';

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

const updateLearner = (state: OrganizationState, learnerId: string, change: (learner: LearnerRecord) => LearnerRecord): void => {
  const learner = state.learners.get(learnerId);
  if (learner) state.learners.set(learnerId, change(learner));
};

/**
 * Folds one event into the organization's state, in place (see
 * {@link OrganizationState}). Total over every event type: an event that
 * does not apply (an unknown learner) leaves the state as it is.
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
      state.learners.set(d.learnerId, {
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
      state.learnerIdsByEmail.set(normalizeEmail(d.email), d.learnerId);
      return state;
    }
    case 'LicenseAssigned': {
      const learner = state.learners.get(event.data.learnerId);
      if (!learner) return state;
      if (learner.licenseId === null) state.licensesInUse++;
      state.nextLicenseNumber++;
      state.learners.set(learner.learnerId, { ...learner, licenseId: event.data.licenseId });
      return state;
    }
    case 'LicenseReleased': {
      const learner = state.learners.get(event.data.learnerId);
      if (!learner || learner.licenseId === null) return state;
      state.licensesInUse--;
      state.learners.set(learner.learnerId, { ...learner, licenseId: null });
      return state;
    }
    case 'TeamMembershipChanged':
      updateLearner(state, event.data.learnerId, (learner) => ({
        ...learner,
        teams: withAdded(without(learner.teams, event.data.removed), event.data.added),
      }));
      return state;
    case 'LearnerDeactivated':
      updateLearner(state, event.data.learnerId, (learner) => ({
        ...learner,
        status: 'inactive',
        teamsBeforeDeactivation: event.data.removedTeams,
      }));
      return state;
    case 'LearnerReactivated':
      updateLearner(state, event.data.learnerId, (learner) => ({ ...learner, status: 'active', teamsBeforeDeactivation: [] }));
      return state;
    case 'LearnerProfileUpdated': {
      const learner = state.learners.get(event.data.learnerId);
      if (!learner) return state;
      const changes = event.data.changes;
      if (changes.email !== undefined && normalizeEmail(changes.email) !== normalizeEmail(learner.email)) {
        state.learnerIdsByEmail.delete(normalizeEmail(learner.email));
        state.learnerIdsByEmail.set(normalizeEmail(changes.email), learner.learnerId);
      }
      state.learners.set(learner.learnerId, {
        ...learner,
        email: changes.email ?? learner.email,
        firstName: changes.firstName ?? learner.firstName,
        lastName: changes.lastName ?? learner.lastName,
        employeeId: changes.employeeId !== undefined ? changes.employeeId : learner.employeeId,
      });
      return state;
    }
    case 'ActivityRecorded':
      updateLearner(state, event.data.learnerId, (learner) => ({ ...learner, activityCount: learner.activityCount + 1 }));
      return state;
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
  }
};
