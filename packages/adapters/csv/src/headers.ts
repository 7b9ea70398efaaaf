import type { ImportFormat } from '@learner-ledger/core';
import type { CsvImportError } from './errors.js';
import { FORMATS, IMPORT_FORMATS, type ColumnKey, type ColumnSpec } from './formats.js';

/** Where each column of a format sits in the file. */
export interface HeaderMap {
  readonly format: ImportFormat;
  /** Cell index of each column present in the file. */
  readonly index: Readonly<Partial<Record<ColumnKey, number>>>;
  /** The format's spelling of the header at each cell index. */
  readonly names: readonly string[];
  readonly width: number;
}

type HeaderError = Omit<CsvImportError, 'file'>;

const normalise = (header: string): string => header.trim().toLowerCase();

interface Match {
  readonly format: ImportFormat;
  readonly index: Partial<Record<ColumnKey, number>>;
  readonly missing: ColumnSpec[];
  readonly unknown: { name: string; at: number }[];
  readonly duplicates: { name: string; at: number }[];
}

const match = (format: ImportFormat, found: readonly string[]): Match => {
  const byName = new Map(FORMATS[format].columns.map((c) => [normalise(c.header), c] as const));
  const index: Partial<Record<ColumnKey, number>> = {};
  const unknown: Match['unknown'] = [];
  const duplicates: Match['duplicates'] = [];
  found.forEach((name, at) => {
    const column = byName.get(normalise(name));
    if (!column) unknown.push({ name, at });
    else if (index[column.key] !== undefined) duplicates.push({ name, at });
    else index[column.key] = at;
  });
  const missing = FORMATS[format].columns.filter((c) => c.required && index[c.key] === undefined);
  return { format, index, missing, unknown, duplicates };
};

const list = (names: readonly string[]): string => names.map((n) => JSON.stringify(n)).join(', ');

/**
 * Matches a header line to a format by name, ignoring letter case and
 * surrounding spaces, in any order. Without a requested format, the one whose
 * columns the header has is taken. A missing, unknown or repeated column is an
 * error that lists the expected and the found headers.
 */
export const matchHeader = (found: readonly string[], requested?: ImportFormat): { header: HeaderMap } | { errors: HeaderError[] } => {
  const candidates = requested ? [requested] : IMPORT_FORMATS;
  const matches = candidates.map((format) => match(format, found));
  const best =
    matches.find((m) => m.missing.length === 0 && m.unknown.length === 0 && m.duplicates.length === 0) ??
    [...matches].sort((a, b) => a.missing.length + a.unknown.length - (b.missing.length + b.unknown.length))[0]!;
  if (best.missing.length === 0 && best.unknown.length === 0 && best.duplicates.length === 0) {
    const names = found.map((name) => FORMATS[best.format].columns.find((c) => normalise(c.header) === normalise(name))!.header);
    return { header: { format: best.format, index: best.index, names, width: found.length } };
  }
  const spec = FORMATS[best.format];
  const expected = `${list(spec.columns.filter((c) => c.required).map((c) => c.header))} (optional: ${list(spec.columns.filter((c) => !c.required).map((c) => c.header))}), in any order`;
  const context = `${spec.title} headers expected: ${expected}; found: ${list(found)}`;
  const other = IMPORT_FORMATS.find((f) => f !== best.format && match(f, found).missing.length === 0);
  const hint = requested && other ? ` (the header looks like the ${FORMATS[other].title}: import it with format ${other})` : '';
  // The expected and found headers are said once, in the first error.
  const errors: HeaderError[] = [];
  const about = (what: string): string => (errors.length === 0 ? `${what}. ${context}${hint}` : what);
  for (const column of best.missing) {
    errors.push({ code: 'HEADER_MISSING', line: 1, column: column.header, expected, message: about('A required column is missing') });
  }
  for (const { name } of best.unknown) {
    errors.push({ code: 'HEADER_UNKNOWN', line: 1, column: name, value: name, expected, message: about(`Not a column of the ${spec.title}`) });
  }
  for (const { name } of best.duplicates) {
    errors.push({ code: 'HEADER_DUPLICATE', line: 1, column: name, value: name, expected, message: about('The column appears more than once') });
  }
  return { errors };
};
