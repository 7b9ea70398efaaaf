import { randomUUID } from 'node:crypto';
import { Option } from 'commander';
import type { Channel, CommandResult, MoveOptions, OrganizationState } from '@learner-ledger/core';
import { usageError } from '../errors.js';
import { collect, isoDate } from '../parsing.js';
import { licenseSummary, plural, table } from '../output.js';
import { scrubPersonalProjections } from '../projection-store.js';
import { resolveTeamId, teamName, type Session } from '../session.js';
import { effectsOf, eventsJson, licensesJson, statusNote } from './results.js';
import type { Register } from './action.js';

/** `learner register`, `learner deactivate`, `learner reactivate`, `learner erase`. */
export const registerLearnerCommands: Register = (program, action) => {
  const learner = program.command('learner').description('register, deactivate, reactivate and erase learners');

  learner
    .command('erase')
    .description(
      "erase an inactive learner's personal data (name, e-mail, employee id) for good, once the organization's retention period is over: " +
        'every report then shows the learner as [erased], with every count, team and audit line kept',
    )
    .argument('<orgId>', 'organization id')
    .argument('<learnerId>', 'learner id')
    .requiredOption('--reason <text>', 'why (kept with the erasure)')
    .action(
      action(async (session, [orgId, learnerId], options) => {
        await session.organization(orgId);
        const result = await session.execute({ type: 'EraseLearnerPersonalData', orgId, learnerId, reason: options.reason });
        await scrubPersonalProjections(session);
        const already = result.outcomes.some((outcome) => outcome.code === 'ALREADY_ERASED');
        const state = await session.organization(orgId);
        return {
          json: { orgId, learnerId, status: already ? 'already-erased' : result.status, licenses: licensesJson(state), events: eventsJson(result) },
          text: already
            ? `Learner ${learnerId} of ${orgId} was erased already; their key is shredded.\n`
            : `Personal data of learner ${learnerId} of ${orgId} erased${statusNote(result)}: reports show them as [erased]. Licenses: ${licenseSummary(state.seats, state.licensesInUse)}.\n`,
        };
      }),
    );

  learner
    .command('register')
    .description('register an active learner (assigns a license; refused when the pool is exhausted)')
    .argument('<orgId>', 'organization id')
    .argument('<learnerId>', 'learner id (kept verbatim, leading zeros included)')
    .requiredOption('--email <e>', 'e-mail address (unique per organization)')
    .requiredOption('--first-name <f>', 'first name')
    .requiredOption('--last-name <l>', 'last name')
    .option('--employee-id <id>', 'employee id')
    .option('--team <name>', 'team to join (repeat for several)', collect, [])
    .option('--inactive', 'register the learner inactive, holding no license')
    .action(
      action(async (session, [orgId, learnerId], options) => {
        const before = await session.organization(orgId);
        const teams = (options.team as string[]).map((name) => resolveTeamId(before, name));
        const result = await session.execute({
          type: 'RegisterLearner',
          orgId,
          learnerId,
          email: options.email,
          firstName: options.firstName,
          lastName: options.lastName,
          ...(options.employeeId !== undefined ? { employeeId: options.employeeId } : {}),
          teams,
          ...(options.inactive ? { active: false } : {}),
        });
        const state = await session.organization(orgId);
        const record = state.learners.get(learnerId)!;
        return {
          json: {
            orgId,
            learnerId,
            status: record.status,
            licenseId: record.licenseId,
            teams: record.teams.map((teamId) => ({ teamId, name: teamName(state, teamId) })),
            licenses: licensesJson(state),
            result: result.status,
            events: eventsJson(result),
          },
          text:
            `Learner ${learnerId} (${record.firstName} ${record.lastName}) registered in ${orgId}${statusNote(result)}: ${record.status}` +
            `${record.licenseId ? `, license ${record.licenseId}` : ''}${record.teams.length ? `, teams ${record.teams.map((t) => teamName(state, t)).join(', ')}` : ''}.\n` +
            `Licenses: ${licenseSummary(state.seats, state.licensesInUse)}.\n`,
        };
      }),
    );

  learner
    .command('deactivate')
    .description(
      'deactivate learners: move them to the inactive team (unless --no-move), switch the accounts off and release their licenses. ' +
        'Several ids is the Learner Draft path, one id the Learner Profile path',
    )
    .argument('<orgId>', 'organization id')
    .argument('<learnerId...>', 'learner ids')
    .option('--move', "move to the inactive team and out of every other team (the organization's policy, the default)")
    .option('--no-move', 'skip the move step: only switch the accounts off and release the licenses')
    .option('--add-to <team>', 'team to move the learners to (must be the inactive team)')
    .option('--remove-from <team>', 'team to remove the learners from, or "all" (repeat for several; default all)', collect, [])
    .option('--reason <text>', 'why (kept in the audit trail)')
    .addOption(new Option('--channel <channel>', 'the administrator screen this mirrors (default: learner-draft for several ids, learner-profile for one)').choices(['learner-draft', 'learner-profile']))
    .option('--on <YYYY-MM-DD>', "schedule the deactivation for the start of that day in the organization's time zone (applied by process-due)", isoDate)
    .option('--partial', 'apply the learners that can be, report the others (default: all or nothing)')
    .action(
      action(async (session, [orgId, learnerIds], options) => {
        const ids = [...new Set(learnerIds as string[])];
        const channel = (options.channel ?? (ids.length > 1 ? 'learner-draft' : 'learner-profile')) as Channel;
        const before = await session.organization(orgId);
        const move = moveFromOptions(before, options);
        if (options.on !== undefined) return schedule(session, orgId, ids, channel, move, options);
        const result = await session.execute(
          {
            type: 'DeactivateLearners',
            orgId,
            learnerIds: ids,
            ...(move !== undefined ? { move } : {}),
            ...(options.reason !== undefined ? { reason: options.reason } : {}),
            ...(options.partial ? { partial: true } : {}),
          },
          { channel },
        );
        const state = await session.organization(orgId);
        return deactivationOutput(orgId, channel, result, before, state);
      }),
    );

  learner
    .command('reactivate')
    .description('reactivate a learner: assigns a license and restores the teams the deactivation removed (or the given teams)')
    .argument('<orgId>', 'organization id')
    .argument('<learnerId>', 'learner id')
    .option('--team <name>', 'join these teams instead of the restored ones (repeat for several)', collect, [])
    .action(
      action(async (session, [orgId, learnerId], options) => {
        const before = await session.organization(orgId);
        const teams = (options.team as string[]).map((name) => resolveTeamId(before, name));
        const result = await session.execute({ type: 'ReactivateLearner', orgId, learnerId, ...(teams.length > 0 ? { teams } : {}) });
        const state = await session.organization(orgId);
        const record = state.learners.get(learnerId)!;
        const restored = effectsOf(result.outcomes[0]).restoredTeams ?? [];
        const skipped = result.outcomes.find((o) => o.status === 'skipped');
        return {
          json: {
            orgId,
            learnerId,
            status: record.status,
            result: skipped ? 'skipped' : result.status,
            ...(skipped?.code ? { code: skipped.code } : {}),
            licenseId: record.licenseId,
            teams: record.teams.map((teamId) => ({ teamId, name: teamName(state, teamId) })),
            restoredTeams: restored.map((teamId) => ({ teamId, name: teamName(state, teamId) })),
            licenses: licensesJson(state),
            events: eventsJson(result),
          },
          text: skipped
            ? `Learner ${learnerId} is already active: nothing changed.\n`
            : `Learner ${learnerId} reactivated${statusNote(result)}: license ${record.licenseId}, teams ${record.teams.map((t) => teamName(state, t)).join(', ') || 'none'}.\n` +
              `Licenses: ${licenseSummary(state.seats, state.licensesInUse)}.\n`,
        };
      }),
    );
};

