import * as E from 'fp-ts/lib/Either.js';
import { toInstant, type EventStore } from '@learner-ledger/core';
import { foldAsOf, licenseTimeline, periodCounts, type PeriodCount } from './fold.js';
import { inactiveRosterHistoryProjection, licenseHistoryProjection, teamRostersHistoryProjection } from './history/as-of-projections.js';
import type { AnyProjection, Projection } from './projection.js';
import { anomaliesOf, anomaliesProjection, type Anomaly } from './projections/anomalies.js';
import { auditEntriesForImport, auditEntriesForLearner, auditTrailProjection, type AuditEntry } from './projections/audit-trail.js';
import { inactiveLearnersOf, inactiveRosterProjection, type InactiveLearner } from './projections/inactive-roster.js';
import { directoryOf, learnerDirectoryProjection, type DirectoryEntry } from './projections/learner-directory.js';
import { licenseCountOf, licenseCountsProjection, type LicenseCount } from './projections/license-counts.js';
import { teamRostersOf, teamRostersProjection, type TeamRoster } from './projections/team-rosters.js';
import {
  bucketsBetween,
  guard,
  instantOrFail,
  organizationHead,
  seriesRange,
  type InstantInput,
  type OrganizationHead,
  type Period,
  type QueryError,
  type SeriesInterval,
} from './query-support.js';
import { END_OF_TIME, inactiveLearnersFromModel, licenseCountFromModel, periodCountsFromModel, teamRostersFromModel } from './read-model/answers.js';
import { chooseSource, type AnswerSource, type ReadModelOptions } from './read-model/source.js';

export {
  MAX_SERIES_POINTS,
  organizationEvents,
  organizationTimeZone,
  resolveInstant,
  seriesInstants,
  type InstantInput,
  type QueryError,
  type SeriesInterval,
} from './query-support.js';

export interface QueryOptions extends ReadModelOptions {
  /** Answer as of this instant: every event that took effect at or before it. Default: the current state. */
  readonly at?: InstantInput;
  /** What to do with an event this library cannot decode: `stop` (default, the query fails naming it) or `skip`. */
  readonly onUnknownEvent?: 'stop' | 'skip';
  /** The current instant, reported as `at` when none is given. Default: the system clock. */
  readonly clock?: () => string;
}

/** Present on an answer when a read model was offered: whether its tables answered or a fold did, and up to which position of the log. */
export type Sourced = Partial<AnswerSource>;

/** `{orgId, at, seats, inUse, available}`: the license count of an organization at an instant. */
export interface LicenseCountReport extends LicenseCount, Sourced {
  readonly orgId: string;
  /** The instant the answer holds for (UTC ISO). */
  readonly at: string;
}

export interface SeriesOptions extends ReadModelOptions {
  /** Bucket size: calendar days, ISO weeks (Monday to Sunday) or months, in the organization's time zone. */
  readonly every: SeriesInterval;
  /** First bucket: the one containing this instant or date (a date is the start of that day). */
  readonly from: InstantInput;
  /** Last bucket: the one containing this instant or date (a date is the end of that day). */
  readonly to: InstantInput;
  readonly onUnknownEvent?: 'stop' | 'skip';
}

export interface LicenseSeriesPoint extends LicenseCount {
  /** The end of the bucket (its last millisecond in the organization's zone), as a UTC instant. */
  readonly at: string;
}

/** `{orgId, every, timeZone, series: [{at, seats, inUse, available}]}`. */
export interface LicenseSeriesReport extends Sourced {
  readonly orgId: string;
  readonly every: SeriesInterval;
  readonly timeZone: string;
  readonly series: readonly LicenseSeriesPoint[];
}

