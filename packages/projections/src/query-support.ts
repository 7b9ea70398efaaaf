import * as E from 'fp-ts/lib/Either.js';
import { DateTime, IANAZone } from 'luxon';
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
  type GlobalPosition,
} from '@learner-ledger/core';

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

export type SeriesInterval = 'day' | 'week' | 'month';

/** The most series points one call may ask for. */
export const MAX_SERIES_POINTS = 10_000;
const PAGE = 5000;

export class QueryFailure extends Error {
  constructor(readonly error: QueryError) {
    super(error.message);
  }
}
export const failure = (code: QueryError['code'], message: string) => new QueryFailure({ code, message });

export const guard = async <T>(work: () => Promise<T>): Promise<E.Either<QueryError, T>> => {
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

/** What the first event of an organization's stream says: the zone its dates are read in, its name, and how long the stream is. */
export interface OrganizationHead {
  readonly orgId: string;
  readonly timeZone: string;
  readonly name: string | undefined;
  /** When the organization was onboarded (its first event's `occurredAt`), if that is its first event. */
  readonly onboardedAt: string | undefined;
  readonly streamVersion: number;
}

/** Reads the first event of an organization's stream (no need to fold the organization); ORGANIZATION_NOT_FOUND when there is none. */
export const organizationHead = async (store: EventStore, orgId: string): Promise<OrganizationHead> => {
  const invalid = checkOrganizationId(orgId);
  if (invalid) throw failure('INVALID_ORGANIZATION_ID', invalid.message);
  const first = await store.readStream(organizationStreamId(orgId), { maxCount: 1 });
  const stored = first.events[0];
  if (!stored) throw failure('ORGANIZATION_NOT_FOUND', `Organization ${orgId} does not exist`);
  const decoded = decodeEvent(stored);
  const onboarded = E.isRight(decoded) && decoded.right.event.type === 'OrganizationOnboarded' ? decoded.right.event.data : undefined;
  const timeZone = onboarded && isValidTimeZone(onboarded.timeZone) ? onboarded.timeZone : 'UTC';
  return { orgId, timeZone, name: onboarded?.name, onboardedAt: onboarded && E.isRight(decoded) ? decoded.right.metadata.occurredAt : undefined, streamVersion: first.currentVersion };
};

/** The global position of the last event of an organization's stream. */
export const lastPositionOf = async (store: EventStore, head: OrganizationHead): Promise<GlobalPosition> => {
  const last = await store.readStream(organizationStreamId(head.orgId), { fromVersion: head.streamVersion, maxCount: 1 });
  return last.events[0]?.globalPosition ?? 0n;
};

/**
 * The IANA time zone an organization was onboarded with (UTC when its first
 * event does not say), read from the first event of its stream: what dates
 * and times of that organization are read and shown in.
 */
export const organizationTimeZone = (store: EventStore, orgId: string): Promise<E.Either<QueryError, string>> =>
  guard(async () => (await organizationHead(store, orgId)).timeZone);

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

export const instantOrFail = (input: InstantInput, timeZone: string, dateMeans: 'start' | 'end' = 'end'): DateTime => {
  const resolved = resolveInstant(input, timeZone, dateMeans);
  if (!resolved) {
    throw failure('INVALID_INSTANT', `${JSON.stringify(input instanceof Date ? String(input) : input)} is neither an ISO date (2026-03-31) nor an ISO instant (2026-03-31T23:59:59Z)`);
  }
  return resolved;
};

export const UNITS: Record<SeriesInterval, 'days' | 'weeks' | 'months'> = { day: 'days', week: 'weeks', month: 'months' };

/** One period of a series: its first and last millisecond (epoch ms). */
export interface Period {
  readonly start: number;
  readonly end: number;
}

const DAY_MS = 86_400_000;
const STEP_MS: Partial<Record<SeriesInterval, number>> = { day: DAY_MS, week: 7 * DAY_MS };
const atMidnight = (dateTime: DateTime) => dateTime.hour === 0 && dateTime.minute === 0 && dateTime.second === 0 && dateTime.millisecond === 0;

/** The buckets (calendar days, ISO weeks or months in a time zone) from the one containing `from` to the one containing `to`. */
export const bucketsBetween = (every: SeriesInterval, from: DateTime, to: DateTime, timeZone: string): Period[] => {
  const periods: Period[] = [];
  const zone = IANAZone.create(timeZone);
  let start = from.setZone(timeZone).startOf(every);
  let startMs = start.toMillis();
  // Whether `start` is a local midnight: then, with no offset change, the next bucket starts a fixed number of hours later.
  let midnight = atMidnight(start);
  let offset = zone.offset(startMs);
  const last = to.toMillis();
  const step = STEP_MS[every];
  while (startMs <= last) {
    if (periods.length >= MAX_SERIES_POINTS) throw failure('INVALID_SERIES', `A series may have at most ${MAX_SERIES_POINTS} points; use a larger interval or a shorter range`);
    let nextMs: number;
    const nextOffset = step !== undefined && midnight ? zone.offset(startMs + step) : Number.NaN;
    if (nextOffset === offset) nextMs = startMs + step!;
    else {
      // Months, and buckets around a change of the zone's offset: as luxon counts them.
      start = DateTime.fromMillis(startMs, { zone: timeZone }).plus({ [UNITS[every]]: 1 }).startOf(every);
      nextMs = start.toMillis();
      midnight = atMidnight(start);
    }
    periods.push({ start: startMs, end: nextMs - 1 });
    offset = nextMs === startMs + (step ?? Number.NaN) ? nextOffset : zone.offset(nextMs);
    startMs = nextMs;
  }
  return periods;
};

/** The instants at the end of each bucket between two instants, in a time zone. */
export const seriesInstants = (every: SeriesInterval, from: DateTime, to: DateTime, timeZone: string): DateTime[] =>
  bucketsBetween(every, from, to, timeZone).map((period) => DateTime.fromMillis(period.end, { zone: timeZone }));

/** Checks a series request and reads its range in the organization's zone. */
export const seriesRange = (options: { readonly every: SeriesInterval; readonly from: InstantInput; readonly to: InstantInput }, timeZone: string): { from: DateTime; to: DateTime } => {
  if (!(options.every in UNITS)) throw failure('INVALID_SERIES', `Series interval ${JSON.stringify(options.every)} is not one of day, week, month`);
  const from = instantOrFail(options.from, timeZone, 'start');
  const to = instantOrFail(options.to, timeZone, 'end');
  if (from > to) throw failure('INVALID_SERIES', `The series starts (${toInstant(from)}) after it ends (${toInstant(to)})`);
  return { from, to };
};
