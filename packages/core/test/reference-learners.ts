import fc from 'fast-check';
import { normalizeEmail, type DomainEvent, type LearnerRecord, type OrganizationState } from '../src/index.js';

/**
 * A reference for the learner side of the fold: the learners and the e-mail
 * index as plain Maps, folded by the rules the learner table must keep (a
 * learner registered again replaces the first in its place, and the e-mail
 * index follows the new address).
 */
export interface ReferenceLearners {
  readonly learners: Map<string, LearnerRecord>;
  readonly emails: Map<string, string>;
}

export const emptyReference = (): ReferenceLearners => ({ learners: new Map(), emails: new Map() });

export const copyReference = (reference: ReferenceLearners): ReferenceLearners => ({ learners: new Map(reference.learners), emails: new Map(reference.emails) });

const without = (list: readonly string[], remove: readonly string[]): string[] => list.filter((item) => !remove.includes(item));
const withAdded = (list: readonly string[], add: readonly string[]): string[] => {
  const result = [...list];
  for (const item of add) if (!result.includes(item)) result.push(item);
  return result;
};

export const foldReference = (reference: ReferenceLearners, event: DomainEvent): void => {
  const { learners, emails } = reference;
  const change = (learnerId: string, patch: Partial<LearnerRecord>) => {
    const learner = learners.get(learnerId);
    if (learner) learners.set(learnerId, { ...learner, ...patch });
  };
  switch (event.type) {
    case 'LearnerRegistered': {
      const d = event.data;
      const previous = learners.get(d.learnerId);
      if (previous && emails.get(normalizeEmail(previous.email)) === d.learnerId) emails.delete(normalizeEmail(previous.email));
      learners.set(d.learnerId, { ...d, licenseId: null, teams: [], teamsBeforeDeactivation: [], activityCount: 0 });
      emails.set(normalizeEmail(d.email), d.learnerId);
      return;
    }
    case 'LicenseAssigned':
      return change(event.data.learnerId, { licenseId: event.data.licenseId });
    case 'LicenseReleased':
      return change(event.data.learnerId, { licenseId: null });
    case 'TeamMembershipChanged': {
      const learner = learners.get(event.data.learnerId);
      if (learner) change(learner.learnerId, { teams: withAdded(without(learner.teams, event.data.removed), event.data.added) });
      return;
    }
    case 'LearnerDeactivated':
      return change(event.data.learnerId, { status: 'inactive', teamsBeforeDeactivation: event.data.removedTeams });
    case 'LearnerReactivated':
      return change(event.data.learnerId, { status: 'active', teamsBeforeDeactivation: [] });
    case 'LearnerProfileUpdated': {
      const learner = learners.get(event.data.learnerId);
      if (!learner) return;
      const { changes } = event.data;
      const moved = changes.email !== undefined && normalizeEmail(changes.email) !== normalizeEmail(learner.email);
      if (moved) emails.delete(normalizeEmail(learner.email));
      change(learner.learnerId, {
        ...(changes.email !== undefined ? { email: changes.email } : {}),
        ...(changes.firstName !== undefined ? { firstName: changes.firstName } : {}),
        ...(changes.lastName !== undefined ? { lastName: changes.lastName } : {}),
        ...(changes.employeeId !== undefined ? { employeeId: changes.employeeId } : {}),
      });
      if (moved) emails.set(normalizeEmail(changes.email!), learner.learnerId);
      return;
    }
    case 'ActivityRecorded': {
      const learner = learners.get(event.data.learnerId);
      if (learner) change(learner.learnerId, { activityCount: learner.activityCount + 1 });
      return;
    }
    default:
      return;
  }
};

const byKey = <T>(entries: Iterable<[string, T]>): [string, T][] => [...entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));

/** What a state says about its learners: in order, by lookup, and its e-mail index (an index: order does not count). */
export const learnersSeenIn = (state: Pick<OrganizationState, 'learners' | 'learnerIdsByEmail'>, probes: readonly string[]) => ({
  inOrder: [...state.learners.entries()],
  size: state.learners.size,
  looked: probes.map((id) => [state.learners.has(id), state.learners.get(id), state.learners.read(id, 'teams'), state.learners.read(id, 'licenseId')]),
  activeInTeam: [...TEAM_IDS, 'ghost'].map((team) => state.learners.countActiveInTeam(team)),
  emails: byKey(state.learnerIdsByEmail.entries()),
  emailCount: state.learnerIdsByEmail.size,
  emailsLooked: probes.map((email) => [state.learnerIdsByEmail.has(normalizeEmail(email)), state.learnerIdsByEmail.get(normalizeEmail(email))]),
});