/** One period of a license usage report: the count at its end, and the peak within it. */
export interface LicenseUsagePeriod extends LicenseCount {
  /** The period's first instant (UTC ISO): its bucket's start, or the report's `from` for the first period. */
  readonly from: string;
  /** The period's last instant (UTC ISO): its bucket's end, or the report's `to` for the last period. The counts hold at this instant. */
  readonly at: string;
  /** The most licenses in use at any instant of the period, and the first instant it was reached (licenses are billed on peaks). */
  readonly peak: { readonly inUse: number; readonly at: string };
}

/** `{orgId, name, every, timeZone, onboardedAt, from, to, periods: [{from, at, seats, inUse, available, peak: {inUse, at}}]}`. */
export interface LicenseUsageReport extends Sourced {
  readonly orgId: string;
  /** The organization's name, when its stream starts with its onboarding. */
  readonly name?: string;
  readonly every: SeriesInterval;
  readonly timeZone: string;
  readonly onboardedAt?: string;
  readonly from: string;
  readonly to: string;
  readonly periods: readonly LicenseUsagePeriod[];
}

/** `{orgId, at, learners: [{learnerId, since, actor, channel, importId?, fileName?, line?, reason?}]}`. */
export interface InactiveRosterReport extends Sourced {
  readonly orgId: string;
  readonly at: string;
  readonly learners: readonly InactiveLearner[];
}

export interface TeamRostersReport extends Sourced {
  readonly orgId: string;
  readonly at: string;
  readonly teams: readonly TeamRoster[];
}

export interface LearnerDirectoryReport {
  readonly orgId: string;
  readonly at: string;
  readonly learners: readonly DirectoryEntry[];
}

export interface AnomaliesReport {
  readonly orgId: string;
  readonly at: string;
  readonly anomalies: readonly Anomaly[];
}

export interface LearnerAuditReport {
  readonly orgId: string;
  readonly learnerId: string;
  readonly entries: readonly AuditEntry[];
}

export interface ImportAuditReport {
  readonly orgId: string;
  readonly importId: string;
  readonly entries: readonly AuditEntry[];
}

const iso = (ms: number) => new Date(ms).toISOString();

/** The instant a query asks about (epoch ms, or "ever after" for now) and the one it reports. */
const askedInstant = (head: OrganizationHead, options: QueryOptions): { limit: number; at: string } => {
  if (options.at === undefined) return { limit: Number.POSITIVE_INFINITY, at: (options.clock ?? (() => new Date().toISOString()))() };
  const instant = instantOrFail(options.at, head.timeZone);
  return { limit: instant.toMillis(), at: toInstant(instant) };
};

/**
 * Answers one organization's question: from the read model when one is
 * offered and has reached the organization's last event (after catching up,
 * unless told to fold), else by folding the stream.
 */
const answer = async <R>(
  store: EventStore,
  head: OrganizationHead,
  history: AnyProjection,
  options: ReadModelOptions,
  fromModel: () => Promise<R>,
  byFold: () => Promise<R>,
): Promise<R & Sourced> => {
  if (!options.readModel) return (await byFold()) as R & Sourced;
  const source = await chooseSource(store, head, history, options);
  return { ...(await (source.source === 'read-model' ? fromModel() : byFold())), ...source };
};

/**
 * Folds one organization's stream into a fresh projection state: every event,
 * or with `at`, every event that took effect at or before it (an event takes
 * effect at the latest `occurredAt` of the stream up to it).
 */
export const foldOrganization = async <S>(
  store: EventStore,
  projection: Projection<S>,
  orgId: string,
  options: QueryOptions = {},
): Promise<E.Either<QueryError, { readonly state: S; readonly at: string; readonly timeZone: string }>> =>
  guard(async () => {
    const head = await organizationHead(store, orgId);
    const { limit, at } = askedInstant(head, options);
    const { state } = await foldAsOf(store, projection, orgId, limit, options.onUnknownEvent);
    return { state, at, timeZone: head.timeZone };
  });

