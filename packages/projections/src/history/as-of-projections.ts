import { DateTime } from 'luxon';
import type { Projection } from '../projection.js';
import { licenseCountOf, licenseCountsProjection, type LicenseCount, type LicenseCountsState } from '../projections/license-counts.js';
import { inactiveRosterProjection, type InactiveRosterState } from '../projections/inactive-roster.js';
import { teamRostersProjection, type TeamRostersState } from '../projections/team-rosters.js';
import { Table, integer, text, type Row, type TableSpec } from '../table.js';
import { historyProjection, type ClockRow, type HistoryState } from './temporal.js';

/** One local day (in the organization's zone) on which the license count changed. */
export interface LicenseDayRow {
  [column: string]: string | number | null;
  org_id: string;
  /** `YYYY-MM-DD` in the organization's zone. */
  day: string;
  day_start: number;
  day_end: number;
  /** At the end of the day. */
  seats: number;
  in_use: number;
  available: number;
  /** The most licenses in use at any instant of the day, and the first instant it was reached. */
  peak_in_use: number;
  peak_at: number;
  /** The peak over the day's instants before `last_change_at` (with the count carried in at the day's start), if any. */
  earlier_peak_in_use: number | null;
  earlier_peak_at: number | null;
  /** The first and the latest instant of the day at which the count changed. */
  first_change_at: number;
  last_change_at: number;
  /** The next day with a change; NULL while this is the organization's latest. */
  next_day: string | null;
}

export const licenseDaysSpec: TableSpec = {
  name: 'll_license_days',
  description:
    'One row per organization and local day (its time zone) on which the license count changed: seats, in use and available at the end of the day, and the peak in use within the day with the first instant it was reached (epoch ms).',
  columns: [
    text('org_id'),
    text('day'),
    integer('day_start'),
    integer('day_end'),
    integer('seats'),
    integer('in_use'),
    integer('available'),
    integer('peak_in_use'),
    integer('peak_at'),
    integer('earlier_peak_in_use', true),
    integer('earlier_peak_at', true),
    integer('first_change_at'),
    integer('last_change_at'),
    text('next_day', true),
  ],
  primaryKey: ['org_id', 'day'],
  indexes: [['next_day']],
  openWhileNull: 'next_day',
};

const ZERO: LicenseCount = { seats: 0, inUse: 0, available: 0 };

// The latest day row of each organization, found once per state (a restored state holds only those).
const latestDays = new WeakMap<object, Map<string, LicenseDayRow>>();

const latestDay = (state: HistoryState<LicenseCountsState>, days: Table<LicenseDayRow>, orgId: string): LicenseDayRow | undefined => {
  let byOrg = latestDays.get(state);
  if (!byOrg) latestDays.set(state, (byOrg = new Map()));
  if (byOrg.has(orgId)) return byOrg.get(orgId);
  let latest: LicenseDayRow | undefined;
  for (const row of days.rowsOf(orgId)) if (row.next_day === null) latest = row;
  if (latest) byOrg.set(orgId, latest);
  return latest;
};

const setPeak = (row: LicenseDayRow, inUse: number, instant: number): void => {
  if (row.earlier_peak_in_use !== null && row.earlier_peak_in_use >= inUse) {
    row.peak_in_use = row.earlier_peak_in_use;
    row.peak_at = row.earlier_peak_at!;
  } else {
    row.peak_in_use = inUse;
    row.peak_at = instant;
  }
};

/** Keeps the day rows: called after every event with the instant it took effect. */
const recordDay = (state: HistoryState<LicenseCountsState>, orgId: string, instant: number, clock: ClockRow): void => {
  const days = state.extras[0] as Table<LicenseDayRow>;
  const count = licenseCountOf(state.base, orgId);
  const latest = latestDay(state, days, orgId);
  const before = latest ? { seats: latest.seats, inUse: latest.in_use, available: latest.available } : ZERO;
  if (count.seats === before.seats && count.inUse === before.inUse && count.available === before.available) return;
  if (latest && instant <= latest.day_end) {
    // Values of earlier instants are final: only the current instant's may still change.
    if (instant > latest.last_change_at) {
      latest.earlier_peak_in_use = latest.peak_in_use;
      latest.earlier_peak_at = latest.peak_at;
      latest.last_change_at = instant;
    }
    latest.seats = count.seats;
    latest.in_use = count.inUse;
    latest.available = count.available;
    setPeak(latest, count.inUse, instant);
    days.touch(orgId, latest.day, latest);
    return;
  }
  const local = DateTime.fromMillis(instant, { zone: clock.time_zone });
  const dayStart = local.startOf('day').toMillis();
  const day = local.toISODate()!;
  if (latest) {
    latest.next_day = day;
    days.touch(orgId, latest.day, latest);
  }
  const carried = instant > dayStart;
  const row: LicenseDayRow = {
    org_id: orgId,
    day,
    day_start: dayStart,
    day_end: local.endOf('day').toMillis(),
    seats: count.seats,
    in_use: count.inUse,
    available: count.available,
    peak_in_use: count.inUse,
    peak_at: instant,
    earlier_peak_in_use: carried ? before.inUse : null,
    earlier_peak_at: carried ? dayStart : null,
    first_change_at: instant,
    last_change_at: instant,
    next_day: null,
  };
  setPeak(row, count.inUse, instant);
  days.set(orgId, day, row);
  latestDays.get(state)!.set(orgId, row);
};

/**
 * The license counts through time: every version of `ll_license_counts`
 * (`ll_license_counts_history`: seats, in use and available from one instant
 * to the next) and of the license holders, and `ll_license_days` with each
 * day's closing count and peak. `licenseCountAt` is one index lookup; a daily
 * series with peaks reads one row per day that changed.
 */
export const licenseHistoryProjection: Projection<HistoryState<LicenseCountsState>> = historyProjection({
  name: 'license-history',
  base: licenseCountsProjection,
  clockTable: 'll_license_history_clock',
  extras: () => [new Table<LicenseDayRow>(licenseDaysSpec) as Table<Row>],
  after: recordDay,
});

/** The inactive roster through time: `ll_inactive_roster_history` (who was in the inactive team from when until when, with the actor, channel, import, file and line that put them there). */
export const inactiveRosterHistoryProjection: Projection<HistoryState<InactiveRosterState>> = historyProjection({
  name: 'inactive-roster-history',
  base: inactiveRosterProjection,
  clockTable: 'll_inactive_roster_history_clock',
});

/** Teams, memberships and learners' active flags through time (`ll_teams_history`, `ll_team_memberships_history`, `ll_team_learners_history`). */
export const teamRostersHistoryProjection: Projection<HistoryState<TeamRostersState>> = historyProjection({
  name: 'team-rosters-history',
  base: teamRostersProjection,
  clockTable: 'll_team_rosters_history_clock',
});

/** The time-indexed read models the SQL projection stores answer as-of questions from. */
export const asOfProjections = [licenseHistoryProjection, inactiveRosterHistoryProjection, teamRostersHistoryProjection] as const;