/** The move instruction from --move/--no-move/--add-to/--remove-from (undefined: the organization's policy). */
const moveFromOptions = (state: OrganizationState, options: { move?: boolean; addTo?: string; removeFrom: string[] }): MoveOptions | null | undefined => {
  const explicit = options.addTo !== undefined || options.removeFrom.length > 0;
  if (options.move === false) {
    if (explicit) throw usageError('--no-move cannot be combined with --add-to or --remove-from', 'CONFLICTING_OPTIONS');
    return null;
  }
  if (!explicit) return options.move === true ? { removeFrom: 'all' } : undefined;
  const all = options.removeFrom.some((team) => team.toLowerCase() === 'all');
  if (all && options.removeFrom.length > 1) throw usageError('--remove-from all cannot be combined with team names', 'CONFLICTING_OPTIONS');
  const removeFrom = all || options.removeFrom.length === 0 ? 'all' : options.removeFrom.map((name) => resolveTeamId(state, name));
  return { ...(options.addTo !== undefined ? { addTo: resolveTeamId(state, options.addTo) } : {}), removeFrom };
};

const schedule = async (
  session: Session,
  orgId: string,
  learnerIds: string[],
  channel: Channel,
  move: MoveOptions | null | undefined,
  options: { on: string; reason?: string; partial?: boolean },
) => {
  if (options.partial) throw usageError('--partial applies to immediate deactivations, not to one scheduled with --on', 'CONFLICTING_OPTIONS');
  const scheduleId = `schedule-${randomUUID()}`;
  const result = await session.execute(
    {
      type: 'ScheduleDeactivation',
      orgId,
      scheduleId,
      learnerIds,
      effectiveAt: options.on,
      ...(move !== undefined ? { move } : {}),
      ...(options.reason !== undefined ? { reason: options.reason } : {}),
    },
    { channel },
  );
  const state = await session.organization(orgId);
  const effectiveAt = effectsOf(result.outcomes[0]).scheduledFor ?? null;
  // A repeated --command-id answers with the schedule its first run recorded.
  const recorded = result.events.find((change) => change.event.type === 'DeactivationScheduled')?.event;
  const scheduled = recorded?.type === 'DeactivationScheduled' ? recorded.data.scheduleId : scheduleId;
  return {
    json: { orgId, channel, status: 'scheduled', scheduleId: scheduled, effectiveAt, learnerIds, licenses: licensesJson(state), events: eventsJson(result) },
    text:
      `Deactivation of ${plural(learnerIds.length, 'learner')} (${learnerIds.join(', ')}) scheduled for ${options.on} in ${state.timeZone} (${effectiveAt}), id ${scheduled}.\n` +
      `It takes effect when \`learner-ledger process-due\` runs at or after that instant.\n`,
  };
};