export const referenceSeen = (reference: ReferenceLearners, probes: readonly string[]) => ({
  inOrder: [...reference.learners.entries()],
  size: reference.learners.size,
  looked: probes.map((id) => [reference.learners.has(id), reference.learners.get(id), reference.learners.get(id)?.teams, reference.learners.get(id)?.licenseId]),
  activeInTeam: [...TEAM_IDS, 'ghost'].map((team) => [...reference.learners.values()].filter((learner) => learner.status === 'active' && learner.teams.includes(team)).length),
  emails: byKey(reference.emails.entries()),
  emailCount: reference.emails.size,
  emailsLooked: probes.map((email) => [reference.emails.has(normalizeEmail(email)), reference.emails.get(normalizeEmail(email))]),
});

// ---------------------------------------------------------------- random learner events

/** Ids that collide by case, by normalization, in UTF-8 length, or carry a lone surrogate. */
export const LEARNER_IDS = ['0001', '0002', 'L1', 'l1', 'é', 'e\u0301', '\u{1F600}', '\uD800', '\uDC00x', 'x'.repeat(128), 'Ünïcödé-ΩΣ'];
export const EMAILS = ['a@x.io', 'A@X.io', 'b@x.io', ' b@x.io ', 'ÉCOLE@x.io', 'école@x.io', '\uD800@x.io', 'ß@x.io', 'İ@x.io', `${'m'.repeat(240)}@x.io`];
const TEAM_IDS = ['sales', 'support', 'inactive', 'équipe', '\u{1F680}'];
const LICENSES = ['L-1', 'L-2', 'L-2147483647', 'L-2147483648', 'L-01', 'L-0', 'seat-9', 'L-1 '];

const learnerId = fc.constantFrom(...LEARNER_IDS);
const email = fc.constantFrom(...EMAILS);
const text = fc.oneof(fc.constantFrom('', 'Ada', 'Ünïcödé', '\uD83D', 'x'.repeat(600)), fc.string({ unit: fc.nat(0xffff).map((code) => String.fromCharCode(code)), maxLength: 12 }));
const teams = fc.subarray(TEAM_IDS, { maxLength: 3 }).chain((list) => fc.shuffledSubarray(list, { minLength: list.length, maxLength: list.length }));

export const learnerEventArb: fc.Arbitrary<DomainEvent> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc
      .record({ learnerId, email, firstName: text, lastName: text, employeeId: fc.option(text, { nil: null }), status: fc.constantFrom('active' as const, 'inactive' as const) })
      .map((data): DomainEvent => ({ type: 'LearnerRegistered', data })),
  },
  { weight: 2, arbitrary: fc.record({ learnerId, licenseId: fc.constantFrom(...LICENSES) }).map((data): DomainEvent => ({ type: 'LicenseAssigned', data })) },
  { weight: 1, arbitrary: fc.record({ learnerId }).map((data): DomainEvent => ({ type: 'LicenseReleased', data })) },
  { weight: 3, arbitrary: fc.record({ learnerId, added: teams, removed: teams }).map((data): DomainEvent => ({ type: 'TeamMembershipChanged', data })) },
  { weight: 1, arbitrary: fc.record({ learnerId, removedTeams: teams }).map((data): DomainEvent => ({ type: 'LearnerDeactivated', data })) },
  { weight: 1, arbitrary: fc.record({ learnerId, restoredTeams: teams }).map((data): DomainEvent => ({ type: 'LearnerReactivated', data })) },
  {
    weight: 2,
    arbitrary: fc
      .record({ learnerId, changes: fc.record({ email, firstName: text, lastName: text, employeeId: fc.option(text, { nil: null }) }, { requiredKeys: [] }) })
      .map((data): DomainEvent => ({ type: 'LearnerProfileUpdated', data })),
  },
  { weight: 1, arbitrary: fc.record({ learnerId }).map(({ learnerId }): DomainEvent => ({ type: 'ActivityRecorded', data: { learnerId, activityId: 'a', kind: 'completion', courseId: 'c' } })) },
);
