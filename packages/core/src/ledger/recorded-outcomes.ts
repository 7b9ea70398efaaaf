import type { DomainEvent } from '../events.js';
import type { EventMetadata } from '../metadata.js';
import type { Outcome, OutcomeAction, OutcomeEffects } from '../organization/outcomes.js';
import { sameData } from './same-data.js';
import type { RecordedChange } from './types.js';

const learnerIdOf = (event: DomainEvent): string | undefined =>
  'learnerId' in event.data && typeof event.data.learnerId === 'string' ? event.data.learnerId : undefined;

/** What a command did to one learner, told by the learner's events: the use case's main event names it. */
const learnerAction = (types: ReadonlySet<string>): OutcomeAction | undefined => {
  if (types.has('LearnerRegistered')) return 'register';
  if (types.has('LearnerReactivated')) return 'reactivate';
  if (types.has('LearnerDeactivated')) return 'deactivate';
  if (types.has('ActivityRecorded')) return 'record-activity';
  if (types.size === 1 && types.has('TeamMembershipChanged')) return 'change-teams';
  return undefined;
};

const learnerEffects = (events: readonly DomainEvent[]): OutcomeEffects => {
  const effects: { -readonly [K in keyof OutcomeEffects]: OutcomeEffects[K] } = {};
  for (const event of events) {
    if (event.type === 'TeamMembershipChanged') Object.assign(effects, { addedTo: event.data.added, removedFrom: event.data.removed });
    if (event.type === 'LicenseAssigned') effects.licenseAssigned = event.data.licenseId;
    if (event.type === 'LicenseReleased') effects.licenseReleased = event.data.licenseId;
    if (event.type === 'LearnerReactivated') effects.restoredTeams = event.data.restoredTeams;
  }
  return effects;
};

/** The applied outcome of one event that is about the organization, a team or an import, when it is one. */
const otherOutcome = (event: DomainEvent, orgId: string): Outcome | undefined => {
  switch (event.type) {
    case 'OrganizationOnboarded':
      return { subject: orgId, action: 'onboard', status: 'applied' };
    case 'LicensePoolResized':
      return { subject: orgId, action: 'resize', status: 'applied' };
    case 'TeamCreated':
      return { subject: event.data.teamId, action: 'create-team', status: 'applied' };
    case 'ImportReceived':
      return { subject: event.data.importId, action: 'receive-import', status: 'applied' };
    case 'ImportApplied':
      return { subject: event.data.importId, action: 'finish-import', status: 'applied' };
    case 'ImportRejected':
      return { subject: event.data.importId, action: 'reject-import', status: 'applied' };
    default:
      return undefined;
  }
};

/**
 * The outcomes a command's events tell on their own: one applied outcome per
 * learner they touch (its effects read from the events) and one per
 * organization, team or import event. Undefined when the events hold
 * something this does not read (a schedule, a profile change, import lines).
 */
export const outcomesFromEvents = (changes: readonly { readonly event: DomainEvent; readonly metadata: EventMetadata }[]): Outcome[] | undefined => {
  // In the order the subjects first appear: a learner's events, or one other event.
  const slots: (string | Outcome)[] = [];
  const learners = new Map<string, DomainEvent[]>();
  for (const { event, metadata } of changes) {
    const learnerId = learnerIdOf(event);
    if (learnerId === undefined) {
      const other = otherOutcome(event, metadata.orgId);
      if (other === undefined) return undefined;
      slots.push(other);
    } else if (learners.has(learnerId)) {
      learners.get(learnerId)!.push(event);
    } else {
      learners.set(learnerId, [event]);
      slots.push(learnerId);
    }
  }
  const outcomes: Outcome[] = [];
  for (const slot of slots) {
    if (typeof slot !== 'string') {
      outcomes.push(slot);
      continue;
    }
    const events = learners.get(slot)!;
    const action = learnerAction(new Set(events.map((e) => e.type)));
    if (action === undefined) return undefined;
    outcomes.push(action === 'record-activity' ? { subject: slot, action, status: 'applied' } : { subject: slot, action, status: 'applied', effects: learnerEffects(events) });
  }
  return outcomes;
};

/** The outcomes to record with a command's events: none when its events tell them exactly. */
export const outcomesToRecord = (changes: readonly RecordedChange[], outcomes: readonly Outcome[]): readonly Outcome[] | undefined =>
  sameData(outcomesFromEvents(changes), outcomes) ? undefined : outcomes;

/** The outcomes of a command applied before: as recorded with its first event, or as its events tell them. */
export const outcomesOfRecorded = (changes: readonly RecordedChange[]): readonly Outcome[] =>
  // Recorded by this ledger from the command's outcomes (`field` was a command field).
  (changes[0]?.metadata.outcomes as readonly Outcome[] | undefined) ?? outcomesFromEvents(changes) ?? [];
