import * as E from 'fp-ts/lib/Either.js';
import type {
  ApplyImportBatch,
  Command,
  CreateTeam,
  DeactivateLearners,
  ImportOperation,
  MoveOptions,
  OnboardOrganization,
  ReactivateLearner,
  RegisterLearner,
  ScheduleDeactivation,
} from '../commands.js';
import { domainError, type DomainError, type ErrorCode } from '../errors.js';
import type { DomainEvent, ImportLineRecord, MoveInstruction, ProfileChanges } from '../events.js';
import { isEntityId, isOrgId, isText } from '../ids.js';
import type { Actor, Channel } from '../metadata.js';
import { compareInstants, isValidTimeZone, parseInstantOrDate, toInstant } from '../time.js';
import { evolve } from './evolve.js';
import { draftOf, normalizeEmail, normalizeName, type LearnerRecord, type OrganizationState } from './state.js';

/** What a decision needs besides the state: the instant it is made at (UTC ISO). */
export interface DecisionContext {
  readonly now: string;
}

/** An event a decision emits, with what its metadata must say beyond the command's. */
export interface Emitted {
  readonly event: DomainEvent;
  readonly line?: number;
  readonly causationId?: string;
  readonly channel?: Channel;
  readonly actor?: Actor;
}

/** What happened to one subject (learner, team, schedule, import) of a command. */
export interface Outcome {
  readonly subject: string;
  readonly action: string;
  readonly status: 'applied' | 'skipped' | 'rejected';
  readonly code?: string;
  readonly message?: string;
  readonly line?: number;
}

export interface Decision {
  readonly events: readonly Emitted[];
  readonly outcomes: readonly Outcome[];
}

type Result = E.Either<DomainError, Decision>;

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const DEFAULT_INACTIVE_TEAM = 'Inactive Learners';
const fail = (code: ErrorCode, message: string, extra: Partial<DomainError> = {}): Result => E.left(domainError(code, message, extra));
const ok = (events: Emitted[], outcomes: Outcome[] = []): Result => E.right({ events, outcomes });

/** A team id derived from its name: `Sales EMEA` → `sales-emea`. */
export const teamIdFromName = (name: string): string => {
  const slug = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60);
  return slug === '' ? 'team' : slug;
};

const requireOrganization = (state: OrganizationState, orgId: string): DomainError | undefined => {
  if (!isOrgId(orgId)) return domainError('INVALID_ORGANIZATION_ID', `Organization id ${JSON.stringify(orgId)} is not valid: use 1-64 letters, digits, "_", "-" or "."`);
  // A state folded from another organization's stream never decides for this one.
  if (!state.exists || state.orgId !== orgId) return domainError('ORGANIZATION_NOT_FOUND', `Organization ${orgId} does not exist`, { subject: orgId });
  return undefined;
};

const checkText = (field: string, value: string, required = true): DomainError | undefined => {
  if (typeof value !== 'string' || !isText(value) || (required && value.trim() === '')) {
    return domainError('INVALID_TEXT', `${field} ${JSON.stringify(value)} is not valid: ${required ? 'required, ' : ''}at most 512 characters, no control characters`);
  }
  return undefined;
};

const checkSeats = (seats: number): DomainError | undefined =>
  Number.isInteger(seats) && seats >= 0 && seats <= 10_000_000
    ? undefined
    : domainError('INVALID_SEATS', `Seats must be a whole number from 0 to 10,000,000, got ${JSON.stringify(seats)}`);

const unknownTeam = (state: OrganizationState, teamId: string): DomainError =>
  domainError('TEAM_NOT_IN_ORGANIZATION', `Team ${JSON.stringify(teamId)} is not a team of organization ${state.orgId}`, { subject: teamId });

const learnerNotFound = (state: OrganizationState, learnerId: string): DomainError =>
  domainError('LEARNER_NOT_FOUND', `Learner ${JSON.stringify(learnerId)} is not a learner of organization ${state.orgId}`, { subject: learnerId });

const poolExhausted = (state: OrganizationState, learnerId: string): DomainError =>
  domainError(
    'LICENSE_POOL_EXHAUSTED',
    `No free license for ${learnerId}: all ${state.seats} seats of ${state.orgId} are in use (resize the pool, deactivate someone, or register the learner inactive)`,
    { subject: learnerId },
  );

const nextLicenseId = (state: OrganizationState): string => `L-${state.nextLicenseNumber}`;

/** Employee ids are trimmed at the door, like names and e-mails, so an exported file imports back unchanged; blank means none. */
const trimEmployeeId = (value: string | null | undefined): string | null => {
  if (value === undefined || value === null) return null;
  const trimmed = typeof value === 'string' ? value.trim() : value;
  return trimmed === '' ? null : trimmed;
};

