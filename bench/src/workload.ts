import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import type { Command, CommandContext } from '@learner-ledger/core';
import { type Random, seededRandom, shuffled } from './prng.js';

/**
 * The benchmark workload, generated from a seed: one organization with N
 * learners across 20 teams, each registered with a license and a team; 20%
 * of them deactivated with a move (half through Learner Profile single
 * commands, half through Learner Draft bulk commands of 50); and a Data
 * Services export of the same organization with 10% of its rows flipped to
 * FALSE.
 */
export interface LearnerSpec {
  readonly learnerId: string;
  readonly firstName: string;
  readonly lastName: string;
  readonly email: string;
  readonly employeeId: string;
  readonly teamId: string;
}

export interface TeamSpec {
  readonly teamId: string;
  readonly name: string;
}

export interface OrganizationWorkload {
  readonly orgId: string;
  readonly name: string;
  readonly seats: number;
  readonly timeZone: string;
  readonly teams: readonly TeamSpec[];
  readonly inactiveTeamName: string;
  readonly learners: readonly LearnerSpec[];
  /** Learner ids deactivated one Learner Profile command each (10% of N). */
  readonly profileDeactivations: readonly string[];
  /** Learner ids deactivated by Learner Draft bulk commands, 50 a command (10% of N). */
  readonly draftBatches: readonly (readonly string[])[];
  /** Indexes into `learners` of still-active learners whose CSV row is flipped to FALSE (10% of N). */
  readonly csvFlips: ReadonlySet<number>;
}

export const TEAM_COUNT = 20;
export const DRAFT_BATCH_SIZE = 50;
export const INACTIVE_TEAM_NAME = 'Inactive Learners';

const FIRST = ['Ada', 'Alan', 'Grace', 'Edsger', 'Barbara', 'Donald', 'Frances', 'John', 'Margaret', 'Ken', 'Radia', 'Tim', 'Sophie', 'Niklaus', 'Hedy', 'Dennis'];
const LAST = ['Lovelace', 'Turing', 'Hopper', 'Dijkstra', 'Liskov', 'Knuth', 'Allen', 'McCarthy', 'Hamilton', 'Thompson', 'Perlman', 'Berners-Lee', 'Wilson', 'Wirth', 'Lamarr', 'Ritchie'];

const pad = (value: number, width: number) => String(value).padStart(width, '0');

export const WORKLOAD_SEED = 20260301;

/** Builds the workload of one organization of `learners` learners. */
export const organizationWorkload = (learners: number, seed = WORKLOAD_SEED, orgId = 'bench-org'): OrganizationWorkload => {
  const random = seededRandom(seed);
  const teams: TeamSpec[] = Array.from({ length: TEAM_COUNT }, (_, i) => ({ teamId: `team-${pad(i + 1, 2)}`, name: `Team ${pad(i + 1, 2)}` }));
  const width = Math.max(7, String(learners).length);
  const specs: LearnerSpec[] = [];
  for (let i = 0; i < learners; i++) {
    const first = FIRST[random.int(FIRST.length)]!;
    const last = LAST[random.int(LAST.length)]!;
    specs.push({
      learnerId: pad(i + 1, width), // leading zeros: ids are text
      firstName: first,
      lastName: last,
      email: `${first}.${last}.${i + 1}@${orgId}.example`.toLowerCase(),
      employeeId: `E-${pad(i + 1, width)}`,
      teamId: teams[random.int(TEAM_COUNT)]!.teamId,
    });
  }
  const order = shuffled(Array.from({ length: learners }, (_, i) => i), random);
  const tenth = Math.floor(learners / 10);
  const profile = order.slice(0, tenth).map((i) => specs[i]!.learnerId);
  const draft = order.slice(tenth, 2 * tenth).map((i) => specs[i]!.learnerId);
  const draftBatches: string[][] = [];
  for (let i = 0; i < draft.length; i += DRAFT_BATCH_SIZE) draftBatches.push(draft.slice(i, i + DRAFT_BATCH_SIZE));
  return {
    orgId,
    name: `Bench Org ${learners}`,
    seats: learners,
    timeZone: 'America/Chicago',
    teams,
    inactiveTeamName: INACTIVE_TEAM_NAME,
    learners: specs,
    profileDeactivations: profile,
    draftBatches,
    csvFlips: new Set(order.slice(2 * tenth, 3 * tenth)),
  };
};

