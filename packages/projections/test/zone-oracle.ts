import { organizationStreamId, type EventStore } from '@learner-ledger/core';

/**
 * An oracle for dated questions, computed without the library's time helpers
 * or luxon: local dates come from `Intl.DateTimeFormat`, the first instant of
 * a local day is found by a plain search over milliseconds, calendar steps use
 * `Date.UTC` arithmetic, and license counts come from a naive fold over the raw
 * stored events that occurred at or before an instant.
 */
const formatters = new Map<string, Intl.DateTimeFormat>();
const formatter = (timeZone: string): Intl.DateTimeFormat => {
  let found = formatters.get(timeZone);
  if (!found) {
    found = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' });
    formatters.set(timeZone, found);
  }
  return found;
};

const partsAt = (ms: number, timeZone: string): Record<string, number> => {
  const parts: Record<string, number> = {};
  for (const part of formatter(timeZone).formatToParts(new Date(ms))) if (part.type !== 'literal') parts[part.type] = Number(part.value);
  return parts;
};

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** The local calendar date (`YYYY-MM-DD`) of an instant in a time zone. */
export const localDate = (ms: number, timeZone: string): string => {
  const p = partsAt(ms, timeZone);
  return `${pad(p.year!, 4)}-${pad(p.month!)}-${pad(p.day!)}`;
};

/** The zone's offset from UTC at an instant, in minutes. */
export const offsetMinutes = (ms: number, timeZone: string): number => {
  const p = partsAt(ms, timeZone);
  const wall = Date.UTC(p.year!, p.month! - 1, p.day!, p.hour!, p.minute!, p.second!);
  return Math.round((wall - (ms - (((ms % 1000) + 1000) % 1000))) / 60_000);
};

const utcMidnight = (date: string): number => Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10)));
const dateOfUtc = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

/** A calendar date `n` days later (or earlier). */
export const addDays = (date: string, n: number): string => dateOfUtc(utcMidnight(date) + n * 86_400_000);
/** ISO day of the week: 1 = Monday … 7 = Sunday. */
export const isoWeekday = (date: string): number => ((new Date(utcMidnight(date)).getUTCDay() + 6) % 7) + 1;
export const firstOfMonth = (date: string): string => `${date.slice(0, 7)}-01`;
export const lastOfMonth = (date: string): string => dateOfUtc(Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)), 0));
export const addMonths = (date: string, n: number): string => dateOfUtc(Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1 + n, 1));

const starts = new Map<string, number>();

/** The first millisecond whose local date is `date` (or later): a binary search over the 40 hours around UTC midnight. */
export const startOfLocalDay = (date: string, timeZone: string): number => {
  const key = `${timeZone} ${date}`;
  const known = starts.get(key);
  if (known !== undefined) return known;
  let lo = utcMidnight(date) - 20 * 3_600_000;
  let hi = utcMidnight(date) + 20 * 3_600_000;
  if (!(localDate(lo, timeZone) < date && localDate(hi, timeZone) >= date)) throw new Error(`zone oracle: ${date} in ${timeZone} is outside the search window`);
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (localDate(mid, timeZone) >= date) hi = mid;
    else lo = mid;
  }
  starts.set(key, hi);
  return hi;
};

/** The last millisecond of a local day: one before the next day starts. */
export const endOfLocalDay = (date: string, timeZone: string): number => startOfLocalDay(addDays(date, 1), timeZone) - 1;

/** The days of a year on which the zone's offset changes (its DST changes), found by comparing each day's first and last offset. */
const changeDays = new Map<string, string[]>();
export const offsetChangeDays = (year: number, timeZone: string): string[] => {
  const key = `${timeZone} ${year}`;
  const known = changeDays.get(key);
  if (known) return [...known];
  const days: string[] = [];
  for (let date = `${year}-01-01`; date.startsWith(String(year)); date = addDays(date, 1)) {
    if (offsetMinutes(startOfLocalDay(date, timeZone), timeZone) !== offsetMinutes(endOfLocalDay(date, timeZone), timeZone)) days.push(date);
  }
  changeDays.set(key, days);
  return [...days];
};

export type Every = 'day' | 'week' | 'month';

/** The last millisecond of every bucket from the one holding date `from` to the one holding date `to`, in the zone. */
export const bucketEnds = (every: Every, from: string, to: string, timeZone: string): number[] => {
  const ends: number[] = [];
  let first = every === 'day' ? from : every === 'week' ? addDays(from, 1 - isoWeekday(from)) : firstOfMonth(from);
  const last = endOfLocalDay(to, timeZone);
  while (startOfLocalDay(first, timeZone) <= last) {
    const lastDay = every === 'day' ? first : every === 'week' ? addDays(first, 6) : lastOfMonth(first);
    ends.push(endOfLocalDay(lastDay, timeZone));
    first = every === 'month' ? addMonths(first, 1) : addDays(lastDay, 1);
  }
  return ends;
};

interface RawEvent {
  readonly type: string;
  readonly data: Record<string, unknown>;
  readonly occurredAt: number;
}

/** The raw events of an organization's stream, as stored (no codec, no projection). */
export const rawOrganizationEvents = async (store: EventStore, orgId: string): Promise<RawEvent[]> => {
  const events: RawEvent[] = [];
  for (let fromVersion = 1; ; ) {
    const page = await store.readStream(organizationStreamId(orgId), { fromVersion, maxCount: 1000 });
    for (const stored of page.events) {
      events.push({ type: stored.type, data: stored.data as Record<string, unknown>, occurredAt: Date.parse((stored.metadata as { occurredAt: string }).occurredAt) });
    }
    if (page.events.length < 1000) return events;
    fromVersion = page.events[page.events.length - 1]!.streamVersion + 1;
  }
};

/** Seats, licenses in use and available after every event that occurred at or before `at`: the naive fold. */
export const countAt = (events: readonly RawEvent[], at: number): { seats: number; inUse: number; available: number } => {
  let seats = 0;
  const holders = new Set<string>();
  for (const event of events) {
    if (event.occurredAt > at) continue;
    if (event.type === 'OrganizationOnboarded' || event.type === 'LicensePoolResized') seats = event.data['seats'] as number;
    else if (event.type === 'LicenseAssigned') holders.add(event.data['learnerId'] as string);
    else if (event.type === 'LicenseReleased') holders.delete(event.data['learnerId'] as string);
  }
  return { seats, inUse: holders.size, available: seats - holders.size };
};