/** Folds emitted events onto a draft so the next step of the same decision sees them. */
const applyTo = (draft: OrganizationState, emitted: readonly Emitted[]): void => {
  for (const item of emitted) evolve(draft, item.event);
};

// ---------------------------------------------------------------- organization

const onboard = (state: OrganizationState, c: OnboardOrganization): Result => {
  if (!isOrgId(c.orgId)) return fail('INVALID_ORGANIZATION_ID', `Organization id ${JSON.stringify(c.orgId)} is not valid: use 1-64 letters, digits, "_", "-" or "."`);
  if (state.exists) return fail('ORGANIZATION_ALREADY_EXISTS', `Organization ${c.orgId} already exists`, { subject: c.orgId });
  const nameError = checkText('Organization name', c.name);
  if (nameError) return E.left(nameError);
  const seatsError = checkSeats(c.seats);
  if (seatsError) return E.left(seatsError);
  const timeZone = c.timeZone ?? 'UTC';
  if (!isValidTimeZone(timeZone)) return fail('INVALID_TIME_ZONE', `Time zone ${JSON.stringify(timeZone)} is not an IANA time zone (e.g. America/Chicago)`);
  const dailyImportTime = c.dailyImportTime ?? '02:00';
  if (!/^([01]\d|2[0-3]):[0-5]\d$/.test(dailyImportTime)) return fail('INVALID_TIME_OF_DAY', `Daily import time ${JSON.stringify(dailyImportTime)} is not HH:mm`);
  const connector = c.connector ?? 'none';
  if (c.inactiveTeam === null && connector === 'none') {
    return fail('INACTIVE_TEAM_REQUIRED', `Organization ${c.orgId} needs an inactive team: only Oracle or Workday connector organizations may have none`);
  }
  const events: Emitted[] = [];
  let inactiveTeamId: string | null = null;
  if (c.inactiveTeam !== null) {
    const name = c.inactiveTeam?.name ?? DEFAULT_INACTIVE_TEAM;
    const teamError = checkText('Inactive team name', name);
    if (teamError) return E.left(teamError);
    inactiveTeamId = c.inactiveTeam?.teamId ?? teamIdFromName(name);
    if (!isEntityId(inactiveTeamId)) return fail('INVALID_ID', `Team id ${JSON.stringify(inactiveTeamId)} is not valid`);
    events.push({ event: { type: 'TeamCreated', data: { teamId: inactiveTeamId, name: name.trim(), kind: 'inactive' } } });
  }
  events.unshift({
    event: {
      type: 'OrganizationOnboarded',
      data: { orgId: c.orgId, name: c.name.trim(), seats: c.seats, timeZone, connector, inactiveTeamId, dailyImportTime },
    },
  });
  return ok(events, [{ subject: c.orgId, action: 'onboard', status: 'applied' }]);
};

const createTeam = (state: OrganizationState, c: CreateTeam): Result => {
  const nameError = checkText('Team name', c.name);
  if (nameError) return E.left(nameError);
  const name = c.name.trim();
  const existing = state.teamIdsByName.get(normalizeName(name));
  if (existing !== undefined) {
    return fail('DUPLICATE_TEAM_NAME', `Organization ${state.orgId} already has a team named ${JSON.stringify(state.teams.get(existing)?.name ?? name)} (names are compared ignoring case)`, { subject: existing });
  }
  let teamId = c.teamId;
  if (teamId !== undefined) {
    if (!isEntityId(teamId)) return fail('INVALID_ID', `Team id ${JSON.stringify(teamId)} is not valid`);
    if (state.teams.has(teamId)) return fail('DUPLICATE_TEAM_ID', `Organization ${state.orgId} already has a team with id ${teamId}`, { subject: teamId });
  } else {
    const base = teamIdFromName(name);
    teamId = base;
    for (let n = 2; state.teams.has(teamId); n++) teamId = `${base}-${n}`;
  }
  return ok([{ event: { type: 'TeamCreated', data: { teamId, name, kind: 'standard' } } }], [{ subject: teamId, action: 'create-team', status: 'applied' }]);
};

// ---------------------------------------------------------------- learners

type Step = E.Either<DomainError, { events: Emitted[]; outcome: Outcome }>;

