import * as fs from 'node:fs';
import * as path from 'node:path';
import { Option } from 'commander';
import * as E from 'fp-ts/lib/Either.js';
import { DateTime } from 'luxon';
import { isOrgId } from '@learner-ledger/core';
import { anomalies, inactiveRoster, licenseCountAt, licenseSeries, organizationTimeZone, teamRosters, type QueryError, type SeriesInterval } from '@learner-ledger/projections';
import { renderLicenseChart } from '../chart.js';
import { CliError, usageError } from '../errors.js';
import { isoDateOrInstant } from '../parsing.js';
import { licenseSummary, plural, table } from '../output.js';
import type { Session } from '../session.js';
import type { Register } from './action.js';

/** A refused query becomes a CLI error (exit code 1). */
export const answer = <T>(result: E.Either<QueryError, T>): T => {
  if (E.isLeft(result)) throw new CliError(result.left.code, result.left.message);
  return result.right;
};

/** `2026-03-31 23:59 America/Chicago` for an instant. */
export const localTime = (instant: string, timeZone: string): string => {
  const local = DateTime.fromISO(instant, { zone: 'utc' }).setZone(timeZone);
  return local.isValid ? `${local.toFormat('yyyy-MM-dd HH:mm')} ${timeZone}` : instant;
};

/** The organization's time zone to show times in; UTC for an organization that does not exist. */
export const timeZoneOf = async (session: Session, orgId: string): Promise<string> => {
  const zone = await organizationTimeZone(await session.store(), orgId);
  if (E.isLeft(zone) && (zone.left.code === 'ORGANIZATION_NOT_FOUND' || zone.left.code === 'INVALID_ORGANIZATION_ID')) return 'UTC';
  return answer(zone);
};

/** `report licenses|inactive-roster|teams|anomalies`. */
export const registerReportCommands: Register = (program, action) => {
  const report = program.command('report').description('license counts, the inactive roster, team rosters and anomalies, now or as of a date');

  report
    .command('licenses')
    .description('seats, licenses in use and available: now, as of an instant (a date means the end of that day in the organization time zone), or as a series')
    .argument('<orgId>', 'organization id')
    .option('--at <date or instant>', 'as of this instant: 2026-03-31 (end of that day), 2026-03-31T18:00:00Z, 2026-03-31T18:00 (organization time)', isoDateOrInstant)
    .addOption(new Option('--series <interval>', 'a time series, one point per interval (the end of each)').choices(['day', 'week', 'month']))
    .option('--from <date>', 'first point of the series', isoDateOrInstant)
    .option('--to <date>', 'last point of the series', isoDateOrInstant)
    .option('--chart <file.svg>', 'also write the series as an SVG line chart (seats and in use)')
    .action(
      action(async (session, [orgId], options) => {
        const store = await session.store();
        if (options.series === undefined) {
          if (options.from !== undefined || options.to !== undefined || options.chart !== undefined) {
            throw usageError('--from, --to and --chart go with --series day|week|month', 'MISSING_SERIES');
          }
          // Now: the organization's own state (started from its snapshot); as of an instant: the license projection.
          const state = options.at === undefined && isOrgId(orgId) ? await session.organizationIfExists(orgId) : undefined;
          const count = state
            ? { orgId, at: session.now(), seats: state.seats, inUse: state.licensesInUse, available: state.seats - state.licensesInUse }
            : answer(await licenseCountAt(store, orgId, options.at, { clock: () => session.now() }));
          return {
            json: { orgId: count.orgId, at: count.at, seats: count.seats, inUse: count.inUse, available: count.available },
            text: session.json
              ? ''
              : `Licenses of ${orgId} ${options.at !== undefined ? 'as of' : 'at'} ${localTime(count.at, state?.timeZone ?? (await timeZoneOf(session, orgId)))} (${count.at}): ${licenseSummary(count.seats, count.inUse)}.\n`,
          };
        }
        if (options.at !== undefined) throw usageError('--at and --series do not go together: a series has its own dates (--from, --to)', 'CONFLICTING_OPTIONS');
        if (options.from === undefined || options.to === undefined) throw usageError('--series needs --from <date> and --to <date>', 'MISSING_ARGUMENT');
        const report = answer(await licenseSeries(store, orgId, { every: options.series as SeriesInterval, from: options.from, to: options.to }));
        const series = report.series.map((p) => ({ at: p.at, seats: p.seats, inUse: p.inUse, available: p.available }));
        let chart: string | undefined;
        if (options.chart !== undefined) {
          chart = path.resolve(session.io.cwd, options.chart as string);
          const svg = renderLicenseChart(series, { orgId, timeZone: report.timeZone, interval: report.every });
          try {
            fs.writeFileSync(chart, svg);
          } catch (error) {
            throw new CliError('WRITE_FAILED', `Cannot write the chart to ${chart}: ${(error as Error).message}`);
          }
        }
        const day = (at: string) => DateTime.fromISO(at, { zone: 'utc' }).setZone(report.timeZone).toISODate() ?? at;
        return {
          json: { orgId, every: report.every, timeZone: report.timeZone, series, ...(chart ? { chart } : {}) },
          text:
            `Licenses of ${orgId} per ${report.every} (end of each ${report.every}, ${report.timeZone}):\n` +
            table(series.map((p) => [day(p.at), String(p.seats), String(p.inUse), String(p.available)]), ['date', 'seats', 'in use', 'available']) +
            (chart ? `Chart written to ${chart}\n` : ''),
        };
      }),
    );

  report
    .command('inactive-roster')
    .description('who is in the inactive team: since when, by whom, through which channel, import file and line')
    .argument('<orgId>', 'organization id')
    .option('--at <date or instant>', 'as of this instant', isoDateOrInstant)
    .action(
      action(async (session, [orgId], options) => {
        const roster = answer(await inactiveRoster(await session.store(), orgId, { ...(options.at ? { at: options.at } : {}), clock: () => session.now() }));
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
        const rosters = answer(await teamRosters(await session.store(), orgId, { ...(options.at ? { at: options.at } : {}), clock: () => session.now() }));
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
    .description('deactivated learners still on standard teams, active learners in the inactive team, licenses in use above seats')
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
