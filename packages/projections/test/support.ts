import type { DomainEvent, EventEnvelope, EventMetadata } from '@learner-ledger/core';
import { dumpTables, foldEnvelopes, type Projection } from '../src/index.js';

let position = 0;

/** An envelope around an event, as the runner would hand it to a projection. */
export const envelope = (event: DomainEvent, meta: Partial<EventMetadata> = {}): EventEnvelope => {
  position++;
  return {
    event,
    metadata: {
      eventId: `e-${position}`,
      occurredAt: '2026-03-02T09:00:00.000Z',
      orgId: 'acme',
      commandId: `c-${position}`,
      correlationId: `c-${position}`,
      causationId: `c-${position}`,
      actor: { kind: 'admin', id: 'jo@acme.test' },
      channel: 'api',
      ...meta,
    },
    streamId: `learner-ledger.org-${meta.orgId ?? 'acme'}`,
    streamVersion: position,
    globalPosition: BigInt(position),
  };
};

/** Given these events, the state of a projection. */
export const given = <S>(projection: Projection<S>, envelopes: readonly EventEnvelope[]): S => foldEnvelopes(projection, envelopes);

export const dump = <S>(projection: Projection<S>, state: S) => dumpTables(projection, state);

export const onboarded = (seats = 5, inactiveTeamId: string | null = 'inactive-learners', orgId = 'acme', timeZone = 'America/Chicago'): DomainEvent => ({
  type: 'OrganizationOnboarded',
  data: { orgId, name: orgId, seats, timeZone, connector: inactiveTeamId === null ? 'workday' : 'none', inactiveTeamId, dailyImportTime: '02:00' },
});
export const teamCreated = (teamId: string, kind: 'standard' | 'inactive' = 'standard'): DomainEvent => ({ type: 'TeamCreated', data: { teamId, name: teamId, kind } });
export const registered = (learnerId: string, status: 'active' | 'inactive' = 'active'): DomainEvent => ({
  type: 'LearnerRegistered',
  data: { learnerId, email: `${learnerId}@acme.test`, firstName: 'F', lastName: 'L', employeeId: null, status },
});
export const assigned = (learnerId: string, licenseId = `L-${learnerId}`): DomainEvent => ({ type: 'LicenseAssigned', data: { learnerId, licenseId } });
export const released = (learnerId: string, licenseId = `L-${learnerId}`): DomainEvent => ({ type: 'LicenseReleased', data: { learnerId, licenseId } });
export const membership = (learnerId: string, added: string[], removed: string[] = []): DomainEvent => ({ type: 'TeamMembershipChanged', data: { learnerId, added, removed } });
export const deactivated = (learnerId: string, removedTeams: string[] = [], reason?: string): DomainEvent => ({
  type: 'LearnerDeactivated',
  data: { learnerId, removedTeams, ...(reason !== undefined ? { reason } : {}) },
});
export const reactivated = (learnerId: string, restoredTeams: string[] = []): DomainEvent => ({ type: 'LearnerReactivated', data: { learnerId, restoredTeams } });
