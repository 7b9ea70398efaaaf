import { DateTime } from 'luxon';
import type { ImportSchedule } from './events.js';
import { isIsoDate } from './validation.js';

/**
 * Time arrives as a value (an ISO instant); these helpers interpret it in an
 * organization's IANA time zone with luxon. Nothing here reads a clock.
 */

/** Formats a luxon DateTime as the canonical UTC instant stored in events. */
export const toInstant = (dateTime: DateTime): string => dateTime.toUTC().toISO({ suppressMilliseconds: false })!;

/**
 * Reads an instant or a date: `2026-06-30T17:00:00Z`, `2026-06-30T12:00:00-05:00`,
 * or `2026-06-30` (the start of that day in `timeZone`). Returns undefined when
 * the text is neither.
 */
export const parseInstantOrDate = (text: string, timeZone: string): DateTime | undefined => {
  const trimmed = text.trim();
  if (isIsoDate(trimmed)) {
    const day = DateTime.fromISO(trimmed, { zone: timeZone });
    return day.isValid ? day.startOf('day') : undefined;
  }
  if (!/^\d{4}-\d{2}-\d{2}T/.test(trimmed)) return undefined;
  const instant = DateTime.fromISO(trimmed, { zone: timeZone, setZone: false });
  return instant.isValid ? instant.toUTC() : undefined;
};

/** The end of a calendar day in a time zone, as the last millisecond of it ("31 March 2026, end of day"). */
export const endOfDay = (date: string, timeZone: string): DateTime | undefined => {
  const day = DateTime.fromISO(date, { zone: timeZone });
  return day.isValid ? day.endOf('day') : undefined;
};

/**
 * When a received import becomes due: `now` itself, the next top of the hour in
 * the organization's time zone, or the next daily run at `dailyImportTime`
 * (organization-local `HH:mm`), strictly after `now`.
 */
export const importDueAt = (schedule: ImportSchedule, now: string, timeZone: string, dailyImportTime: string): string => {
  const local = DateTime.fromISO(now, { zone: 'utc' }).setZone(timeZone);
  if (schedule === 'now') return toInstant(local);
  if (schedule === 'top-of-hour') return toInstant(local.startOf('hour').plus({ hours: 1 }));
  const [hour, minute] = dailyImportTime.split(':').map(Number) as [number, number];
  let run = local.set({ hour, minute, second: 0, millisecond: 0 });
  if (run <= local) run = run.plus({ days: 1 }).set({ hour, minute });
  return toInstant(run);
};

const CANONICAL_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/**
 * The canonical UTC form (`2026-03-02T09:00:00.000Z`) of an ISO-8601 instant that states its offset
 * (`Z` or `±hh:mm`), or undefined when the text is not one: a time without an offset is ambiguous.
 */
export const normalizeInstant = (text: string): string | undefined => {
  // Already canonical (what clocks and earlier normalizations give): no parsing needed.
  if (typeof text === 'string' && CANONICAL_INSTANT.test(text)) {
    const time = Date.parse(text);
    if (!Number.isNaN(time) && new Date(time).toISOString() === text) return text;
  }
  if (typeof text !== 'string' || !/^\d{4}-\d{2}-\d{2}T[^\s]*(Z|[+-]\d{2}:?\d{2})$/.test(text.trim())) return undefined;
  const instant = DateTime.fromISO(text.trim(), { setZone: true });
  return instant.isValid ? toInstant(instant) : undefined;
};

export const compareInstants = (a: string, b: string): number => Date.parse(a) - Date.parse(b);

/** The instant `days` whole days (of 24 hours) after `instant`, as the canonical UTC ISO string. */
export const addDays = (instant: string, days: number): string => new Date(Date.parse(instant) + days * 86_400_000).toISOString();
