import { IANAZone } from 'luxon';
import { domainError, type CommandField, type DomainError } from './errors.js';

/*
 * The rules an input value must meet, once: the decider refuses a command
 * with the `check…` functions below, and adapters (the CSV import) test a
 * cell with the same predicates and limits, so a refusal can name its column
 * without restating the rule.
 */

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;
/** Organization ids become part of a stream name: letters, digits, `_`, `-` and `.` only. */
const ORG_ID = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const TIME_OF_DAY = /^([01]\d|2[0-3]):[0-5]\d$/;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Longest learner, team, schedule, import or activity id. */
export const MAX_ID_LENGTH = 128;
/** Longest name, reason or other free text. */
export const MAX_TEXT_LENGTH = 512;
/** Longest e-mail address (the SMTP path limit). */
export const MAX_EMAIL_LENGTH = 254;
/** Largest license pool. */
export const MAX_SEATS = 10_000_000;

/** An organization id: 1-64 letters, digits, `_`, `-` or `.`, starting with a letter or digit. */
export const isOrgId = (value: string): boolean => ORG_ID.test(value);

/** A learner, team, schedule, import or activity id: 1-{@link MAX_ID_LENGTH} characters, no control characters, no surrounding spaces. Kept verbatim (leading zeros included). */
export const isEntityId = (value: string): boolean =>
  value.length > 0 && value.length <= MAX_ID_LENGTH && value.trim() === value && !CONTROL.test(value);

/** Free text: at most {@link MAX_TEXT_LENGTH} characters, no control characters. */
export const isText = (value: string): boolean => value.length <= MAX_TEXT_LENGTH && !CONTROL.test(value);

/** The first control character of a value as `U+0001`, or undefined when it has none. */
export const firstControlCharacter = (value: string): string | undefined => {
  const match = CONTROL.exec(value);
  return match ? `U+${match[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}` : undefined;
};

/** An e-mail address `name@domain.tld` of at most {@link MAX_EMAIL_LENGTH} characters (surrounding white space is not part of it). */
export const isEmail = (value: string): boolean => value.length <= MAX_EMAIL_LENGTH && EMAIL.test(value);

/** A license pool size: a whole number from 0 to {@link MAX_SEATS}. */
export const isSeats = (seats: number): boolean => Number.isInteger(seats) && seats >= 0 && seats <= MAX_SEATS;

/** An IANA time zone luxon knows, e.g. `America/Chicago`. */
export const isValidTimeZone = (zone: string): boolean => IANAZone.isValidZone(zone);

/** A local time of day `HH:mm`, 00:00 to 23:59. */
export const isTimeOfDay = (value: string): boolean => TIME_OF_DAY.test(value);

/** A real calendar date `YYYY-MM-DD` (no 2026-02-30). */
export const isIsoDate = (value: string): boolean => {
  const match = ISO_DATE.exec(value);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day); // unlike Date.UTC, keeps the years 0-99 as they are
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
};

/** A value as the text an error carries: strings verbatim, anything else as JSON. */
const asText = (value: unknown): string => (typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value)));

/** `INVALID_ORGANIZATION_ID`, or undefined when the id is valid. */
export const checkOrganizationId = (orgId: string): DomainError | undefined =>
  typeof orgId === 'string' && isOrgId(orgId)
    ? undefined
    : domainError('INVALID_ORGANIZATION_ID', `Organization id ${JSON.stringify(orgId)} is not valid: use 1-64 letters, digits, "_", "-" or "."`, { field: 'orgId', value: asText(orgId) });

/** `INVALID_ID` for `label` (`Learner id`, `Team id`, …), or undefined when the id is valid. */
export const checkId = (field: CommandField, label: string, value: string): DomainError | undefined =>
  typeof value === 'string' && isEntityId(value)
    ? undefined
    : domainError('INVALID_ID', `${label} ${JSON.stringify(value)} is not valid: 1-${MAX_ID_LENGTH} characters, no control characters, no surrounding spaces`, { field, value: asText(value) });

/** `INVALID_TEXT` for `label` (`First name`, `Reason`, …), or undefined when the text is valid; `required` refuses a blank one too. */
export const checkText = (field: CommandField, label: string, value: string, required = true): DomainError | undefined =>
  typeof value === 'string' && isText(value) && !(required && value.trim() === '')
    ? undefined
    : domainError('INVALID_TEXT', `${label} ${JSON.stringify(value)} is not valid: ${required ? 'required, ' : ''}at most ${MAX_TEXT_LENGTH} characters, no control characters`, {
        field,
        value: asText(value),
      });

/** `INVALID_EMAIL` for the e-mail of a learner, or undefined when it is an e-mail address. */
export const checkEmail = (value: string, learnerId: string): DomainError | undefined =>
  typeof value === 'string' && isEmail(value.trim())
    ? undefined
    : domainError('INVALID_EMAIL', `E-mail ${JSON.stringify(value)} of learner ${learnerId} is not an e-mail address (name@domain, at most ${MAX_EMAIL_LENGTH} characters)`, {
        field: 'email',
        value: asText(value),
      });

/** `INVALID_SEATS`, or undefined when the pool size is valid. */
export const checkSeats = (seats: number): DomainError | undefined =>
  isSeats(seats)
    ? undefined
    : domainError('INVALID_SEATS', `Seats must be a whole number from 0 to ${MAX_SEATS.toLocaleString('en-US')}, got ${JSON.stringify(seats)}`, { field: 'seats', value: asText(seats) });

/** `INVALID_TIME_ZONE`, or undefined when the zone is an IANA time zone. */
export const checkTimeZone = (timeZone: string): DomainError | undefined =>
  typeof timeZone === 'string' && isValidTimeZone(timeZone)
    ? undefined
    : domainError('INVALID_TIME_ZONE', `Time zone ${JSON.stringify(timeZone)} is not an IANA time zone (e.g. America/Chicago)`, { field: 'timeZone', value: asText(timeZone) });

/** `INVALID_TIME_OF_DAY` for the daily import time, or undefined when it is `HH:mm`. */
export const checkTimeOfDay = (value: string): DomainError | undefined =>
  typeof value === 'string' && isTimeOfDay(value)
    ? undefined
    : domainError('INVALID_TIME_OF_DAY', `Daily import time ${JSON.stringify(value)} is not HH:mm`, { field: 'dailyImportTime', value: asText(value) });

/** Employee ids are trimmed at the door, like names and e-mails, so an exported file imports back unchanged; blank means none. */
export const trimEmployeeId = (value: string | null | undefined): string | null => {
  if (value === undefined || value === null) return null;
  const trimmed = typeof value === 'string' ? value.trim() : value;
  return trimmed === '' ? null : trimmed;
};