const deactivationOutput = (orgId: string, channel: Channel, result: CommandResult, before: OrganizationState, state: OrganizationState) => {
  const learners = result.outcomes.map((outcome) => {
    const { addedTo, removedFrom, licenseReleased } = effectsOf(outcome);
    return {
      learnerId: outcome.subject,
      result: outcome.status === 'applied' ? 'deactivated' : outcome.status,
      ...(outcome.code ? { code: outcome.code } : {}),
      ...(outcome.message ? { message: outcome.message } : {}),
      ...(addedTo && removedFrom ? { addedTo: addedTo.map((t) => teamName(state, t)), removedFrom: removedFrom.map((t) => teamName(before, t)) } : {}),
      ...(licenseReleased !== undefined ? { releasedLicense: licenseReleased } : {}),
    };
  });
  const rows = learners.map((l) => {
    const details: string[] = [];
    if (l.addedTo?.length) details.push(`moved to ${l.addedTo.join(', ')}`);
    if (l.removedFrom?.length) details.push(`removed from ${l.removedFrom.join(', ')}`);
    if (l.releasedLicense) details.push(`license ${l.releasedLicense} released`);
    if (l.message) details.push(l.message);
    return [l.learnerId, l.result, details.join('; ')];
  });
  const done = learners.filter((l) => l.result === 'deactivated').length;
  return {
    json: { orgId, channel, status: result.status, learners, licenses: licensesJson(state), events: eventsJson(result) },
    text:
      `Deactivated ${plural(done, 'learner')} of ${orgId} through ${channel}${statusNote(result)}:\n` +
      table(rows).replace(/^(?=.)/gm, '  ') +
      `Licenses: ${licenseSummary(state.seats, state.licensesInUse)}.\n`,
  };
};