const register = (state: OrganizationState, c: Omit<RegisterLearner, 'type' | 'orgId'>, line?: number): Step => {
  const at = line !== undefined ? { line } : {};
  const bad = (error: DomainError): Step => E.left({ ...error, subject: c.learnerId, ...at });
  if (typeof c.learnerId !== 'string' || !isEntityId(c.learnerId)) {
    return bad(domainError('INVALID_ID', `Learner id ${JSON.stringify(c.learnerId)} is not valid: 1-128 characters, no control characters, no surrounding spaces`));
  }
  if (typeof c.email !== 'string' || c.email.length > 254 || !EMAIL.test(c.email.trim())) {
    return bad(domainError('INVALID_EMAIL', `E-mail ${JSON.stringify(c.email)} of learner ${c.learnerId} is not an e-mail address`));
  }
  for (const [field, value] of [['First name', c.firstName], ['Last name', c.lastName]] as const) {
    const error = checkText(field, value, false);
    if (error) return bad(error);
  }
  if (c.employeeId !== undefined && c.employeeId !== null) {
    const error = checkText('Employee id', c.employeeId, false);
    if (error) return bad(error);
  }
  if (state.learners.has(c.learnerId)) {
    return bad(domainError('DUPLICATE_LEARNER_ID', `Organization ${state.orgId} already has a learner with id ${JSON.stringify(c.learnerId)}`));
  }
  const email = c.email.trim();
  const owner = state.learnerIdsByEmail.get(normalizeEmail(email));
  if (owner !== undefined) {
    return bad(domainError('DUPLICATE_EMAIL', `E-mail ${email} already belongs to learner ${owner} of organization ${state.orgId}`));
  }
  const teams = [...new Set(c.teams ?? [])];
  for (const teamId of teams) if (!state.teams.has(teamId)) return bad(unknownTeam(state, teamId));
  const active = c.active ?? true;
  const data = {
    learnerId: c.learnerId,
    email,
    firstName: c.firstName.trim(),
    lastName: c.lastName.trim(),
    employeeId: trimEmployeeId(c.employeeId),
  };
  const events: Emitted[] = [];
  if (active) {
    if (state.inactiveTeamId !== null && teams.includes(state.inactiveTeamId)) {
      return bad(domainError('ACTIVE_LEARNER_ON_INACTIVE_TEAM', `An active learner cannot join the inactive team ${state.inactiveTeamId}`));
    }
    if (state.licensesInUse >= state.seats) return bad(poolExhausted(state, c.learnerId));
    events.push({ event: { type: 'LearnerRegistered', data: { ...data, status: 'active' } }, ...at });
    events.push({ event: { type: 'LicenseAssigned', data: { learnerId: c.learnerId, licenseId: nextLicenseId(state) } }, ...at });
    if (teams.length > 0) events.push({ event: { type: 'TeamMembershipChanged', data: { learnerId: c.learnerId, added: teams, removed: [] } }, ...at });
  } else {
    const standard = teams.find((teamId) => teamId !== state.inactiveTeamId);
    if (standard !== undefined) {
      return bad(domainError('INACTIVE_LEARNER_ON_STANDARD_TEAM', `Learner ${c.learnerId} is registered inactive and cannot join standard team ${standard} (it would be pulled into assignments)`));
    }
    events.push({ event: { type: 'LearnerRegistered', data: { ...data, status: 'inactive' } }, ...at });
    if (state.inactiveTeamId !== null) {
      events.push({ event: { type: 'TeamMembershipChanged', data: { learnerId: c.learnerId, added: [state.inactiveTeamId], removed: [] } }, ...at });
    }
  }
  return E.right({ events, outcome: { subject: c.learnerId, action: 'register', status: 'applied', ...at } });
};

/** The concrete move of a deactivation, `null` for none, or why it cannot be done. */
type ResolvedMove = { move: MoveInstruction | null; skippedBecause?: string };

const resolveMove = (state: OrganizationState, move: MoveOptions | null | undefined): E.Either<DomainError, ResolvedMove> => {
  if (move === null) return E.right({ move: null });
  if (state.inactiveTeamId === null) {
    if (state.connector !== 'none') {
      return E.right({ move: null, skippedBecause: `organization ${state.orgId} syncs from ${state.connector} and has no inactive team: the move step is skipped` });
    }
    if (move === undefined) return E.right({ move: null });
    return E.left(domainError('INACTIVE_TEAM_MISSING', `Organization ${state.orgId} has no inactive team to move learners to`));
  }
  if (move === undefined) return E.right({ move: { addTo: state.inactiveTeamId, removeFrom: 'all' } });
  const addTo = move.addTo ?? state.inactiveTeamId;
  if (!state.teams.has(addTo)) return E.left(unknownTeam(state, addTo));
  if (addTo !== state.inactiveTeamId) {
    return E.left(
      domainError('MOVE_TARGET_NOT_INACTIVE_TEAM', `A deactivated learner can only be moved to the inactive team (${state.inactiveTeamId}), not ${addTo}`, { subject: addTo }),
    );
  }
  if (move.removeFrom !== 'all') {
    for (const teamId of move.removeFrom) if (!state.teams.has(teamId)) return E.left(unknownTeam(state, teamId));
  }
  return E.right({ move: { addTo, removeFrom: move.removeFrom === 'all' ? 'all' : [...move.removeFrom] } });
};

