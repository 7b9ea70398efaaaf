import { InvalidArgumentError } from 'commander';
import { DateTime } from 'luxon';
import { isIsoDate } from '@learner-ledger/core';

/** Commander parser for a whole number (sign allowed: the library says why a negative is refused). */
export const wholeNumber = (value: string): number => {
  if (!/^-?\d+$/.test(value.trim())) throw new InvalidArgumentError(`expected a whole number, got ${JSON.stringify(value)}`);
  const n = Number(value.trim());
  if (!Number.isSafeInteger(n)) throw new InvalidArgumentError(`${value} is too large`);
  return n;
};

/** Commander reducer for a repeatable option. */
export const collect = (value: string, previous: readonly string[] = []): string[] => [...previous, value];

/** Commander parser for an ISO date `YYYY-MM-DD` (a real calendar day). */
export const isoDate = (value: string): string => {
  const text = value.trim();
  if (!isIsoDate(text)) {
    throw new InvalidArgumentError(`expected a date YYYY-MM-DD, got ${JSON.stringify(value)}`);
  }
  return text;
};

/**
 * Commander parser for an ISO date (`2026-03-31`), an ISO instant
 * (`2026-03-31T18:00:00Z`, `…-05:00`) or a local date-time read in the
 * organization's zone (`2026-03-31T18:00`).
 */
export const isoDateOrInstant = (value: string): string => {
  const text = value.trim();
  if (/^\d{4}-\d{2}-\d{2}$/.test(text)) return isoDate(text);
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(text) || !DateTime.fromISO(text, { setZone: true }).isValid) {
    throw new InvalidArgumentError(`expected an ISO date (2026-03-31) or an ISO instant (2026-03-31T18:00:00Z), got ${JSON.stringify(value)}`);
  }
  return text;
};

/** Commander parser for an ISO instant with a zone, returned as canonical UTC. */
export const isoInstant = (value: string): string => {
  const text = value.trim();
  const parsed = DateTime.fromISO(text, { setZone: true });
  if (!/^\d{4}-\d{2}-\d{2}T.*(Z|[+-]\d{2}:?\d{2})$/i.test(text) || !parsed.isValid) {
    throw new InvalidArgumentError(`expected an ISO instant with a zone, e.g. 2026-03-31T18:00:00Z, got ${JSON.stringify(value)}`);
  }
  return parsed.toUTC().toISO()!;
};
