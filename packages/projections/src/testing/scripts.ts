import * as E from 'fp-ts/lib/Either.js';
import { DateTime } from 'luxon';
import type { Command, CommandContext, Ledger } from '@learner-ledger/core';
import { mulberry32 } from '@learner-ledger/core/testing';

/** One step of a scripted history: a command and the context it is run with. */
export interface ScriptStep {
  readonly command: Command;
  readonly context: CommandContext;
}

/** Seeded choices over {@link mulberry32}, so a seed always gives the same script. */
export const prng = (seed: number) => {
  const next = mulberry32(seed);
  const int = (min: number, max: number) => min + Math.floor(next() * (max - min + 1));
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
  const some = <T>(items: readonly T[], max = items.length): T[] => items.filter(() => next() < max / Math.max(1, items.length) / 2);
  return { next, int, pick, some };
};

const ORGS = [
  { orgId: 'acme', timeZone: 'America/Chicago', connector: 'none' as const },
  { orgId: 'globex', timeZone: 'Europe/Berlin', connector: 'none' as const },
  { orgId: 'initech', timeZone: 'Australia/Sydney', connector: 'workday' as const },
];
const TEAM_NAMES = ['Sales', 'Support', 'Engineering', 'Finance'];
const CHANNELS = ['learner-draft', 'learner-profile', 'api'] as const;
const HEX = '0123456789abcdef';

/**
 * A random but valid-looking history of up to three organizations (one of them
 * a Workday connector organization without an inactive team): onboarding,
 * teams, registrations, pool resizes, deactivations with and without the move
 * through every channel, reactivations, membership and profile changes,
 * activities, scheduled deactivations, and CSV imports with file and line
 * metadata. Time moves forward by minutes to days per step, across DST
 * changes. Some commands are refused by the domain; that is part of the test.
 */
