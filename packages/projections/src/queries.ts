import * as E from 'fp-ts/lib/Either.js';
import { DateTime } from 'luxon';
import {
  checkOrganizationId,
  decodeEvent,
  endOfDay,
  isKnownEventType,
  isValidTimeZone,
  organizationStreamId,
  parseInstantOrDate,
  toInstant,
  type EventEnvelope,
  type EventStore,
} from '@learner-ledger/core';
import type { Projection } from './projection.js';
import { anomaliesOf, anomaliesProjection, type Anomaly } from './projections/anomalies.js';
import { auditEntriesForImport, auditEntriesForLearner, auditTrailProjection, type AuditEntry } from './projections/audit-trail.js';
import { inactiveLearnersOf, inactiveRosterProjection, type InactiveLearner } from './projections/inactive-roster.js';
import { directoryOf, learnerDirectoryProjection, type DirectoryEntry } from './projections/learner-directory.js';
import { licenseCountOf, licenseCountsProjection, type LicenseCount } from './projections/license-counts.js';
import { teamRostersOf, teamRostersProjection, type TeamRoster } from './projections/team-rosters.js';

/** Why a query could not be answered. */
export interface QueryError {
  readonly code:
    | 'INVALID_ORGANIZATION_ID'
    | 'ORGANIZATION_NOT_FOUND'
    | 'INVALID_INSTANT'
    | 'INVALID_SERIES'
    | 'EVENT_DECODE_FAILED'
    | 'UNKNOWN_EVENT_TYPE'
    | 'UNSUPPORTED_SCHEMA_VERSION'
    | 'STORE_FAILURE';
  readonly message: string;
}

/** An instant: an ISO-8601 instant (`2026-03-31T23:59:59Z`, `2026-03-31T18:00:00-05:00`), a local date-time in the organization's zone (`2026-03-31T18:00`), a date (`2026-03-31`: the END of that day in the organization's zone), or a Date. */
export type InstantInput = string | Date;

export interface QueryOptions {
  /** Answer as of this instant: replay only the events that occurred at or before it. Default: the current state. */
  readonly at?: InstantInput;
  /** What to do with an event this library cannot decode: `stop` (default, the query fails naming it) or `skip`. */
  readonly onUnknownEvent?: 'stop' | 'skip';
  /** The current instant, reported as `at` when none is given. Default: the system clock. */
  readonly clock?: () => string;
}

/** `{orgId, at, seats, inUse, available}`: the license count of an organization at an instant. */
export interface LicenseCountReport extends LicenseCount {
  readonly orgId: string;
  /** The instant the answer holds for (UTC ISO). */
  readonly at: string;
}

export type SeriesInterval = 'day' | 'week' | 'month';