const deactivateOne = (
  state: OrganizationState,
  learnerId: string,
  resolved: ResolvedMove,
  extras: { reason?: string; line?: number; scheduleId?: string; action?: string },
): Step => {
  const at = extras.line !== undefined ? { line: extras.line } : {};
  const action = extras.action ?? 'deactivate';
  const learner = state.learners.get(learnerId);
  if (!learner) return E.left({ ...learnerNotFound(state, learnerId), ...at });
  if (learner.status === 'inactive') {
    return E.right({ events: [], outcome: { subject: learnerId, action, status: 'skipped', code: 'ALREADY_INACTIVE', message: `Learner ${learnerId} is already inactive`, ...at } });
  }
  const events: Emitted[] = [];
  let removed: string[] = [];
  const move = resolved.move;
  if (move) {
    removed =
      move.removeFrom === 'all'
        ? learner.teams.filter((teamId) => teamId !== move.addTo)
        : learner.teams.filter((teamId) => teamId !== move.addTo && (move.removeFrom as string[]).includes(teamId));
    const added = learner.teams.includes(move.addTo) ? [] : [move.addTo];
    if (added.length > 0 || removed.length > 0) {
      events.push({ event: { type: 'TeamMembershipChanged', data: { learnerId, added, removed } }, ...at });
    }
  }
  events.push({
    event: {
      type: 'LearnerDeactivated',
      data: {
        learnerId,
        removedTeams: removed,
        ...(extras.reason !== undefined && extras.reason !== '' ? { reason: extras.reason } : {}),
        ...(extras.scheduleId !== undefined ? { scheduleId: extras.scheduleId } : {}),
      },
    },
    ...at,
  });
  if (learner.licenseId !== null) {
    events.push({ event: { type: 'LicenseReleased', data: { learnerId, licenseId: learner.licenseId } }, ...at });
  }
  return E.right({
    events,
    outcome: {
      subject: learnerId,
      action,
      status: 'applied',
      ...(resolved.skippedBecause ? { code: 'MOVE_SKIPPED', message: resolved.skippedBecause } : {}),
      ...at,
    },
  });
};

const reactivateOne = (state: OrganizationState, c: Omit<ReactivateLearner, 'type' | 'orgId'>, line?: number): Step => {
  const at = line !== undefined ? { line } : {};
  const learner = state.learners.get(c.learnerId);
  if (!learner) return E.left({ ...learnerNotFound(state, c.learnerId), ...at });
  if (learner.status === 'active') {
    return E.right({ events: [], outcome: { subject: c.learnerId, action: 'reactivate', status: 'skipped', code: 'ALREADY_ACTIVE', message: `Learner ${c.learnerId} is already active`, ...at } });
  }
  let teams: string[];
  if (c.teams !== undefined) {
    teams = [...new Set(c.teams)];
    for (const teamId of teams) {
      if (!state.teams.has(teamId)) return E.left({ ...unknownTeam(state, teamId), ...at });
      if (teamId === state.inactiveTeamId) {
        return E.left(domainError('ACTIVE_LEARNER_ON_INACTIVE_TEAM', `A reactivated learner cannot stay on the inactive team ${teamId}`, { subject: c.learnerId, ...at }));
      }
    }
  } else {
    teams = learner.teamsBeforeDeactivation.filter((teamId) => state.teams.get(teamId)?.kind === 'standard');
  }
  if (state.licensesInUse >= state.seats) return E.left({ ...poolExhausted(state, c.learnerId), ...at });
  const events: Emitted[] = [
    { event: { type: 'LearnerReactivated', data: { learnerId: c.learnerId, restoredTeams: teams } }, ...at },
    { event: { type: 'LicenseAssigned', data: { learnerId: c.learnerId, licenseId: nextLicenseId(state) } }, ...at },
  ];
  const added = teams.filter((teamId) => !learner.teams.includes(teamId));
  const removed = state.inactiveTeamId !== null && learner.teams.includes(state.inactiveTeamId) ? [state.inactiveTeamId] : [];
  if (added.length > 0 || removed.length > 0) {
    events.push({ event: { type: 'TeamMembershipChanged', data: { learnerId: c.learnerId, added, removed } }, ...at });
  }
  return E.right({ events, outcome: { subject: c.learnerId, action: 'reactivate', status: 'applied', ...at } });
};

