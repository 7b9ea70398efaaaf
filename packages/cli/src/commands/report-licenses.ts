import * as fs from 'node:fs';
import * as path from 'node:path';
import { Option, type Command } from 'commander';
import { DateTime } from 'luxon';
import { isOrgId } from '@learner-ledger/core';
import { licenseCountAt, licenseUsage, type SeriesInterval } from '@learner-ledger/projections';
import { renderLicenseChart } from '../chart.js';
import { CliError, usageError } from '../errors.js';
import { licenseSummary, table } from '../output.js';
import { isoDateOrInstant } from '../parsing.js';
import { readModelOptions, sourceOf } from '../read-model.js';
import type { Session } from '../session.js';
import type { Action } from './action.js';
import { answer, localTime, timeZoneOf } from './report-support.js';

/** `report licenses`: now (the organization's own state), as of an instant, or a series with the peak of each period. */
export const registerLicensesReport = (report: Command, action: Action): void => {
  report
    .command('licenses')
    .description('seats, licenses in use and available: now, as of an instant (a date means the end of that day in the organization time zone), or as a series with the peak of each period')
    .argument('<orgId>', 'organization id')
    .option('--at <date or instant>', 'as of this instant: 2026-03-31 (end of that day), 2026-03-31T18:00:00Z, 2026-03-31T18:00 (organization time)', isoDateOrInstant)
    .addOption(new Option('--series <interval>', 'a time series, one point per interval (the end of each, and its peak)').choices(['day', 'week', 'month']))
    .option('--from <date>', 'first point of the series', isoDateOrInstant)
    .option('--to <date>', 'last point of the series', isoDateOrInstant)
    .option('--chart <file.svg>', 'also write the series as an SVG chart (seats, in use, the peak)')
    .action(
      action(async (session, [orgId], options) => {
        if (options.series === undefined) {
          if (options.from !== undefined || options.to !== undefined || options.chart !== undefined) {
            throw usageError('--from, --to and --chart go with --series day|week|month', 'MISSING_SERIES');
          }
          return options.at === undefined ? licensesNow(session, orgId) : licensesAt(session, orgId, options.at as string);
        }
        if (options.at !== undefined) throw usageError('--at and --series do not go together: a series has its own dates (--from, --to)', 'CONFLICTING_OPTIONS');
        if (options.from === undefined || options.to === undefined) throw usageError('--series needs --from <date> and --to <date>', 'MISSING_ARGUMENT');
        return licensesSeries(session, orgId, options.series as SeriesInterval, options.from as string, options.to as string, options.chart as string | undefined);
      }),
    );
};

const countText = (session: Session, orgId: string, asOf: boolean, count: { at: string; seats: number; inUse: number }, timeZone: string): string =>
  session.json ? '' : `Licenses of ${orgId} ${asOf ? 'as of' : 'at'} ${localTime(count.at, timeZone)} (${count.at}): ${licenseSummary(count.seats, count.inUse)}.\n`;

/** Now: the organization's own state (started from its snapshot), always current. */
const licensesNow = async (session: Session, orgId: string) => {
  const state = isOrgId(orgId) ? await session.organizationIfExists(orgId) : undefined;
  const count = state
    ? { orgId, at: session.now(), seats: state.seats, inUse: state.licensesInUse, available: state.seats - state.licensesInUse }
    : answer(await licenseCountAt(await session.store(), orgId, undefined, { clock: () => session.now() }));
  return {
    json: { orgId: count.orgId, at: count.at, seats: count.seats, inUse: count.inUse, available: count.available },
    text: countText(session, orgId, false, count, state?.timeZone ?? (await timeZoneOf(session, orgId))),
  };
};

/** As of an instant: one lookup in the license history (caught up first), or a fold where the store keeps no tables. */
const licensesAt = async (session: Session, orgId: string, at: string) => {
  const count = answer(await licenseCountAt(await session.store(), orgId, at, { clock: () => session.now(), ...(await readModelOptions(session)) }));
  return {
    json: { orgId: count.orgId, at: count.at, seats: count.seats, inUse: count.inUse, available: count.available, ...sourceOf(count) },
    text: countText(session, orgId, true, count, await timeZoneOf(session, orgId)),
  };
};

const licensesSeries = async (session: Session, orgId: string, every: SeriesInterval, from: string, to: string, chartFile: string | undefined) => {
  const usage = answer(await licenseUsage(await session.store(), orgId, { every, from, to, ...(await readModelOptions(session)) }));
  const series = usage.periods.map((p) => ({ at: p.at, seats: p.seats, inUse: p.inUse, available: p.available }));
  const peaks = usage.periods.map((p) => p.peak);
  let chart: string | undefined;
  if (chartFile !== undefined) {
    chart = path.resolve(session.io.cwd, chartFile);
    const svg = renderLicenseChart(
      usage.periods.map((p) => ({ at: p.at, from: p.from, seats: p.seats, inUse: p.inUse, peak: p.peak })),
      { orgId, timeZone: usage.timeZone, interval: usage.every, from: usage.from, to: usage.to, ...(usage.name !== undefined ? { name: usage.name } : {}), ...(usage.onboardedAt !== undefined ? { onboardedAt: usage.onboardedAt } : {}) },
    );
    try {
      fs.writeFileSync(chart, svg);
    } catch (error) {
      throw new CliError('WRITE_FAILED', `Cannot write the chart to ${chart}: ${(error as Error).message}`);
    }
  }
  const local = (at: string, format: string) => DateTime.fromISO(at, { zone: 'utc' }).setZone(usage.timeZone).toFormat(format);
  return {
    json: { orgId, every: usage.every, timeZone: usage.timeZone, series, peaks, ...sourceOf(usage), ...(chart ? { chart } : {}) },
    text:
      `Licenses of ${orgId} per ${usage.every} (end of each ${usage.every}, and its peak; ${usage.timeZone}):\n` +
      table(
        usage.periods.map((p) => [local(p.at, 'yyyy-MM-dd'), String(p.seats), String(p.inUse), String(p.available), String(p.peak.inUse), local(p.peak.at, 'yyyy-MM-dd HH:mm')]),
        ['date', 'seats', 'in use', 'available', 'peak', 'peak at'],
      ) +
      (chart ? `Chart written to ${chart}\n` : ''),
  };
};