/**
 * The license count of one organization — now, or as of any instant:
 * `licenseCountAt(store, 'acme', '2026-03-31')` is the end of 31 March 2026 in
 * the organization's time zone. Before the organization existed, every count
 * is 0. Reads only the organization's stream, or with `readModel`, one row of
 * its license history.
 */
export const licenseCountAt = (store: EventStore, orgId: string, at?: InstantInput, options: Omit<QueryOptions, 'at'> = {}): Promise<E.Either<QueryError, LicenseCountReport>> =>
  guard(async () => {
    const head = await organizationHead(store, orgId);
    const asked = askedInstant(head, { ...options, ...(at !== undefined ? { at } : {}) });
    return answer(
      store,
      head,
      licenseHistoryProjection,
      options,
      async () => ({ orgId, at: asked.at, ...(await licenseCountFromModel(options.readModel!, orgId, Math.min(asked.limit, END_OF_TIME))) }),
      async () => ({ orgId, at: asked.at, ...licenseCountOf((await foldAsOf(store, licenseCountsProjection, orgId, asked.limit, options.onUnknownEvent)).state, orgId) }),
    );
  });

/** The count at the end of each period and its peak, from the read model or a fold. */
const licensePeriods = (store: EventStore, head: OrganizationHead, periods: readonly Period[], options: ReadModelOptions & { readonly onUnknownEvent?: 'stop' | 'skip' }) =>
  answer<{ counts: PeriodCount[] }>(
    store,
    head,
    licenseHistoryProjection,
    options,
    async () => ({ counts: await periodCountsFromModel(options.readModel!, head.orgId, periods, head.timeZone) }),
    async () => ({ counts: periodCounts(await licenseTimeline(store, head.orgId, options.onUnknownEvent), periods) }),
  );

/**
 * The license count of one organization as a time series: one point per day,
 * ISO week or month between `from` and `to`, each the state at the end of its
 * bucket in the organization's time zone. Every point equals
 * {@link licenseCountAt} at that instant.
 */
export const licenseSeries = (store: EventStore, orgId: string, options: SeriesOptions): Promise<E.Either<QueryError, LicenseSeriesReport>> =>
  guard(async () => {
    const head = await organizationHead(store, orgId);
    const { from, to } = seriesRange(options, head.timeZone);
    const periods = bucketsBetween(options.every, from, to, head.timeZone);
    const { counts, ...source } = await licensePeriods(store, head, periods, options);
    const series = periods.map((period, i) => ({ at: iso(period.end), ...counts[i]!.end }));
    return { orgId, every: options.every, timeZone: head.timeZone, series, ...source };
  });

/**
 * What billing and audit need per period (day, ISO week or month in the
 * organization's zone) between `from` and `to`: the count at the end of the
 * period and the most licenses in use at any instant within it, with the
 * first instant of that peak. The first period starts at `from` and the last
 * ends at `to`.
 */
export const licenseUsage = (store: EventStore, orgId: string, options: SeriesOptions): Promise<E.Either<QueryError, LicenseUsageReport>> =>
  guard(async () => {
    const head = await organizationHead(store, orgId);
    const { from, to } = seriesRange(options, head.timeZone);
    const buckets = bucketsBetween(options.every, from, to, head.timeZone);
    const periods = buckets.map((bucket, i) => ({
      start: i === 0 ? Math.max(bucket.start, from.toMillis()) : bucket.start,
      end: i === buckets.length - 1 ? Math.min(bucket.end, to.toMillis()) : bucket.end,
    }));
    const { counts, ...source } = await licensePeriods(store, head, periods, options);
    return {
      orgId,
      ...(head.name !== undefined ? { name: head.name } : {}),
      every: options.every,
      timeZone: head.timeZone,
      ...(head.onboardedAt !== undefined ? { onboardedAt: head.onboardedAt } : {}),
      from: toInstant(from),
      to: toInstant(to),
      periods: periods.map((period, i) => ({ from: iso(period.start), at: iso(period.end), ...counts[i]!.end, peak: { inUse: counts[i]!.peak.inUse, at: iso(counts[i]!.peak.at) } })),
      ...source,
    };
  });