const changeMembership = (state: OrganizationState, learnerId: string, add: readonly string[], remove: readonly string[], line?: number): Step => {
  const at = line !== undefined ? { line } : {};
  const learner = state.learners.get(learnerId);
  if (!learner) return E.left({ ...learnerNotFound(state, learnerId), ...at });
  for (const teamId of [...add, ...remove]) if (!state.teams.has(teamId)) return E.left({ ...unknownTeam(state, teamId), ...at });
  const added = [...new Set(add)].filter((teamId) => !learner.teams.includes(teamId));
  for (const teamId of added) {
    const kind = state.teams.get(teamId)!.kind;
    if (learner.status === 'inactive' && kind === 'standard') {
      return E.left(domainError('INACTIVE_LEARNER_ON_STANDARD_TEAM', `Learner ${learnerId} is inactive and cannot join standard team ${teamId} (they would be pulled into reports and assignments); reactivate them first`, { subject: learnerId, ...at }));
    }
    if (learner.status === 'active' && kind === 'inactive') {
      return E.left(domainError('ACTIVE_LEARNER_ON_INACTIVE_TEAM', `Learner ${learnerId} is active and cannot join the inactive team ${teamId}; deactivate them instead`, { subject: learnerId, ...at }));
    }
  }
  const removed = [...new Set(remove)].filter((teamId) => learner.teams.includes(teamId) && !added.includes(teamId));
  if (added.length === 0 && removed.length === 0) {
    return E.right({ events: [], outcome: { subject: learnerId, action: 'change-teams', status: 'skipped', code: 'UNCHANGED', ...at } });
  }
  return E.right({
    events: [{ event: { type: 'TeamMembershipChanged', data: { learnerId, added, removed } }, ...at }],
    outcome: { subject: learnerId, action: 'change-teams', status: 'applied', ...at },
  });
};

const profileChanges = (state: OrganizationState, learner: LearnerRecord, changes: ProfileChanges): E.Either<DomainError, ProfileChanges> => {
  const result: { -readonly [K in keyof ProfileChanges]: ProfileChanges[K] } = {};
  if (changes.email !== undefined && changes.email.trim() !== learner.email) {
    const email = changes.email.trim();
    if (email.length > 254 || !EMAIL.test(email)) return E.left(domainError('INVALID_EMAIL', `E-mail ${JSON.stringify(changes.email)} of learner ${learner.learnerId} is not an e-mail address`, { subject: learner.learnerId }));
    const owner = state.learnerIdsByEmail.get(normalizeEmail(email));
    if (owner !== undefined && owner !== learner.learnerId) {
      return E.left(domainError('DUPLICATE_EMAIL', `E-mail ${email} already belongs to learner ${owner} of organization ${state.orgId}`, { subject: learner.learnerId }));
    }
    result.email = email;
  }
  for (const field of ['firstName', 'lastName'] as const) {
    const value = changes[field];
    if (value !== undefined && value.trim() !== learner[field]) {
      const error = checkText(field === 'firstName' ? 'First name' : 'Last name', value, false);
      if (error) return E.left({ ...error, subject: learner.learnerId });
      result[field] = value.trim();
    }
  }
  if (changes.employeeId !== undefined) {
    const employeeId = trimEmployeeId(changes.employeeId);
    if (employeeId !== learner.employeeId) {
      if (employeeId !== null) {
        const error = checkText('Employee id', employeeId, false);
        if (error) return E.left({ ...error, subject: learner.learnerId });
      }
      result.employeeId = employeeId;
    }
  }
  return E.right(result);
};

const updateProfile = (state: OrganizationState, learnerId: string, changes: ProfileChanges, add: readonly string[] = [], line?: number): Step => {
  const at = line !== undefined ? { line } : {};
  const learner = state.learners.get(learnerId);
  if (!learner) return E.left({ ...learnerNotFound(state, learnerId), ...at });
  const diff = profileChanges(state, learner, changes);
  if (E.isLeft(diff)) return E.left({ ...diff.left, ...at });
  const events: Emitted[] = [];
  if (Object.keys(diff.right).length > 0) {
    events.push({ event: { type: 'LearnerProfileUpdated', data: { learnerId, changes: diff.right } }, ...at });
  }
  if (add.length > 0) {
    const membership = changeMembership(state, learnerId, add, [], line);
    if (E.isLeft(membership)) return membership;
    events.push(...membership.right.events);
  }
  return E.right({
    events,
    outcome: events.length > 0
      ? { subject: learnerId, action: 'update', status: 'applied', ...at }
      : { subject: learnerId, action: 'update', status: 'skipped', code: 'UNCHANGED', ...at },
  });
};