export interface SeriesOptions {
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
export interface LicenseSeriesReport {
  readonly orgId: string;
  readonly every: SeriesInterval;
  readonly timeZone: string;
  readonly series: readonly LicenseSeriesPoint[];
}

/** `{orgId, at, learners: [{learnerId, since, actor, channel, importId?, fileName?, line?, reason?}]}`. */
export interface InactiveRosterReport {
  readonly orgId: string;
  readonly at: string;
  readonly learners: readonly InactiveLearner[];
}

export interface TeamRostersReport {
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

/** The most series points one call may ask for. */
export const MAX_SERIES_POINTS = 10_000;
const PAGE = 5000;

class QueryFailure extends Error {
  constructor(readonly error: QueryError) {
    super(error.message);
  }
}
const failure = (code: QueryError['code'], message: string) => new QueryFailure({ code, message });

const guard = async <T>(work: () => Promise<T>): Promise<E.Either<QueryError, T>> => {
  try {
    return E.right(await work());
  } catch (error) {
    if (error instanceof QueryFailure) return E.left(error.error);
    const message = error instanceof Error ? error.message : String(error);
    return E.left({ code: 'STORE_FAILURE', message: `The event store failed: ${message}` });
  }
};

/**
 * The decoded events of one organization's stream, in stream order. Reads
 * only that stream (one organization = one stream); decodes only the types in
 * `reads`, but refuses (or, with `skip`, passes over) any event of a type or
 * schema version this library does not know.
 */
export async function* organizationEvents(
  store: EventStore,
  orgId: string,
  reads?: ReadonlySet<string>,
  onUnknownEvent: 'stop' | 'skip' = 'stop',
): AsyncGenerator<EventEnvelope, void, undefined> {
  const streamId = organizationStreamId(orgId);
  let fromVersion = 1;
  for (;;) {
    const page = await store.readStream(streamId, { fromVersion, maxCount: PAGE });
    for (const stored of page.events) {
      if (reads && isKnownEventType(stored.type) && !reads.has(stored.type)) continue;
      const decoded = decodeEvent(stored);
      if (E.isLeft(decoded)) {
        if (onUnknownEvent === 'skip') continue;
        throw failure(decoded.left.code, decoded.left.message);
      }
      yield decoded.right;
    }
    if (page.events.length < PAGE) return;
    fromVersion = page.events[page.events.length - 1]!.streamVersion + 1;
  }
}

/** The organization's IANA time zone, from the first event of its stream (no need to fold the organization). */
const timeZoneOfStream = async (store: EventStore, orgId: string): Promise<string> => {
  const invalid = checkOrganizationId(orgId);
  if (invalid) throw failure('INVALID_ORGANIZATION_ID', invalid.message);
  const first = await store.readStream(organizationStreamId(orgId), { maxCount: 1 });
  const stored = first.events[0];
  if (!stored) throw failure('ORGANIZATION_NOT_FOUND', `Organization ${orgId} does not exist`);
  const decoded = decodeEvent(stored);
  if (E.isRight(decoded) && decoded.right.event.type === 'OrganizationOnboarded' && isValidTimeZone(decoded.right.event.data.timeZone)) {
    return decoded.right.event.data.timeZone;
  }
  return 'UTC';
};

/**
 * The IANA time zone an organization was onboarded with (UTC when its first
 * event does not say), read from the first event of its stream: what dates
 * and times of that organization are read and shown in.
 */
export const organizationTimeZone = (store: EventStore, orgId: string): Promise<E.Either<QueryError, string>> => guard(() => timeZoneOfStream(store, orgId));

/**
 * Reads an instant the way reports state it: a date means the END of that day
 * in `timeZone` ("31 March 2026, end of day, America/Chicago"); an ISO instant
 * with `Z` or an offset is taken as is; a local date-time is read in `timeZone`.
 */
export const resolveInstant = (input: InstantInput, timeZone: string, dateMeans: 'start' | 'end' = 'end'): DateTime | undefined => {
  if (input instanceof Date) {
    const dateTime = DateTime.fromJSDate(input, { zone: 'utc' });
    return dateTime.isValid ? dateTime : undefined;
  }
  const text = input.trim();
  if (/^\d{4}-\d{2}-\d{2}$/.test(text)) {
    if (dateMeans === 'end') return endOfDay(text, timeZone)?.toUTC();
    const day = DateTime.fromISO(text, { zone: timeZone });
    return day.isValid ? day.startOf('day').toUTC() : undefined;
  }
  return parseInstantOrDate(text, timeZone);
};

const instantOrFail = (input: InstantInput, timeZone: string, dateMeans: 'start' | 'end' = 'end'): DateTime => {
  const resolved = resolveInstant(input, timeZone, dateMeans);
  if (!resolved) {
    throw failure('INVALID_INSTANT', `${JSON.stringify(input instanceof Date ? String(input) : input)} is neither an ISO date (2026-03-31) nor an ISO instant (2026-03-31T23:59:59Z)`);
  }
  return resolved;
};

/**
 * Folds one organization's stream into a fresh projection state: every event,
 * or with `at`, every event that occurred at or before it (by `occurredAt`,
 * in stream order).
 */
export const foldOrganization = async <S>(
  store: EventStore,
  projection: Projection<S>,
  orgId: string,
  options: QueryOptions = {},
): Promise<E.Either<QueryError, { readonly state: S; readonly at: string; readonly timeZone: string }>> =>
  guard(async () => {
    const timeZone = await timeZoneOfStream(store, orgId);
    const at = options.at === undefined ? undefined : instantOrFail(options.at, timeZone);
    const limit = at === undefined ? Number.POSITIVE_INFINITY : at.toMillis();
    let state = projection.initialState();
    for await (const envelope of organizationEvents(store, orgId, new Set(projection.reads), options.onUnknownEvent)) {
      if (limit !== Number.POSITIVE_INFINITY && Date.parse(envelope.metadata.occurredAt) > limit) continue;
      state = projection.apply(state, envelope);
    }
    return { state, at: at ? toInstant(at) : (options.clock ?? (() => new Date().toISOString()))(), timeZone };
  });

/**
 * The license count of one organization — now, or as of any instant:
 * `licenseCountAt(store, 'acme', '2026-03-31')` is the end of 31 March 2026 in
 * the organization's time zone. Before the organization existed, every count
 * is 0. Reads only the organization's stream.
 */
export const licenseCountAt = async (store: EventStore, orgId: string, at?: InstantInput, options: Omit<QueryOptions, 'at'> = {}): Promise<E.Either<QueryError, LicenseCountReport>> => {
  const folded = await foldOrganization(store, licenseCountsProjection, orgId, { ...options, ...(at !== undefined ? { at } : {}) });
  return E.map(({ state, at: instant }: { state: Parameters<typeof licenseCountOf>[0]; at: string }) => ({ orgId, at: instant, ...licenseCountOf(state, orgId) }))(folded);
};

const UNITS: Record<SeriesInterval, 'days' | 'weeks' | 'months'> = { day: 'days', week: 'weeks', month: 'months' };

/** The instants at the end of each bucket between two instants, in a time zone. */
export const seriesInstants = (every: SeriesInterval, from: DateTime, to: DateTime, timeZone: string): DateTime[] => {
  const points: DateTime[] = [];
  let start = from.setZone(timeZone).startOf(every);
  const last = to.toMillis();
  while (start.toMillis() <= last) {
    if (points.length >= MAX_SERIES_POINTS) throw failure('INVALID_SERIES', `A series may have at most ${MAX_SERIES_POINTS} points; use a larger interval or a shorter range`);
    points.push(start.endOf(every));
    start = start.plus({ [UNITS[every]]: 1 }).startOf(every);
  }
  return points;
};

/**
 * The license count of one organization as a time series: one point per day,
 * ISO week or month between `from` and `to`, each the state at the end of its
 * bucket in the organization's time zone. Reads the organization's stream
 * once; every point equals {@link licenseCountAt} at that instant.
 */
export const licenseSeries = async (store: EventStore, orgId: string, options: SeriesOptions): Promise<E.Either<QueryError, LicenseSeriesReport>> =>
  guard(async () => {
    if (!(options.every in UNITS)) throw failure('INVALID_SERIES', `Series interval ${JSON.stringify(options.every)} is not one of day, week, month`);
    const timeZone = await timeZoneOfStream(store, orgId);
    const from = instantOrFail(options.from, timeZone, 'start');
    const to = instantOrFail(options.to, timeZone, 'end');
    if (from > to) throw failure('INVALID_SERIES', `The series starts (${toInstant(from)}) after it ends (${toInstant(to)})`);
    const points = seriesInstants(options.every, from, to, timeZone);
    const envelopes: EventEnvelope[] = [];
    const times: number[] = [];
    let ordered = true;
    for await (const envelope of organizationEvents(store, orgId, new Set(licenseCountsProjection.reads), options.onUnknownEvent)) {
      const time = Date.parse(envelope.metadata.occurredAt);
      if (times.length > 0 && time < times[times.length - 1]!) ordered = false;
      envelopes.push(envelope);
      times.push(time);
    }
    const series: LicenseSeriesPoint[] = [];
    if (ordered) {
      // One sweep: the stream is in time order, so each point extends the previous one.
      let state = licenseCountsProjection.initialState();
      let next = 0;
      for (const point of points) {
        const limit = point.toMillis();
        while (next < envelopes.length && times[next]! <= limit) state = licenseCountsProjection.apply(state, envelopes[next++]!);
        series.push({ at: toInstant(point), ...licenseCountOf(state, orgId) });
      }
    } else {
      // Events recorded out of time order: replay the events up to each point on its own.
      for (const point of points) {
        const limit = point.toMillis();
        let state = licenseCountsProjection.initialState();
        envelopes.forEach((envelope, i) => {
          if (times[i]! <= limit) state = licenseCountsProjection.apply(state, envelope);
        });
        series.push({ at: toInstant(point), ...licenseCountOf(state, orgId) });
      }
    }
    return { orgId, every: options.every, timeZone, series };
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
  report(store, inactiveRosterProjection, orgId, options, (state, at) => ({ orgId, at, learners: inactiveLearnersOf(state, orgId) }));

/** Every team of the organization with its active members — now or as of `options.at`. */
export const teamRosters = (store: EventStore, orgId: string, options: QueryOptions = {}): Promise<E.Either<QueryError, TeamRostersReport>> =>
  report(store, teamRostersProjection, orgId, options, (state, at) => ({ orgId, at, teams: teamRostersOf(state, orgId) }));

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
