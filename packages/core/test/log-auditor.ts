import * as E from 'fp-ts/lib/Either.js';
import { chainEvents, ChainVerifier, decodeEvent, GENESIS_HASH, orgIdOfStream, storedLinkOf, type NewStoredEvent, type Command, type DomainEvent, type EventMetadata, type EventStore, type GlobalPosition, type StoredEvent } from '../src/index.js';

/**
 * Re-derives, from the raw event log alone, what the invariants
 * (docs/design.md, Invariants) say must hold, and throws at the first event or
 * command boundary where it does not; it also recomputes every stream's hash
 * chain and throws at the first event whose link does not match. It keeps
 * its own model of each organization and never looks at the decider's state.
 */
interface LearnerModel {
  active: boolean;
  holdsLicense: boolean;
  teams: Set<string>;
  activities: number;
  /** The teams the last deactivation's move took the learner out of, seen from the model (what a reactivation restores by default). */
  removedByLastDeactivation: string[];
}
export interface OrgModel {
  seats: number;
  /** Licenses held, counted event by event. */
  inUse: number;
  inactiveTeamId: string | null;
  teams: Set<string>;
  learners: Map<string, LearnerModel>;
  schedules: Map<string, { removeFrom: 'all' | string[] | null }>;
  commandIds: Set<string>;
}
interface Decoded {
  readonly stored: StoredEvent;
  readonly event: DomainEvent;
  readonly metadata: EventMetadata;
}

const fail = (where: Decoded | undefined, message: string): never => {
  const at = where ? ` at ${where.stored.streamId}#${where.stored.streamVersion} (global ${where.stored.globalPosition}, ${where.event.type}, command ${where.metadata.commandId})` : '';
  throw new Error(`invariant broken${at}: ${message}`);
};

export class LogAuditor {
  readonly orgs = new Map<string, OrgModel>();
  /** Every command the test issued, by command id, so a boundary check knows which move was asked. */
  readonly issued = new Map<string, Command>();
  position: GlobalPosition = 0n;
  eventsSeen = 0;
  groupsSeen = 0;
  deactivationsSeen = 0;
  private readonly groupKeys = new Set<string>();
  /** Each stream's hash chain, recomputed event by event. */
  private readonly chains = new Map<string, ChainVerifier>();

  constructor(private readonly store: EventStore) {}

  activeCount(orgId: string): number {
    let n = 0;
    for (const learner of this.orgs.get(orgId)?.learners.values() ?? []) if (learner.active) n++;
    return n;
  }

  /** Reads what was appended since the last call and checks it, one command (one append) at a time. */
  async catchUp(): Promise<number> {
    const fresh: Decoded[] = [];
    for (;;) {
      const batch = await this.store.readAll({ after: this.position, maxCount: 500 });
      for (const stored of batch.events) {
        let chain = this.chains.get(stored.streamId);
        if (!chain) this.chains.set(stored.streamId, (chain = new ChainVerifier(stored.streamId, [], { merkleTree: false })));
        if (!chain.push(stored)) fail(undefined, `hash chain: ${chain.mismatch!.message}`);
        const decoded = decodeEvent(stored);
        if (E.isLeft(decoded)) fail(undefined, decoded.left.message);
        const right = decoded as E.Right<{ event: DomainEvent; metadata: EventMetadata }>;
        fresh.push({ stored, event: right.right.event, metadata: right.right.metadata });
      }
      this.position = batch.lastPosition;
      if (batch.isEnd || batch.events.length === 0) break;
    }
    let start = 0;
    for (let i = 1; i <= fresh.length; i++) {
      const boundary = i === fresh.length || fresh[i]!.stored.streamId !== fresh[start]!.stored.streamId || fresh[i]!.metadata.commandId !== fresh[start]!.metadata.commandId;
      if (boundary) {
        this.group(fresh.slice(start, i));
        start = i;
      }
    }
    this.eventsSeen += fresh.length;
    return fresh.length;
  }