/** Runs steps one after another on a draft, as one decision: all or (unless partial) nothing. */
const runSteps = <T>(
  state: OrganizationState,
  items: readonly T[],
  step: (draft: OrganizationState, item: T) => Step,
  partial: boolean,
  rejectedAction: (item: T) => string,
): E.Either<DomainError, { events: Emitted[]; outcomes: Outcome[]; draft: OrganizationState }> => {
  const draft = draftOf(state);
  const events: Emitted[] = [];
  const outcomes: Outcome[] = [];
  const errors: DomainError[] = [];
  for (const item of items) {
    const result = step(draft, item);
    if (E.isLeft(result)) {
      errors.push(result.left);
      outcomes.push({
        subject: result.left.subject ?? '',
        action: rejectedAction(item),
        status: 'rejected',
        code: result.left.code,
        message: result.left.message,
        ...(result.left.line !== undefined ? { line: result.left.line } : {}),
      });
      continue;
    }
    applyTo(draft, result.right.events);
    events.push(...result.right.events);
    outcomes.push(result.right.outcome);
  }
  if (errors.length > 0 && !partial) {
    if (items.length === 1) return E.left(errors[0]!);
    return E.left(
      domainError('BATCH_REJECTED', `${errors.length} of ${items.length} items were refused, so nothing was applied (first: ${errors[0]!.message})`, { errors }),
    );
  }
  return E.right({ events, outcomes, draft });
};

const deactivate = (state: OrganizationState, c: DeactivateLearners): Result => {
  if (c.learnerIds.length === 0) return fail('EMPTY_COMMAND', 'Deactivate learners needs at least one learner id');
  const resolved = resolveMove(state, c.move);
  if (E.isLeft(resolved)) return E.left(resolved.left);
  if (c.reason !== undefined) {
    const error = checkText('Reason', c.reason, false);
    if (error) return E.left(error);
  }
  const result = runSteps(
    state,
    c.learnerIds,
    (draft, learnerId) => deactivateOne(draft, learnerId, resolved.right, c.reason !== undefined ? { reason: c.reason } : {}),
    c.partial ?? false,
    () => 'deactivate',
  );
  if (E.isLeft(result)) return E.left(result.left);
  return ok(result.right.events, result.right.outcomes);
};

const schedule = (state: OrganizationState, c: Omit<ScheduleDeactivation, 'type' | 'orgId'>, now: string, line?: number): Step => {
  const at = line !== undefined ? { line } : {};
  if (!isEntityId(c.scheduleId)) return E.left(domainError('INVALID_ID', `Schedule id ${JSON.stringify(c.scheduleId)} is not valid`, at));
  if (state.schedules.has(c.scheduleId)) return E.left(domainError('DUPLICATE_SCHEDULE', `Schedule ${c.scheduleId} already exists`, { subject: c.scheduleId, ...at }));
  if (c.learnerIds.length === 0) return E.left(domainError('EMPTY_COMMAND', 'A scheduled deactivation needs at least one learner id', at));
  for (const learnerId of c.learnerIds) if (!state.learners.has(learnerId)) return E.left({ ...learnerNotFound(state, learnerId), ...at });
  const effective = parseInstantOrDate(c.effectiveAt, state.timeZone);
  if (!effective) {
    return E.left(domainError('INVALID_INSTANT', `Deactivation date ${JSON.stringify(c.effectiveAt)} is neither an ISO date (YYYY-MM-DD) nor an ISO instant`, { subject: c.scheduleId, ...at }));
  }
  const effectiveAt = toInstant(effective);
  if (compareInstants(effectiveAt, now) <= 0) {
    return E.left(domainError('SCHEDULE_IN_PAST', `Deactivation date ${c.effectiveAt} (${effectiveAt}) is not in the future; deactivate now instead`, { subject: c.scheduleId, ...at }));
  }
  const resolved = resolveMove(state, c.move);
  if (E.isLeft(resolved)) return E.left({ ...resolved.left, ...at });
  return E.right({
    events: [
      {
        event: {
          type: 'DeactivationScheduled',
          data: {
            scheduleId: c.scheduleId,
            learnerIds: [...new Set(c.learnerIds)],
            effectiveAt,
            move: resolved.right.move,
            ...(c.reason !== undefined && c.reason !== '' ? { reason: c.reason } : {}),
          },
        },
        ...at,
      },
    ],
    outcome: { subject: c.learnerIds.join(','), action: 'schedule', status: 'applied', message: `deactivation due ${effectiveAt}`, ...at },
  });
};

