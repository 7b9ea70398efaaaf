import { normalizeEmail, type LearnerRecord, type OrganizationState } from '../../organization/state.js';
import { isIsoDate } from '../../validation.js';
import type { FileIssue } from './errors.js';
import type { ColumnNames, IdColumn, LearnerRow } from './source.js';

/*
 * What spreadsheets do to ids. A spreadsheet that opens a CSV file reads
 * `0042` as the number 42, `1e5` as 100000, a 19-digit id as
 * 1.23456789012346E+18 and `2024-01-05` as a date, and writes them back so
 * when the file is saved. These rules say which texts are at risk (for the
 * export's warnings) and whether a value in a file is such a rewriting of an
 * id (for the import's repair hints).
 */

/** How a spreadsheet changes an id it reads as a number or a date. */
export type SpreadsheetChange = 'leading-zeros' | 'long-number' | 'scientific' | 'number-format' | 'date';

/** What a spreadsheet reads as a number: digits, an optional sign, decimal point and exponent. */
const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const LEADING_ZERO = /^[+-]?0\d/;
const EXPONENT = /[eE]/;
/** All-digit ids longer than this are shown in scientific notation in a spreadsheet's default column width. */
const LONGEST_SHOWN_WHOLE = 11;
/** A spreadsheet keeps numbers to this many significant digits. */
const PRECISION = 15;

/**
 * How a spreadsheet writes a number back in its General format: up to 15
 * significant digits, whole numbers below 10^15 in full, others in
 * scientific notation (`1.23456789012346E+18`).
 */
export const spreadsheetNumberText = (value: number): string => {
  if (!Number.isFinite(value)) return String(value);
  const rounded = Number(value.toPrecision(PRECISION));
  const magnitude = Math.abs(rounded);
  if (rounded === 0 || (magnitude < 1e15 && magnitude >= 1e-4)) return String(rounded);
  return rounded.toExponential().replace('e', 'E');
};

/**
 * What a spreadsheet would change in this text when it opens a CSV file
 * holding it, or `undefined` when the text comes back as it was (plain text,
 * or a whole number it writes back the same).
 */
export const spreadsheetChange = (text: string): SpreadsheetChange | undefined => {
  if (NUMBER.test(text)) {
    if (LEADING_ZERO.test(text)) return 'leading-zeros';
    if (/^\d+$/.test(text) && text.length > LONGEST_SHOWN_WHOLE) return 'long-number';
    if (EXPONENT.test(text)) return 'scientific';
    return spreadsheetNumberText(Number(text)) === text ? undefined : 'number-format';
  }
  return dateReadings(text, 'typed').size > 0 ? 'date' : undefined;
};

/** Significant digits of a number's text (its mantissa, leading zeros aside). */
const significantDigits = (text: string): number => {
  const mantissa = text.replace(/^[+-]/, '').split(/[eE]/)[0]!.replace('.', '').replace(/^0+/, '');
  return Math.max(1, mantissa.length);
};