const report = async <S, R>(
  store: EventStore,
  projection: Projection<S>,
  orgId: string,
  options: QueryOptions,
  view: (state: S, at: string) => R,
): Promise<E.Either<QueryError, R>> => {
  const folded = await foldOrganization(store, projection, orgId, options);
  return E.isLeft(folded) ? folded : E.right(view(folded.right.state, folded.right.at));
};

/** Who is in the organization's inactive team, since when, put there by whom, through which channel and import line — now or as of `options.at`. */
export const inactiveRoster = (store: EventStore, orgId: string, options: QueryOptions = {}): Promise<E.Either<QueryError, InactiveRosterReport>> =>
  guard(async () => {
    const head = await organizationHead(store, orgId);
    const asked = askedInstant(head, options);
    return answer(
      store,
      head,
      inactiveRosterHistoryProjection,
      options,
      async () => ({ orgId, at: asked.at, learners: await inactiveLearnersFromModel(options.readModel!, orgId, Math.min(asked.limit, END_OF_TIME)) }),
      async () => ({ orgId, at: asked.at, learners: inactiveLearnersOf((await foldAsOf(store, inactiveRosterProjection, orgId, asked.limit, options.onUnknownEvent)).state, orgId) }),
    );
  });

/** Every team of the organization with its active members — now or as of `options.at`. */
export const teamRosters = (store: EventStore, orgId: string, options: QueryOptions = {}): Promise<E.Either<QueryError, TeamRostersReport>> =>
  guard(async () => {
    const head = await organizationHead(store, orgId);
    const asked = askedInstant(head, options);
    return answer(
      store,
      head,
      teamRostersHistoryProjection,
      options,
      async () => ({ orgId, at: asked.at, teams: await teamRostersFromModel(options.readModel!, orgId, Math.min(asked.limit, END_OF_TIME)) }),
      async () => ({ orgId, at: asked.at, teams: teamRostersOf((await foldAsOf(store, teamRostersProjection, orgId, asked.limit, options.onUnknownEvent)).state, orgId) }),
    );
  });

/** Every learner of the organization: status, teams, license, last change — now or as of `options.at`. */
export const learnerDirectory = (store: EventStore, orgId: string, options: QueryOptions = {}): Promise<E.Either<QueryError, LearnerDirectoryReport>> =>
  report(store, learnerDirectoryProjection, orgId, options, (state, at) => ({ orgId, at, learners: directoryOf(state, orgId) }));

/** The organization's current anomalies (or as of `options.at`). */
export const anomalies = (store: EventStore, orgId: string, options: QueryOptions = {}): Promise<E.Either<QueryError, AnomaliesReport>> =>
  report(store, anomaliesProjection, orgId, options, (state, at) => ({ orgId, at, anomalies: anomaliesOf(state, orgId) }));

/**
 * Every event concerning one learner, in order, with actor, channel, time,
 * import, file and line: "why did this learner lose their license, who did
 * it, from which file and line".
 */
export const auditTrailForLearner = (store: EventStore, orgId: string, learnerId: string, options: QueryOptions = {}): Promise<E.Either<QueryError, LearnerAuditReport>> =>
  report(store, auditTrailProjection, orgId, options, (state) => ({ orgId, learnerId, entries: auditEntriesForLearner(state, orgId, learnerId) }));

/** Every event of one import: received, line outcomes, the changes its lines caused, applied or rejected. */
export const auditTrailForImport = (store: EventStore, orgId: string, importId: string, options: QueryOptions = {}): Promise<E.Either<QueryError, ImportAuditReport>> =>
  report(store, auditTrailProjection, orgId, options, (state) => ({ orgId, importId, entries: auditEntriesForImport(state, orgId, importId) }));