const processDue = (state: OrganizationState, now: string): Result => {
  const due = [...state.schedules.values()]
    .filter((s) => s.status === 'pending' && compareInstants(s.effectiveAt, now) <= 0)
    .sort((a, b) => compareInstants(a.effectiveAt, b.effectiveAt) || (a.scheduleId < b.scheduleId ? -1 : 1));
  const draft = draftOf(state);
  const events: Emitted[] = [];
  const outcomes: Outcome[] = [];
  for (const s of due) {
    const origin = { causationId: s.scheduleId, actor: { kind: 'system' as const, id: 'scheduler' }, ...(s.channel ? { channel: s.channel } : {}) };
    const deactivated: string[] = [];
    const skipped: string[] = [];
    // The move was resolved when scheduled; if the organization changed since, fall back to its policy.
    const resolved = s.move === null ? E.right<DomainError, ResolvedMove>({ move: null }) : resolveMove(draft, s.move);
    const move = E.isRight(resolved) ? resolved.right : { move: null };
    for (const learnerId of s.learnerIds) {
      const step = deactivateOne(draft, learnerId, move, { ...(s.reason !== undefined ? { reason: s.reason } : {}), scheduleId: s.scheduleId, action: 'scheduled-deactivate' });
      if (E.isLeft(step) || step.right.outcome.status !== 'applied') {
        skipped.push(learnerId);
        outcomes.push(E.isLeft(step) ? { subject: learnerId, action: 'scheduled-deactivate', status: 'skipped', code: step.left.code, message: step.left.message } : step.right.outcome);
        continue;
      }
      const stepEvents = step.right.events.map((item) => ({ ...item, ...origin }));
      applyTo(draft, stepEvents);
      events.push(...stepEvents);
      deactivated.push(learnerId);
      outcomes.push(step.right.outcome);
    }
    const completed: Emitted = { event: { type: 'ScheduledDeactivationCompleted', data: { scheduleId: s.scheduleId, deactivated, skipped } }, ...origin };
    applyTo(draft, [completed]);
    events.push(completed);
  }
  return ok(events, outcomes);
};

const applyImportBatch = (state: OrganizationState, c: ApplyImportBatch, now: string): Result => {
  const record = state.imports.get(c.importId);
  if (!record) return fail('IMPORT_NOT_FOUND', `Import ${c.importId} was not received for organization ${state.orgId}`, { subject: c.importId });
  if (record.status !== 'received') return fail('IMPORT_ALREADY_FINISHED', `Import ${c.importId} is already ${record.status}`, { subject: c.importId });
  const step = (draft: OrganizationState, op: ImportOperation): Step => {
    switch (op.op) {
      case 'register': {
        const { op: _op, line, ...register_ } = op;
        return register(draft, register_, line);
      }
      case 'deactivate': {
        const resolved = resolveMove(draft, op.move);
        if (E.isLeft(resolved)) return E.left({ ...resolved.left, line: op.line, subject: op.learnerId });
        return deactivateOne(draft, op.learnerId, resolved.right, { ...(op.reason !== undefined ? { reason: op.reason } : {}), line: op.line });
      }
      case 'reactivate':
        return reactivateOne(draft, { learnerId: op.learnerId, ...(op.teams ? { teams: op.teams } : {}) }, op.line);
      case 'update':
        return updateProfile(draft, op.learnerId, op.changes, op.add ?? [], op.line);
      case 'schedule':
        return schedule(
          draft,
          { scheduleId: op.scheduleId, learnerIds: [op.learnerId], effectiveAt: op.effectiveAt, ...(op.reason !== undefined ? { reason: op.reason } : {}), ...(op.move !== undefined ? { move: op.move } : {}) },
          now,
          op.line,
        );
    }
  };
  const result = runSteps(state, c.operations, step, c.partial ?? false, (op) => op.op);
  if (E.isLeft(result)) return E.left(result.left);
  const { events, outcomes } = result.right;
  // Lines refused at decision time are recorded as errors in the audit, whatever the plan said.
  const refused = new Map<number, Outcome>();
  for (const outcome of outcomes) if (outcome.status === 'rejected' && outcome.line !== undefined) refused.set(outcome.line, outcome);
  const lines: ImportLineRecord[] = c.lines.map((line) => {
    const outcome = refused.get(line.line);
    return outcome ? { line: line.line, learnerId: line.learnerId, action: 'error', code: outcome.code ?? 'ERROR', message: outcome.message ?? '' } : line;
  });
  if (lines.length > 0) events.push({ event: { type: 'ImportLinesRecorded', data: { importId: c.importId, lines } } });
  return ok(events, outcomes);
};

/**
 * Decides what a command changes: the events to append and what happened to
 * each subject, or the domain error that refuses it. Pure: same inputs, same
 * answer; the given state is never modified.
 */