/** Whether `seen` is the number `original` as a spreadsheet keeps and shows it. */
const sameNumber = (original: string, seen: string): boolean => {
  const value = Number(original);
  const shown = Number(seen);
  if (!Number.isFinite(value) || !Number.isFinite(shown)) return false;
  // A number shown in scientific notation keeps only the digits of its mantissa.
  const digits = EXPONENT.test(seen) ? Math.min(significantDigits(seen), PRECISION) : PRECISION;
  if (!EXPONENT.test(seen) && significantDigits(original) <= PRECISION && significantDigits(seen) <= PRECISION) return value === shown;
  return Number(value.toPrecision(digits)) === Number(shown.toPrecision(digits));
};

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const month = (name: string): number => MONTHS.indexOf(name.slice(0, 3).toLowerCase()) + 1;
/** Two-digit years as spreadsheets read them: 00-29 this century, 30-99 the last. */
const fullYear = (year: string): number => (year.length === 2 ? Number(year) + (Number(year) < 30 ? 2000 : 1900) : Number(year));
const iso = (y: number, m: number, d: number): string | undefined => {
  const text = `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
  return isIsoDate(text) ? text : undefined;
};

/** The 1900 date system's day 0 (its phantom 29 February 1900 is why it is 30 December 1899). */
const SERIAL_EPOCH = Date.UTC(1899, 11, 30);
/** A spreadsheet's date serial as an ISO date (the 1900 date system). */
export const dateFromSerial = (serial: number, date1904 = false): string => {
  const day = Math.floor(serial) + (date1904 ? 1462 : serial < 61 ? 1 : 0);
  return new Date(SERIAL_EPOCH + day * 86_400_000).toISOString().slice(0, 10);
};

/**
 * The days a text may denote as a date: as typed into a spreadsheet (ISO,
 * day and month in either order, month names) and, as written back by one,
 * also a bare date serial.
 */
const dateReadings = (text: string, side: 'typed' | 'written'): Set<string> => {
  const days = new Set<string>();
  const add = (y: number, m: number, d: number): void => {
    const day = iso(y, m, d);
    if (day) days.add(day);
  };
  const value = text.trim();
  let match: RegExpExecArray | null;
  if ((match = /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T]0?0:00(?::00(?:\.0+)?)?)?$/.exec(value))) add(Number(match[1]), Number(match[2]), Number(match[3]));
  else if ((match = /^(\d{1,2})[-/.](\d{1,2})[-/.](\d{2}|\d{4})(?: 0?0:00(?::00)?)?$/.exec(value))) {
    add(fullYear(match[3]!), Number(match[1]), Number(match[2]));
    add(fullYear(match[3]!), Number(match[2]), Number(match[1]));
  } else if ((match = /^(\d{1,2})[- ]([A-Za-z]{3,9})[- ,]+(\d{2}|\d{4})$/.exec(value)) && month(match[2]!) > 0) add(fullYear(match[3]!), month(match[2]!), Number(match[1]));
  else if ((match = /^([A-Za-z]{3,9})[- ](\d{1,2}),?[- ](\d{2}|\d{4})$/.exec(value)) && month(match[1]!) > 0) add(fullYear(match[3]!), month(match[1]!), Number(match[2]));
  else if (side === 'written' && /^\d{4,5}$/.test(value)) days.add(dateFromSerial(Number(value)));
  return days;
};

/**
 * Whether `seen`, found in a file, is what a spreadsheet may have made of
 * the id `original` (leading zeros dropped, a number rewritten, rounded to
 * 15 digits or shown in scientific notation, a date reformatted), and how.
 */
export const changedBySpreadsheet = (original: string, seen: string): SpreadsheetChange | undefined => {
  if (original === seen || seen === '') return undefined;
  if (NUMBER.test(original) && NUMBER.test(seen)) {
    // A spreadsheet drops zeros and signs, it never adds them: `01001` is not what it makes of `1001`.
    if (LEADING_ZERO.test(seen) || seen.startsWith('+') || !sameNumber(original, seen)) return undefined;
    return spreadsheetChange(original) ?? (EXPONENT.test(seen) ? 'scientific' : 'number-format');
  }
  const typed = dateReadings(original, 'typed');
  if (typed.size === 0) return undefined;
  for (const day of dateReadings(seen, 'written')) if (typed.has(day)) return 'date';
  return undefined;
};

/** What happened to an id, in words: `a spreadsheet dropped the leading zeros of "0042"`. */
export const describeChange = (change: SpreadsheetChange, original: string, seen: string): string => {
  const was = JSON.stringify(original);
  const now = JSON.stringify(seen);
  switch (change) {
    case 'leading-zeros':
      return `a spreadsheet dropped the leading zeros of ${was}`;
    case 'long-number':
      return `a spreadsheet kept the long number ${was} to ${PRECISION} digits or fewer and wrote it as ${now}`;
    case 'date':
      return `a spreadsheet read ${was} as a date and wrote it as ${now}`;
    default:
      return `a spreadsheet read ${was} as a number and wrote it as ${now}`;
  }
};

/** An id of a line that a spreadsheet changed, matched to the learner's own. */
export interface MatchedId {
  /** The column, as the file names it. */
  readonly column: string;
  /** The value in the file. */
  readonly value: string;
  /** The id as the organization has it. */
  readonly id: string;
  readonly change: SpreadsheetChange;
}

const NONE_MATCHED: readonly MatchedId[] = [];

/** What a line's ids refer to: its learner (if known), the ids a spreadsheet changed, and why the line is refused. */
export interface LineIds {
  readonly learner?: LearnerRecord;
  readonly matched: readonly MatchedId[];
  readonly refusal?: FileIssue<never>;
}

const HOW_TO_KEEP = (column: string): string => `Open the export with the ${column} column as text, or use the XLSX export`;
const HOW_TO_MATCH = 'or let the import match ids a spreadsheet changed (matchMangledIds, --match-mangled-ids)';

/** Why a line whose id a spreadsheet changed is refused, and how to fix the file. */
const mangledRefusal = (matched: readonly MatchedId[], columns: ColumnNames): FileIssue<never> => {
  const [first, ...more] = matched as [MatchedId, ...MatchedId[]];
  const how = describeChange(first.change, first.id, first.value);
  const also = more.map((m) => ` The ${m.column} ${JSON.stringify(m.value)} is a spreadsheet's rewriting of ${JSON.stringify(m.id)} too.`).join('');
  const message = first.column === columns.learnerId
    ? `No learner has this id, but learner ${JSON.stringify(first.id)} has this e-mail: it looks like ${how}.${also} ${HOW_TO_KEEP(first.column)}; ${HOW_TO_MATCH}`
    : `The learner's ${first.column} is ${JSON.stringify(first.id)}: it looks like ${how}, and the line would change it. ${HOW_TO_KEEP(first.column)}; ${HOW_TO_MATCH}, which keeps ${JSON.stringify(first.id)}`;
  return { code: 'ID_MANGLED_BY_SPREADSHEET', column: first.column, value: first.value, expected: JSON.stringify(first.id), message };
};

