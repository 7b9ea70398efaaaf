import { OPEN_SCIM_GUARD, type ScimDeactivationGuard } from './state.js';

/*
 * The SCIM mass-deactivation guard's memory, as the fold keeps it: the
 * SCIM deactivations of the last hour counted per minute (61 numbers at
 * most), the hold, and an administrator's allowance. The rule that reads
 * it is in scim-guard.ts.
 */

export const MINUTE_MS = 60_000;
/** A deactivation counts while it is at most this many whole minutes old: 60 to 61 minutes, never less than an hour. */
const WINDOW_MINUTES = 60;
const minuteOf = (instant: string): number => Math.floor(Date.parse(instant) / MINUTE_MS);

/** The SCIM deactivations the guard counts at `now`: those of the last hour, by whole minutes. */
export const scimDeactivationsWithinHour = (guard: ScimDeactivationGuard, now: string): number => {
  const from = minuteOf(now) - WINDOW_MINUTES;
  let count = 0;
  for (const [minute, n] of guard.minutes) if (minute >= from) count += n;
  return count;
};

/** How many of `n` SCIM deactivations at `now` an administrator's allowance lets past the guard. */
export const allowedOf = (guard: ScimDeactivationGuard, now: string, n: number): number =>
  guard.allowedUntil !== null && Date.parse(now) < Date.parse(guard.allowedUntil) ? n : Math.min(n, guard.allowedCount);

/** The guard after one SCIM deactivation at `at`: taken from the allowance, or counted in its minute (minutes older than the window dropped). */
export const countScimDeactivation = (guard: ScimDeactivationGuard, at: string): ScimDeactivationGuard => {
  if (guard.allowedUntil !== null && Date.parse(at) < Date.parse(guard.allowedUntil)) return guard;
  if (guard.allowedCount > 0) return { ...guard, allowedCount: guard.allowedCount - 1 };
  const minute = minuteOf(at);
  const newest = Math.max(minute, guard.minutes.length > 0 ? guard.minutes[guard.minutes.length - 1]![0] : minute);
  const kept = guard.minutes.filter(([m]) => m >= newest - WINDOW_MINUTES && m !== minute);
  // Older than the window of the newest one: it can never be counted again.
  if (minute < newest - WINDOW_MINUTES) return { ...guard, minutes: kept };
  const same = guard.minutes.find(([m]) => m === minute)?.[1] ?? 0;
  const minutes = [...kept, [minute, same + 1] as [number, number]].sort((a, b) => a[0] - b[0]);
  return { ...guard, minutes };
};

/** The guard after a hold: deactivations are held, the window kept. */
export const holdScimDeactivations = (guard: ScimDeactivationGuard): ScimDeactivationGuard => ({ ...guard, held: true });

/** The guard after an administrator's release: no hold, the hour's count started again, the new allowance. */
export const releaseScimDeactivations = (allowance: { readonly until?: string; readonly count?: number }): ScimDeactivationGuard => ({
  ...OPEN_SCIM_GUARD,
  allowedUntil: allowance.until ?? null,
  allowedCount: allowance.count ?? 0,
});

