import { compareInstants, endOfDay, importDueAt, isValidTimeZone, normalizeInstant, parseInstantOrDate, toInstant } from '../src/index.js';

const parsed = (text: string, zone: string) => {
  const value = parseInstantOrDate(text, zone);
  return value ? toInstant(value) : undefined;
};

describe('time helpers (luxon, organization time zone)', () => {
  it('reads dates as the start of the day in the zone, and instants as given', () => {
    expect(parsed('2026-06-30', 'America/Chicago')).toBe('2026-06-30T05:00:00.000Z');
    expect(parsed(' 2026-06-30 ', 'Asia/Kolkata')).toBe('2026-06-29T18:30:00.000Z');
    expect(parsed('2026-06-30T12:00:00+02:00', 'America/Chicago')).toBe('2026-06-30T10:00:00.000Z');
    expect(parsed('2026-06-30T12:00', 'Asia/Tokyo')).toBe('2026-06-30T03:00:00.000Z');
    for (const bad of ['', '30/06/2026', '2026-13-01', '2026-02-29', 'tomorrow', '2026-06-30 12:00']) expect(parsed(bad, 'UTC')).toBeUndefined();
  });

  it('normalizes instants with an offset to canonical UTC, and refuses the rest', () => {
    expect(normalizeInstant('2026-03-02T09:00:00Z')).toBe('2026-03-02T09:00:00.000Z');
    expect(normalizeInstant('2026-03-02T09:00:00.123456Z')).toBe('2026-03-02T09:00:00.123Z');
    expect(normalizeInstant('2026-03-02T04:00:00-05:00')).toBe('2026-03-02T09:00:00.000Z');
    expect(normalizeInstant('2026-03-02T14:30+0530')).toBe('2026-03-02T09:00:00.000Z');
    for (const bad of ['2026-03-02T09:00:00', '2026-03-02', '', 'now', '2026-13-02T09:00:00Z', '2026-03-02 09:00:00Z']) expect(normalizeInstant(bad)).toBeUndefined();
  });

  it('knows IANA zones', () => {
    expect(isValidTimeZone('America/Chicago')).toBe(true);
    expect(isValidTimeZone('UTC')).toBe(true);
    expect(isValidTimeZone('Chicago')).toBe(false);
    expect(isValidTimeZone('')).toBe(false);
  });

  it('ends a day at its last millisecond, in the zone, across daylight saving', () => {
    expect(toInstant(endOfDay('2026-03-31', 'America/Chicago')!)).toBe('2026-04-01T04:59:59.999Z');
    // 8 March 2026 in Chicago is 23 hours long: from 06:00Z to 04:59:59.999Z the next day.
    expect(toInstant(endOfDay('2026-03-08', 'America/Chicago')!)).toBe('2026-03-09T04:59:59.999Z');
    expect(endOfDay('not a date', 'UTC')).toBeUndefined();
  });

  it('computes when a queued import is due', () => {
    expect(importDueAt('now', '2026-03-02T09:15:00.000Z', 'America/Chicago', '02:00')).toBe('2026-03-02T09:15:00.000Z');
    expect(importDueAt('top-of-hour', '2026-03-02T09:15:00.000Z', 'America/Chicago', '02:00')).toBe('2026-03-02T10:00:00.000Z');
    // Top of the hour is local: in India it falls on :30 UTC.
    expect(importDueAt('top-of-hour', '2026-03-02T09:15:00.000Z', 'Asia/Kolkata', '02:00')).toBe('2026-03-02T09:30:00.000Z');
    expect(importDueAt('top-of-hour', '2026-03-02T10:00:00.000Z', 'UTC', '02:00')).toBe('2026-03-02T11:00:00.000Z');
    // Daily at 02:00 Chicago (CST, UTC-6): later today, or tomorrow when already past.
    expect(importDueAt('daily', '2026-03-02T07:00:00.000Z', 'America/Chicago', '02:00')).toBe('2026-03-02T08:00:00.000Z');
    expect(importDueAt('daily', '2026-03-02T08:00:00.000Z', 'America/Chicago', '02:00')).toBe('2026-03-03T08:00:00.000Z');
    // The day after the switch to CDT the same local time is an hour earlier in UTC.
    expect(importDueAt('daily', '2026-03-08T09:00:00.000Z', 'America/Chicago', '02:00')).toBe('2026-03-09T07:00:00.000Z');
    // 02:30 does not exist on 8 March in Chicago: the run moves to 03:30 CDT, never to the past.
    const gap = importDueAt('daily', '2026-03-08T06:00:00.000Z', 'America/Chicago', '02:30');
    expect(gap).toBe('2026-03-08T08:30:00.000Z');
    expect(compareInstants(gap, '2026-03-08T06:00:00.000Z')).toBeGreaterThan(0);
  });
});