/** Why an id cell the file stored as a number (or date) cannot be taken: its text is a reading of the number, not what was typed. */
const storedAsNumber = (column: string, value: string, known: boolean): FileIssue<never> => ({
  code: 'ID_STORED_AS_NUMBER',
  column,
  value,
  expected: 'an id stored as text',
  message:
    `The cell is stored as a number or date, not as text, and ${known ? 'differs from the learner\'s' : 'no learner has this id'}: ` +
    `a spreadsheet may have changed what was typed (dropped leading zeros, rounded a long number). Format the ${column} column as text and type the id again, or use the XLSX export`,
});

/**
 * What the ids of a row refer to. An unknown `Learner ID` that is a
 * spreadsheet's rewriting of the id of the learner with the row's e-mail, or
 * an `Employee ID` that is a spreadsheet's rewriting of its learner's, is
 * matched — and the line refused with a repair hint unless matching is
 * allowed: it is never guessed silently. An id the file stored as a number
 * is taken only when it is exactly the id the learner has.
 */
export const lineIds = (state: OrganizationState, row: LearnerRow, columns: ColumnNames, matchAllowed: boolean): LineIds => {
  let learner = state.learners.get(row.learnerId);
  // Most lines name a learner by their own ids: nothing to match, one shared answer shape.
  if (learner && (row.employeeId === '' || row.employeeId === learner.employeeId)) return { learner, matched: NONE_MATCHED };
  const numbers: readonly IdColumn[] = row.idsStoredAsNumbers ?? [];
  const matched: MatchedId[] = [];
  if (!learner) {
    const byEmail = row.email === '' ? undefined : state.learnerIdsByEmail.get(normalizeEmail(row.email));
    const candidate = byEmail === undefined ? undefined : state.learners.get(byEmail);
    const change = candidate ? changedBySpreadsheet(candidate.learnerId, row.learnerId) : undefined;
    if (candidate && change) {
      learner = candidate;
      matched.push({ column: columns.learnerId, value: row.learnerId, id: candidate.learnerId, change });
    } else if (numbers.includes('learnerId')) {
      return { matched, refusal: storedAsNumber(columns.learnerId, row.learnerId, false) };
    }
  }
  const own = learner?.employeeId ?? null;
  if (row.employeeId !== '' && row.employeeId !== own) {
    const change = own !== null ? changedBySpreadsheet(own, row.employeeId) : undefined;
    if (change) matched.push({ column: columns.employeeId, value: row.employeeId, id: own!, change });
    else if (numbers.includes('employeeId')) return { ...(learner ? { learner } : {}), matched, refusal: storedAsNumber(columns.employeeId, row.employeeId, learner !== undefined) };
  }
  if (matched.length > 0 && !matchAllowed) return { ...(learner ? { learner } : {}), matched, refusal: mangledRefusal(matched, columns) };
  return { ...(learner ? { learner } : {}), matched };
};

/** The row as it reads with its matched ids restored. */
export const withMatchedIds = (row: LearnerRow, matched: readonly MatchedId[], columns: ColumnNames): LearnerRow => {
  let repaired = row;
  for (const m of matched) repaired = m.column === columns.learnerId ? { ...repaired, learnerId: m.id } : { ...repaired, employeeId: m.id };
  return repaired;
};

/** What the audit and the report say of a matched line. */
export const matchedNote = (matched: readonly MatchedId[]): string =>
  matched.map((m) => `${m.column} ${JSON.stringify(m.value)} matched to ${JSON.stringify(m.id)} (${describeChange(m.change, m.id, m.value)})`).join('; ');
