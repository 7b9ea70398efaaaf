import { DateTime } from 'luxon';
import type { PeriodCount } from '../fold.js';
import { licenseDaysSpec, type LicenseDayRow } from '../history/as-of-projections.js';
import { historySpecOf, VALID_FROM, VALID_TO } from '../history/temporal.js';
import { inactiveLearnersOfRows, inactiveRosterTables, type InactiveLearner, type InactiveRosterRow } from '../projections/inactive-roster.js';
import { licenseCountsTables, type LicenseCount } from '../projections/license-counts.js';
import { teamRostersOf, teamRostersTables, type TeamRoster, type TeamRostersState } from '../projections/team-rosters.js';
import type { Period } from '../query-support.js';
import { Table, type Row, type TableSpec } from '../table.js';
import type { AsOfReader } from './port.js';

/** The last millisecond a JavaScript date can hold: "now and ever after" for a read model. */
export const END_OF_TIME = 8_640_000_000_000_000;

const COUNTS = historySpecOf(licenseCountsTables.counts);
const ROSTER = historySpecOf(inactiveRosterTables.roster);
const TEAMS = historySpecOf(teamRostersTables.teams);
const MEMBERSHIPS = historySpecOf(teamRostersTables.memberships);
const LEARNERS = historySpecOf(teamRostersTables.learners);
/** The columns the roster's view reads. */
const ROSTER_VIEW = ['learner_id', 'since', 'actor_kind', 'actor_id', 'channel', 'import_id', 'file_name', 'line', 'reason'];
const ZERO: LicenseCount = { seats: 0, inUse: 0, available: 0 };

const countOf = (row: Row): LicenseCount => ({ seats: row['seats'] as number, inUse: row['in_use'] as number, available: row['available'] as number });

/** A base-table state holding the versions that held at an instant. */
const tableOf = <R extends Row>(spec: TableSpec, rows: readonly Row[]): Table<R> => {
  const table = new Table<R>(spec);
  table.load(rows as R[]);
  return table;
};

/** The license count of one organization at `at` (epoch ms): one index lookup. */
export const licenseCountFromModel = async (reader: AsOfReader, orgId: string, at: number): Promise<LicenseCount> => {
  const row = await reader.lastRowBefore(COUNTS, orgId, VALID_FROM, at + 1);
  return row && (row[VALID_TO] === null || (row[VALID_TO] as number) > at) ? countOf(row) : ZERO;
};

/** The inactive roster of one organization at `at`, from the versions that held then. */
export const inactiveLearnersFromModel = async (reader: AsOfReader, orgId: string, at: number): Promise<InactiveLearner[]> => {
  return inactiveLearnersOfRows((await reader.rowsAt(ROSTER, orgId, at, ROSTER_VIEW)) as InactiveRosterRow[]);
};

/** The team rosters of one organization at `at`, from the versions of teams, memberships and learners that held then. */
export const teamRostersFromModel = async (reader: AsOfReader, orgId: string, at: number): Promise<TeamRoster[]> => {
  const [teams, memberships, learners] = await Promise.all([reader.rowsAt(TEAMS, orgId, at), reader.rowsAt(MEMBERSHIPS, orgId, at), reader.rowsAt(LEARNERS, orgId, at)]);
  const state = {
    teams: tableOf(teamRostersTables.teams, teams),
    memberships: tableOf(teamRostersTables.memberships, memberships),
    learners: tableOf(teamRostersTables.learners, learners),
  } as unknown as TeamRostersState;
  return teamRostersOf(state, orgId);
};

/** Something that moves the count inside the range: a day row (whole days) or a version (the ends of the range that are not whole days). */
type Step = { readonly kind: 'day'; readonly at: number; readonly row: LicenseDayRow } | { readonly kind: 'version'; readonly at: number; readonly count: LicenseCount };

const localDay = (ms: number, zone: string) => DateTime.fromMillis(ms, { zone });

/**
 * The count at the end of each period and its peak, from the read model:
 * the count at the first instant, the day rows of the whole days in the
 * range, and the versions of the partial days at its ends. Periods are
 * consecutive and their inner boundaries are local midnights (series buckets).
 */
export const periodCountsFromModel = async (reader: AsOfReader, orgId: string, periods: readonly Period[], zone: string): Promise<PeriodCount[]> => {
  if (periods.length === 0) return [];
  const start = periods[0]!.start;
  const end = periods[periods.length - 1]!.end;
  const first = localDay(start, zone);
  const last = localDay(end, zone);
  const headPartial = start !== first.startOf('day').toMillis();
  const tailPartial = end !== last.endOf('day').toMillis();
  const sameDay = first.toISODate() === last.toISODate();
  const versions = (from: number, to: number) => (from <= to ? reader.rowsBetween(COUNTS, orgId, VALID_FROM, from, to) : Promise.resolve([]));
  const firstWholeDay = headPartial ? first.plus({ days: 1 }).toISODate()! : first.toISODate()!;
  const lastWholeDay = tailPartial ? last.minus({ days: 1 }).toISODate()! : last.toISODate()!;
  const [atStart, head, days, tail] = await Promise.all([
    licenseCountFromModel(reader, orgId, start),
    headPartial || (sameDay && tailPartial) ? versions(start + 1, sameDay ? end : first.endOf('day').toMillis()) : Promise.resolve([]),
    firstWholeDay <= lastWholeDay && !(sameDay && (headPartial || tailPartial)) ? reader.rowsBetween(licenseDaysSpec, orgId, 'day', firstWholeDay, lastWholeDay) : Promise.resolve([]),
    tailPartial && !sameDay ? versions(last.startOf('day').toMillis(), end) : Promise.resolve([]),
  ]);
  const steps: Step[] = [
    ...head.map((row): Step => ({ kind: 'version', at: row[VALID_FROM] as number, count: countOf(row) })),
    ...(days as LicenseDayRow[]).map((row): Step => ({ kind: 'day', at: row.day_start, row })),
    ...tail.map((row): Step => ({ kind: 'version', at: row[VALID_FROM] as number, count: countOf(row) })),
  ];
  const result: PeriodCount[] = [];
  let current = atStart;
  let next = 0;
  for (const [index, period] of periods.entries()) {
    const step = steps[next];
    // The count carried in holds at the period's first instant unless something changed exactly then.
    const changesAtStart =
      index > 0 && step !== undefined && (step.kind === 'version' ? step.at : step.row.first_change_at) === period.start;
    let peak = changesAtStart ? undefined : { inUse: current.inUse, at: period.start };
    for (; next < steps.length && steps[next]!.at <= period.end; next++) {
      const s = steps[next]!;
      const candidate = s.kind === 'day' ? { inUse: s.row.peak_in_use, at: s.row.peak_at } : { inUse: s.count.inUse, at: s.at };
      if (peak === undefined || candidate.inUse > peak.inUse) peak = candidate;
      current = s.kind === 'day' ? countOf(s.row) : s.count;
    }
    result.push({ end: current, peak: peak ?? { inUse: current.inUse, at: period.start } });
  }
  return result;
};