export const decide = (command: Command, state: OrganizationState, context: DecisionContext): Result => {
  if (command.type === 'OnboardOrganization') return onboard(state, command);
  const missing = requireOrganization(state, command.orgId);
  if (missing) return E.left(missing);
  switch (command.type) {
    case 'ResizeLicensePool': {
      const error = checkSeats(command.seats);
      if (error) return E.left(error);
      if (command.seats < state.licensesInUse) {
        return fail('SEATS_BELOW_IN_USE', `Cannot resize ${state.orgId} to ${command.seats} seats: ${state.licensesInUse} licenses are in use`);
      }
      if (command.seats === state.seats) return ok([], [{ subject: state.orgId, action: 'resize', status: 'skipped', code: 'UNCHANGED' }]);
      return ok([{ event: { type: 'LicensePoolResized', data: { seats: command.seats, previousSeats: state.seats } } }], [{ subject: state.orgId, action: 'resize', status: 'applied' }]);
    }
    case 'CreateTeam':
      return createTeam(state, command);
    case 'RegisterLearner':
      return toResult(register(state, command));
    case 'DeactivateLearners':
      return deactivate(state, command);
    case 'ReactivateLearner':
      return toResult(reactivateOne(state, command));
    case 'ScheduleDeactivation':
      return toResult(schedule(state, command, context.now));
    case 'CancelScheduledDeactivation': {
      const s = state.schedules.get(command.scheduleId);
      if (!s) return fail('SCHEDULE_NOT_FOUND', `No scheduled deactivation ${command.scheduleId} in ${state.orgId}`, { subject: command.scheduleId });
      if (s.status !== 'pending') return ok([], [{ subject: s.scheduleId, action: 'cancel-schedule', status: 'skipped', code: s.status.toUpperCase() }]);
      return ok(
        [{ event: { type: 'ScheduledDeactivationCancelled', data: { scheduleId: s.scheduleId, ...(command.reason !== undefined ? { reason: command.reason } : {}) } } }],
        [{ subject: s.scheduleId, action: 'cancel-schedule', status: 'applied' }],
      );
    }
    case 'ProcessDueDeactivations':
      return processDue(state, context.now);
    case 'ChangeTeamMembership':
      return toResult(changeMembership(state, command.learnerId, command.add ?? [], command.remove ?? []));
    case 'UpdateLearnerProfile':
      return toResult(updateProfile(state, command.learnerId, command.changes));
    case 'RecordActivity': {
      if (!state.learners.has(command.learnerId)) return E.left(learnerNotFound(state, command.learnerId));
      for (const [field, value] of [['Activity id', command.activityId], ['Course id', command.courseId]] as const) {
        if (!isEntityId(value)) return fail('INVALID_ID', `${field} ${JSON.stringify(value)} is not valid`);
      }
      let at: string | undefined;
      if (command.at !== undefined) {
        const parsed = parseInstantOrDate(command.at, state.timeZone);
        if (!parsed) return fail('INVALID_INSTANT', `Activity time ${JSON.stringify(command.at)} is not an ISO instant`);
        at = toInstant(parsed);
      }
      return ok(
        [{ event: { type: 'ActivityRecorded', data: { learnerId: command.learnerId, activityId: command.activityId, kind: command.kind, courseId: command.courseId, ...(at ? { at } : {}) } } }],
        [{ subject: command.learnerId, action: 'record-activity', status: 'applied' }],
      );
    }
    case 'RecordImportReceived': {
      if (!isEntityId(command.importId)) return fail('INVALID_ID', `Import id ${JSON.stringify(command.importId)} is not valid`);
      if (state.imports.has(command.importId)) return fail('IMPORT_ALREADY_EXISTS', `Import ${command.importId} was already received`, { subject: command.importId });
      if (!state.teams.has(command.targetTeamId)) return E.left(unknownTeam(state, command.targetTeamId));
      const { type: _type, orgId: _orgId, ...data } = command;
      return ok([{ event: { type: 'ImportReceived', data } }], [{ subject: command.importId, action: 'receive-import', status: 'applied' }]);
    }
    case 'ApplyImportBatch':
      return applyImportBatch(state, command, context.now);
    case 'FinishImport': {
      const record = state.imports.get(command.importId);
      if (!record) return fail('IMPORT_NOT_FOUND', `Import ${command.importId} was not received for organization ${state.orgId}`, { subject: command.importId });
      if (record.status !== 'received') return fail('IMPORT_ALREADY_FINISHED', `Import ${command.importId} is already ${record.status}`, { subject: command.importId });
      const events: Emitted[] = [];
      if (command.lines && command.lines.length > 0) events.push({ event: { type: 'ImportLinesRecorded', data: { importId: command.importId, lines: [...command.lines] } } });
      const o = command.outcome;
      events.push(
        o.applied
          ? { event: { type: 'ImportApplied', data: { importId: command.importId, sha256: command.sha256, counts: o.counts } } }
          : { event: { type: 'ImportRejected', data: { importId: command.importId, sha256: command.sha256, code: o.code, message: o.message, ...(o.counts ? { counts: o.counts } : {}) } } },
      );
      return ok(events, [{ subject: command.importId, action: o.applied ? 'finish-import' : 'reject-import', status: 'applied' }]);
    }
  }
};

const toResult = (step: Step): Result => E.map(({ events, outcome }: { events: Emitted[]; outcome: Outcome }) => ({ events, outcomes: [outcome] }))(step);