/** The commands that set the organization up (onboarding and its 20 teams). */
export const setupCommands = (w: OrganizationWorkload): Command[] => [
  { type: 'OnboardOrganization', orgId: w.orgId, name: w.name, seats: w.seats, timeZone: w.timeZone, inactiveTeam: { name: w.inactiveTeamName } },
  ...w.teams.map((team): Command => ({ type: 'CreateTeam', orgId: w.orgId, name: team.name, teamId: team.teamId })),
];

export const registerCommand = (w: OrganizationWorkload, learner: LearnerSpec): Command => ({
  type: 'RegisterLearner',
  orgId: w.orgId,
  learnerId: learner.learnerId,
  email: learner.email,
  firstName: learner.firstName,
  lastName: learner.lastName,
  employeeId: learner.employeeId,
  teams: [learner.teamId],
});

export const MOVE_TO_INACTIVE = { removeFrom: 'all' } as const;

export const deactivateCommand = (w: OrganizationWorkload, learnerIds: readonly string[]): Command => ({
  type: 'DeactivateLearners',
  orgId: w.orgId,
  learnerIds,
  move: MOVE_TO_INACTIVE,
});

/** A deterministic clock: every call is one second after the previous. */
export const steppingClock = (startIso = '2026-01-05T14:00:00.000Z', stepMs = 1000): (() => string) => {
  let t = Date.parse(startIso);
  return () => {
    const now = new Date(t).toISOString();
    t += stepMs;
    return now;
  };
};

export const contextFor = (channel: CommandContext['channel'], now: string, commandId: string): CommandContext => ({
  actor: { kind: 'admin', id: 'admin@bench.example' },
  channel,
  now,
  commandId,
});

/** Deterministic ids for the ledger (`newId`). */
export const idGenerator = (seed: number): (() => string) => {
  const random: Random = seededRandom(seed);
  return () => random.uuid();
};

export const DATA_SERVICES_HEADER = 'Learner ID,First Name,Last Name,Email,Employee ID,Teams,Active';

/**
 * Writes the Data Services Learners file of the organization as it stands
 * after the profile and draft deactivations, with the `csvFlips` rows set to
 * FALSE. Returns the number of data rows.
 */
export const writeDataServicesCsv = async (w: OrganizationWorkload, path: string): Promise<number> => {
  const deactivated = new Set<string>([...w.profileDeactivations, ...w.draftBatches.flat()]);
  const teamName = new Map(w.teams.map((t) => [t.teamId, t.name]));
  const out = createWriteStream(path, { encoding: 'utf8' });
  const write = async (chunk: string) => {
    if (!out.write(chunk)) await once(out, 'drain');
  };
  await write(`${DATA_SERVICES_HEADER}\r\n`);
  let buffer = '';
  for (let i = 0; i < w.learners.length; i++) {
    const l = w.learners[i]!;
    const inactive = deactivated.has(l.learnerId);
    const teams = inactive ? w.inactiveTeamName : teamName.get(l.teamId)!;
    const active = inactive || w.csvFlips.has(i) ? 'FALSE' : 'TRUE';
    buffer += `${l.learnerId},${l.firstName},${l.lastName},${l.email},${l.employeeId},${teams},${active}\r\n`;
    if (buffer.length > 1 << 16) {
      await write(buffer);
      buffer = '';
    }
  }
  if (buffer) await write(buffer);
  out.end();
  await once(out, 'finish');
  return w.learners.length;
};
