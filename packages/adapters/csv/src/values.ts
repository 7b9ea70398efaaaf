import { isIsoDate } from '@learner-ledger/core';

/**
 * Cell values: the spellings `Active` accepts, formula-injection
 * neutralisation (and its exact inverse), dates and multi-line text. The
 * rules a value must meet (e-mail, text, ids) are the core's (validation.ts).
 */

/** A cell a spreadsheet would run as a formula (or that hides a control character up front). */
const FORMULA_START = /^'*[=+\-@\t\r]/;

/**
 * Prefixes `'` to a cell that a spreadsheet would read as a formula: one
 * starting with `=`, `+`, `-`, `@`, tab or carriage return. A cell that
 * already starts with quotes before such a character gets one more, so that
 * {@link restoreCell} is its exact inverse and a round trip is lossless.
 */
export const neutraliseCell = (value: string): string => (FORMULA_START.test(value) ? `'${value}` : value);

/** Undoes {@link neutraliseCell}: `'=SUM(A1)` reads back as `=SUM(A1)`; `'Brien` stays as it is. */
export const restoreCell = (value: string): string => (value.charCodeAt(0) === 39 && FORMULA_START.test(value) ? value.slice(1) : value);

/** Surrounding ASCII spaces and tabs: what hand editing adds. Other white space is kept (and refused where it matters). */
export const trimSpaces = (value: string): string => {
  let start = 0;
  let end = value.length;
  while (start < end && (value.charCodeAt(start) === 32 || value.charCodeAt(start) === 9)) start++;
  while (end > start && (value.charCodeAt(end - 1) === 32 || value.charCodeAt(end - 1) === 9)) end--;
  return start === 0 && end === value.length ? value : value.slice(start, end);
};

const ACTIVE: ReadonlyMap<string, boolean> = new Map([
  ['true', true],
  ['yes', true],
  ['y', true],
  ['1', true],
  ['false', false],
  ['no', false],
  ['n', false],
  ['0', false],
]);

/** The accepted spellings, for messages. */
export const ACTIVE_SPELLINGS = 'TRUE or FALSE (any letter case), yes/no, y/n, 1/0, or blank for no change';

/**
 * Reads an `Active` cell: `true`/`false`, `null` for blank (no change), or
 * `undefined` when the value is none of the accepted spellings. Surrounding
 * spaces are ignored (`FALSE ` is FALSE); nothing else is guessed.
 */
export const parseActive = (raw: string): boolean | null | undefined => {
  const value = trimSpaces(raw);
  if (value === '') return null;
  return ACTIVE.get(value.toLowerCase());
};

export const formatActive = (active: boolean): string => (active ? 'TRUE' : 'FALSE');

/** A real calendar date `YYYY-MM-DD` (surrounding spaces aside), or undefined. */
export const parseIsoDate = (raw: string): string | undefined => {
  const value = trimSpaces(raw);
  return isIsoDate(value) ? value : undefined;
};

/** Line breaks in a free-text cell (a multi-line `Reason`) become single spaces. */
export const flattenLines = (value: string): string => value.replace(/\s*(\r\n|\r|\n)\s*/g, ' ');

/** Line breaks a record spans inside its quoted cells. */
export const lineBreaksIn = (fields: readonly string[]): number => {
  let count = 0;
  for (const field of fields) {
    if (field.indexOf('\n') === -1 && field.indexOf('\r') === -1) continue;
    for (let i = 0; i < field.length; i++) {
      const c = field.charCodeAt(i);
      if (c === 10) count++;
      else if (c === 13) {
        count++;
        if (field.charCodeAt(i + 1) === 10) i++;
      }
    }
  }
  return count;
};