  private group(events: Decoded[]): void {
    const first = events[0]!;
    const streamId = first.stored.streamId;
    const orgId = orgIdOfStream(streamId) ?? fail(first, `event in a stream that belongs to no organization`);
    // Each learner's teams before this command, to check what its moves and restorations did.
    const teamsAtStart = new Map<string, ReadonlySet<string>>();
    for (const [learnerId, learner] of this.orgs.get(orgId)?.learners ?? []) teamsAtStart.set(learnerId, new Set(learner.teams));
    const restorable = new Map<string, string[]>();
    const key = `${streamId}\u0000${first.metadata.commandId}`;
    // Invariant 5: one command is one contiguous run of events, never split.
    if (this.groupKeys.has(key)) fail(first, `command ${first.metadata.commandId} wrote to ${streamId} twice`);
    this.groupKeys.add(key);
    this.groupsSeen++;
    for (let i = 1; i < events.length; i++) {
      if (events[i]!.stored.globalPosition !== events[i - 1]!.stored.globalPosition + 1n) fail(events[i], 'events of one command are not contiguous in the log');
    }

    const assigned = new Map<string, number>();
    const released = new Map<string, number>();
    const activated = new Map<string, number>();
    const deactivated = new Map<string, number>();
    const bump = (map: Map<string, number>, id: string) => map.set(id, (map.get(id) ?? 0) + 1);

    events.forEach((item, index) => {
      const { event, metadata } = item;
      // Invariant 7: every event of a stream is of that stream's organization.
      if (metadata.orgId !== orgId) fail(item, `metadata.orgId ${metadata.orgId} in the stream of ${orgId}`);
      if (event.type === 'OrganizationOnboarded') {
        if (this.orgs.has(orgId)) fail(item, 'organization onboarded twice');
        if (event.data.orgId !== orgId) fail(item, `onboarded ${event.data.orgId} in the stream of ${orgId}`);
        this.orgs.set(orgId, { seats: event.data.seats, inUse: 0, inactiveTeamId: event.data.inactiveTeamId, teams: new Set(), learners: new Map(), schedules: new Map(), commandIds: new Set() });
        return;
      }
      const org = this.orgs.get(orgId) ?? fail(item, 'event before the organization was onboarded');
      org.commandIds.add(metadata.commandId);
      const learnerOf = (learnerId: string): LearnerModel => org.learners.get(learnerId) ?? fail(item, `learner ${learnerId} is not a learner of ${orgId}`);
      const knownTeam = (teamId: string) => {
        if (!org.teams.has(teamId)) fail(item, `team ${teamId} is not a team of ${orgId}`);
      };
      switch (event.type) {
        case 'LicensePoolResized':
          org.seats = event.data.seats;
          if (org.inUse > org.seats) fail(item, `pool resized to ${org.seats} seats with ${org.inUse} licenses in use`);
          return;
        case 'TeamCreated':
          org.teams.add(event.data.teamId);
          if (event.data.kind === 'inactive' && org.inactiveTeamId === null) org.inactiveTeamId = event.data.teamId;
          return;
        case 'LearnerRegistered':
          if (org.learners.has(event.data.learnerId)) fail(item, `learner ${event.data.learnerId} registered twice`);
          org.learners.set(event.data.learnerId, { active: event.data.status === 'active', holdsLicense: false, teams: new Set(), activities: 0, removedByLastDeactivation: [] });
          if (event.data.status === 'active') bump(activated, event.data.learnerId);
          return;
        case 'LicenseAssigned': {
          const learner = learnerOf(event.data.learnerId);
          // Invariant 2: never a second license for a holder.
          if (learner.holdsLicense) fail(item, `second license assigned to ${event.data.learnerId}`);
          learner.holdsLicense = true;
          bump(assigned, event.data.learnerId);
          // Invariant 1 at every position, inside a command too: never more licenses than seats.
          if (++org.inUse > org.seats) fail(item, `license ${org.inUse} assigned with ${org.seats} seats`);
          return;
        }
        case 'LicenseReleased': {
          const learner = learnerOf(event.data.learnerId);
          if (!learner.holdsLicense) fail(item, `license of ${event.data.learnerId} released twice (or never held)`);
          learner.holdsLicense = false;
          bump(released, event.data.learnerId);
          if (--org.inUse < 0) fail(item, 'licenses in use below zero');
          return;
        }
        case 'TeamMembershipChanged': {
          const learner = learnerOf(event.data.learnerId);
          for (const teamId of [...event.data.added, ...event.data.removed]) knownTeam(teamId);
          for (const teamId of event.data.removed) learner.teams.delete(teamId);
          for (const teamId of event.data.added) learner.teams.add(teamId);
          return;
        }
        case 'LearnerDeactivated': {
          const learner = learnerOf(event.data.learnerId);
          if (!learner.active) fail(item, `${event.data.learnerId} deactivated while inactive`);
          learner.active = false;
          bump(deactivated, event.data.learnerId);
          this.deactivationsSeen++;
          // Invariant 5: the release follows at once; the move, when there is one, comes right before.
          const next = events[index + 1];
          if (!next || next.event.type !== 'LicenseReleased' || next.event.data.learnerId !== event.data.learnerId) fail(item, `LearnerDeactivated of ${event.data.learnerId} not followed by its LicenseReleased`);
          events.forEach((other, otherIndex) => {
            if (other.event.type === 'TeamMembershipChanged' && other.event.data.learnerId === event.data.learnerId && otherIndex !== index - 1) {
              fail(other, `the move of ${event.data.learnerId} is not right before its deactivation`);
            }
          });
          return;
        }
        case 'LearnerReactivated': {
          const learner = learnerOf(event.data.learnerId);
          if (learner.active) fail(item, `${event.data.learnerId} reactivated while active`);
          learner.active = true;
          restorable.set(event.data.learnerId, learner.removedByLastDeactivation);
          learner.removedByLastDeactivation = [];
          bump(activated, event.data.learnerId);
          return;
        }
        case 'ActivityRecorded':
          learnerOf(event.data.learnerId).activities++;
          return;
        case 'LearnerProfileUpdated':
          learnerOf(event.data.learnerId);
          return;
        case 'DeactivationScheduled':
          for (const learnerId of event.data.learnerIds) learnerOf(learnerId);
          org.schedules.set(event.data.scheduleId, { removeFrom: event.data.move ? event.data.move.removeFrom : null });
          return;
        case 'ScheduledDeactivationCancelled':
        case 'ScheduledDeactivationCompleted':
          if (!org.schedules.has(event.data.scheduleId)) fail(item, `schedule ${event.data.scheduleId} is not of ${orgId}`);
          return;
        default:
          return;
      }
    });

    const org = this.orgs.get(orgId)!;
    // Invariant 2: exactly one assignment per activation, one release per deactivation, within the command.
    for (const [learnerId, count] of deactivated) {
      if (count !== 1 || released.get(learnerId) !== 1) fail(first, `${learnerId}: ${count} deactivations, ${released.get(learnerId) ?? 0} releases in one command`);
    }
    for (const learnerId of released.keys()) if (!deactivated.has(learnerId)) fail(first, `license of ${learnerId} released without a deactivation`);
    for (const [learnerId, count] of activated) {
      if (count !== 1 || assigned.get(learnerId) !== 1) fail(first, `${learnerId}: ${count} activations, ${assigned.get(learnerId) ?? 0} assignments in one command`);
    }
    for (const learnerId of assigned.keys()) if (!activated.has(learnerId)) fail(first, `license assigned to ${learnerId} without an activation`);

    // Invariant 1, at this command boundary: in use = active ≤ seats, ≥ 0; and per learner, active ⇔ holds a license.
    let inUse = 0;
    let active = 0;
    for (const [learnerId, learner] of org.learners) {
      if (learner.holdsLicense) inUse++;
      if (learner.active) active++;
      if (learner.active !== learner.holdsLicense) fail(first, `${learnerId} is ${learner.active ? 'active' : 'inactive'} but ${learner.holdsLicense ? 'holds' : 'holds no'} license`);
    }
    if (inUse !== active) fail(first, `licenses in use ${inUse} ≠ active learners ${active}`);
    if (inUse !== org.inUse) fail(first, `licenses held ${inUse} ≠ licenses counted ${org.inUse}`);
    if (inUse > org.seats) fail(first, `licenses in use ${inUse} > seats ${org.seats}`);
    if (inUse < 0) fail(first, `licenses in use ${inUse} < 0`);

    // Invariant 3: a deactivation with a move that removes from all leaves exactly the inactive team.
    const command = this.issued.get(first.metadata.commandId);
    for (const item of events) {
      if (item.event.type !== 'LearnerDeactivated') continue;
      const data = item.event.data;
      // undefined: the command is not known here, so neither is the move it asked for.
      let removeFrom: 'all' | string[] | null | undefined;
      if (data.scheduleId !== undefined) removeFrom = org.schedules.get(data.scheduleId)?.removeFrom ?? null;
      else if (command?.type === 'DeactivateLearners') removeFrom = command.move === null ? null : command.move === undefined ? 'all' : (command.move.removeFrom as 'all' | string[]);
      else removeFrom = undefined;
      if (removeFrom === 'all' && org.inactiveTeamId !== null) {
        const teams = [...org.learners.get(data.learnerId)!.teams];
        if (teams.length !== 1 || teams[0] !== org.inactiveTeamId) fail(item, `${data.learnerId} deactivated with a move is on ${JSON.stringify(teams)}`);
      }
      const learner = org.learners.get(data.learnerId)!;
      const before = teamsAtStart.get(data.learnerId) ?? new Set<string>();
      const removed = [...before].filter((teamId) => !learner.teams.has(teamId));
      // The event records exactly the teams its move removed: a reactivation restores them.
      if (!sameTeams(data.removedTeams, removed)) fail(item, `${data.learnerId}: removedTeams ${JSON.stringify(data.removedTeams)}, but the move removed ${JSON.stringify(removed)}`);
      learner.removedByLastDeactivation = removed.filter((teamId) => teamId !== org.inactiveTeamId);
      if (removeFrom === undefined) continue;
      let expected: Set<string>;
      if (removeFrom === null || org.inactiveTeamId === null) expected = new Set(before);
      else if (removeFrom === 'all') expected = new Set([org.inactiveTeamId]);
      else expected = new Set([...[...before].filter((teamId) => !removeFrom.includes(teamId)), org.inactiveTeamId]);
      // A move from listed teams leaves every other team; no move (asked or possible) leaves the teams as they were.
      if (!sameTeams([...learner.teams], [...expected])) fail(item, `${data.learnerId} deactivated with removeFrom ${JSON.stringify(removeFrom)} from ${JSON.stringify([...before])} is on ${JSON.stringify([...learner.teams])}, expected ${JSON.stringify([...expected])}`);
    }

    // A reactivation restores exactly the teams asked for, or by default those its learner's last deactivation removed.
    for (const item of events) {
      if (item.event.type !== 'LearnerReactivated' || command?.type !== 'ReactivateLearner') continue;
      const data = item.event.data;
      const expected = command.teams !== undefined ? [...new Set(command.teams)] : (restorable.get(data.learnerId) ?? []);
      if (!sameTeams(data.restoredTeams, expected)) fail(item, `${data.learnerId} reactivated restoring ${JSON.stringify(data.restoredTeams)}, expected ${JSON.stringify(expected)}`);
      const before = [...(teamsAtStart.get(data.learnerId) ?? [])].filter((teamId) => teamId !== org.inactiveTeamId);
      const teams = [...org.learners.get(data.learnerId)!.teams];
      if (!sameTeams(teams, [...before, ...expected])) fail(item, `${data.learnerId} reactivated is on ${JSON.stringify(teams)}, expected ${JSON.stringify([...new Set([...before, ...expected])])}`);
    }
  }
}

const sameTeams = (a: readonly string[], b: readonly string[]): boolean => {
  const left = [...new Set(a)].sort();
  const right = [...new Set(b)].sort();
  return left.length === right.length && left.every((teamId, i) => teamId === right[i]);
};

/** Appends events around the ledger, chained as the ledger would chain them: a log broken only in what a test breaks. */
export const appendChained = async (store: EventStore, streamId: string, events: readonly NewStoredEvent[]): Promise<void> => {
  const { currentVersion, events: before } = await store.readStream(streamId);
  const previous = before.length > 0 ? storedLinkOf(before[before.length - 1]!)!.hash : GENESIS_HASH;
  await store.appendToStream(streamId, chainEvents(streamId, events, currentVersion + 1, previous).events, { expectedVersion: currentVersion });
};
