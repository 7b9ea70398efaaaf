import { anomalies, inactiveRoster, teamRosters } from '@learner-ledger/projections';
import { isoDateOrInstant } from '../parsing.js';
import { plural, table } from '../output.js';
import { readModelOptions } from '../read-model.js';
import type { Register } from './action.js';
import { registerLicensesReport } from './report-licenses.js';
import { answer, localTime, timeZoneOf } from './report-support.js';

export { answer, localTime, timeZoneOf } from './report-support.js';

/** `report licenses|inactive-roster|teams|anomalies`. */
export const registerReportCommands: Register = (program, action) => {
  const report = program.command('report').description('license counts, the inactive roster, team rosters and anomalies, now or as of a date');

  registerLicensesReport(report, action);

  report
    .command('inactive-roster')
    .description('who is in the inactive team: since when, by whom, through which channel, import file and line')
    .argument('<orgId>', 'organization id')
    .option('--at <date or instant>', 'as of this instant', isoDateOrInstant)
    .action(
      action(async (session, [orgId], options) => {
        const roster = answer(await inactiveRoster(await session.store(), orgId, { ...(options.at ? { at: options.at } : {}), clock: () => session.now(), ...(await readModelOptions(session)) }));
        return { json: roster, text: session.json ? '' : inactiveRosterText(roster, await timeZoneOf(session, orgId)) };
      }),
    );

  report
    .command('teams')
    .description('every team with its active members (who reports and assignments see)')
    .argument('<orgId>', 'organization id')
    .option('--at <date or instant>', 'as of this instant', isoDateOrInstant)
    .action(
      action(async (session, [orgId], options) => {
        const rosters = answer(await teamRosters(await session.store(), orgId, { ...(options.at ? { at: options.at } : {}), clock: () => session.now(), ...(await readModelOptions(session)) }));
        return {
          json: rosters,
          text:
            `Teams of ${orgId}:\n` +
            table(
              rosters.teams.map((team) => [team.name, team.kind, String(team.members.length), team.members.join(', ')]),
              ['team', 'kind', 'active', 'members'],
            ),
        };
      }),
    );

  report
    .command('anomalies')
    .description('deactivated learners still on standard teams, active learners in the inactive team, licenses in use above seats, SCIM deactivations held by the mass-deactivation guard')
    .argument('<orgId>', 'organization id')
    .option('--at <date or instant>', 'as of this instant', isoDateOrInstant)
    .action(
      action(async (session, [orgId], options) => {
        const found = answer(await anomalies(await session.store(), orgId, { ...(options.at ? { at: options.at } : {}), clock: () => session.now() }));
        return {
          json: found,
          text:
            found.anomalies.length === 0
              ? `No anomalies in ${orgId}.\n`
              : `${plural(found.anomalies.length, 'anomaly', 'anomalies')} in ${orgId}:\n` +
                table(found.anomalies.map((a) => [a.kind, a.learnerId ?? '', a.teamId ?? '', a.since, a.detail]), ['kind', 'learner', 'team', 'since', 'detail']),
        };
      }),
    );
};

/** The inactive roster as a table for people. */
export const inactiveRosterText = (
  roster: { orgId: string; learners: readonly { learnerId: string; since: string; actor: { kind: string; id: string }; channel: string; fileName?: string; importId?: string; line?: number; reason?: string }[] },
  timeZone: string,
): string => {
  if (roster.learners.length === 0) return `Inactive roster of ${roster.orgId}: nobody.\n`;
  return (
    `Inactive roster of ${roster.orgId} (${plural(roster.learners.length, 'learner')}):\n` +
    table(
      roster.learners.map((l) => [
        l.learnerId,
        localTime(l.since, timeZone),
        `${l.actor.kind}:${l.actor.id}`,
        l.channel,
        l.fileName !== undefined || l.importId !== undefined ? `${l.fileName ?? l.importId}${l.line !== undefined ? `:${l.line}` : ''}` : '',
        l.reason ?? '',
      ]),
      ['learner', 'since', 'by', 'channel', 'file:line', 'reason'],
    )
  );
};