export const randomScript = (seed: number, length: number, start = '2026-02-20T15:00:00.000Z'): ScriptStep[] => {
  const r = prng(seed);
  const steps: ScriptStep[] = [];
  let now = DateTime.fromISO(start, { zone: 'utc' });
  const orgs = ORGS.slice(0, r.int(1, ORGS.length));
  const learners = new Map<string, string[]>(orgs.map((o) => [o.orgId, []]));
  const teams = new Map<string, string[]>(orgs.map((o) => [o.orgId, []]));
  let counter = 0;
  const schedules: { orgId: string; scheduleId: string }[] = [];
  const admin = (channel: CommandContext['channel'] = r.pick(CHANNELS)): CommandContext => ({
    actor: { kind: 'admin', id: r.pick(['jo@acme.test', 'sam@acme.test']) },
    channel,
    now: now.toISO()!,
  });
  for (const org of orgs) {
    steps.push({
      command: {
        type: 'OnboardOrganization',
        orgId: org.orgId,
        name: org.orgId.toUpperCase(),
        seats: r.int(2, 6),
        timeZone: org.timeZone,
        connector: org.connector,
        ...(org.connector !== 'none' ? { inactiveTeam: null } : {}),
      },
      context: admin('api'),
    });
  }
  while (steps.length < length) {
    now = now.plus({ minutes: r.pick([0, 1, 30, 60 * 5, 60 * 24, 60 * 24 * 3]) });
    const org = r.pick(orgs);
    const orgId = org.orgId;
    const known = learners.get(orgId)!;
    const orgTeams = teams.get(orgId)!;
    const someLearner = () => (known.length > 0 && r.next() < 0.9 ? r.pick(known) : `ghost-${r.int(1, 3)}`);
    const roll = r.next();
    if (roll < 0.08) {
      const name = r.pick(TEAM_NAMES);
      steps.push({ command: { type: 'CreateTeam', orgId, name }, context: admin('api') });
      const teamId = name.toLowerCase();
      if (!orgTeams.includes(teamId)) orgTeams.push(teamId);
    } else if (roll < 0.3) {
      const learnerId = `${String(++counter).padStart(4, '0')}`;
      known.push(learnerId);
      steps.push({
        command: {
          type: 'RegisterLearner',
          orgId,
          learnerId,
          email: `l${counter}@${orgId}.test`,
          firstName: `First${counter}`,
          lastName: `Last${counter}`,
          teams: r.some(orgTeams, 2),
          active: r.next() < 0.85,
        },
        context: admin(),
      });
    } else if (roll < 0.45) {
      const move = r.pick([undefined, null, { removeFrom: 'all' as const }, { removeFrom: r.some(orgTeams, 1) }]);
      steps.push({
        command: {
          type: 'DeactivateLearners',
          orgId,
          learnerIds: [...new Set([someLearner(), ...(r.next() < 0.3 ? [someLearner()] : [])])],
          ...(move !== undefined ? { move } : {}),
          ...(r.next() < 0.5 ? { reason: r.pick(['left the company', 'contract ended']) } : {}),
          partial: r.next() < 0.5,
        },
        context: admin(),
      });
    } else if (roll < 0.55) {
      steps.push({ command: { type: 'ReactivateLearner', orgId, learnerId: someLearner(), ...(r.next() < 0.3 ? { teams: r.some(orgTeams, 1) } : {}) }, context: admin() });
    } else if (roll < 0.63) {
      steps.push({
        command: { type: 'ChangeTeamMembership', orgId, learnerId: someLearner(), add: r.some(orgTeams, 1), remove: r.some(orgTeams, 1) },
        context: admin(),
      });
    } else if (roll < 0.68) {
      steps.push({ command: { type: 'ResizeLicensePool', orgId, seats: r.int(0, 10) }, context: admin('api') });
    } else if (roll < 0.73) {
      steps.push({ command: { type: 'UpdateLearnerProfile', orgId, learnerId: someLearner(), changes: { firstName: `Renamed${r.int(1, 9)}` } }, context: admin() });
    } else if (roll < 0.78) {
      steps.push({
        command: { type: 'RecordActivity', orgId, learnerId: someLearner(), activityId: `a-${++counter}`, kind: r.pick(['assignment', 'completion'] as const), courseId: 'c-1' },
        context: admin('api'),
      });
    } else if (roll < 0.82) {
      const scheduleId = `s-${++counter}`;
      schedules.push({ orgId, scheduleId });
      steps.push({
        command: { type: 'ScheduleDeactivation', orgId, scheduleId, learnerIds: [someLearner()], effectiveAt: now.plus({ days: r.int(1, 3) }).toISODate()! },
        context: admin('learner-profile'),
      });
    } else if (roll < 0.84) {
      const scheduled = schedules.length > 0 ? r.pick(schedules) : { orgId, scheduleId: 's-none' };
      steps.push({ command: { type: 'CancelScheduledDeactivation', orgId: scheduled.orgId, scheduleId: scheduled.scheduleId, reason: 'stays on' }, context: admin('learner-profile') });
    } else if (roll < 0.88) {
      steps.push({ command: { type: 'ProcessDueDeactivations', orgId }, context: { actor: { kind: 'system', id: 'scheduler' }, channel: 'api', now: now.toISO()! } });
    } else if (orgTeams.length > 0) {
      // A CSV import: received, one batch of line operations, finished.
      const importId = `imp-${++counter}`;
      const format = r.pick(['data-services', 'learner-page'] as const);
      const fileName = `${format}-${counter}.csv`;
      const context: CommandContext = { actor: { kind: 'import', id: importId }, channel: format, importId, fileName, now: now.toISO()! };
      const sha256 = Array.from({ length: 64 }, () => r.pick([...HEX])).join('');
      const targetTeamId = r.pick(orgTeams);
      const operations = Array.from({ length: r.int(1, 3) }, (_, i) => {
        const line = i + 2;
        const learnerId = someLearner();
        return r.next() < 0.6
          ? { op: 'deactivate' as const, line, learnerId, ...(r.next() < 0.5 ? { move: null } : {}) }
          : { op: 'reactivate' as const, line, learnerId };
      });
      steps.push({
        command: {
          type: 'RecordImportReceived',
          orgId,
          importId,
          fileName,
          sha256,
          format,
          targetTeamId,
          rowCount: operations.length,
          schedule: 'now',
          dueAt: now.toISO()!,
          options: { partial: true, fullSync: false, allowMassDeactivation: false, move: true },
        },
        context,
      });
      steps.push({
        command: {
          type: 'ApplyImportBatch',
          orgId,
          importId,
          operations,
          lines: operations.map((op) => ({ line: op.line, learnerId: op.learnerId, action: op.op })),
          partial: true,
        },
        context,
      });
      steps.push({
        command: {
          type: 'FinishImport',
          orgId,
          importId,
          sha256,
          outcome:
            r.next() < 0.8
              ? { applied: true, counts: { registered: 0, deactivated: 0, reactivated: 0, updated: 0, unchanged: 0, skipped: 0, errors: 0 } }
              : { applied: false, code: 'MASS_DEACTIVATION', message: 'the file would deactivate too many learners' },
        },
        context,
      });
    }
  }
  return steps;
};

/** Runs a script through a ledger; refusals are expected and counted. */
export const runScript = async (ledger: Ledger, steps: readonly ScriptStep[]): Promise<{ applied: number; refused: number }> => {
  let applied = 0;
  let refused = 0;
  for (const step of steps) {
    const result = await ledger.execute(step.command, step.context);
    if (E.isLeft(result)) refused++;
    else applied++;
  }
  return { applied, refused };
};
