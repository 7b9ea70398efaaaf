import type { ListStreamsOptions, ListStreamsResult } from './port.js';

// What every store needs to answer `listStreams` alike: the order, the range a prefix covers, the limit, a page.

/**
 * The order stream ids are listed in: by Unicode code point, which is the byte
 * order of their UTF-8 form (SQLite's BINARY, PostgreSQL's "C" collation).
 */
export const compareStreamIds = (a: string, b: string): number => {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    // UTF-16 order differs from code-point order only where a surrogate meets U+E000–U+FFFF.
    if (x !== y) return codePointRank(x) - codePointRank(y);
  }
  return a.length - b.length;
};

const codePointRank = (unit: number): number => (unit >= 0xe000 ? unit - 0x800 : unit >= 0xd800 ? unit + 0x2000 : unit);

/** The smallest string after every string that starts with `prefix`, or undefined when there is none (`''`). */
export const prefixUpperBound = (prefix: string): string | undefined => {
  const points = Array.from(prefix, (c) => c.codePointAt(0)!);
  while (points.length > 0 && points[points.length - 1] === 0x10ffff) points.pop();
  if (points.length === 0) return undefined;
  const last = points[points.length - 1]! + 1;
  points[points.length - 1] = last === 0xd800 ? 0xe000 : last;
  return String.fromCodePoint(...points);
};

/** The range of stream ids a listing covers, for stores that answer it with an index range scan. */
export interface StreamIdRange {
  /** The first id that may match, and whether it may match itself (false when it is `after`). */
  readonly from: string;
  readonly fromInclusive: boolean;
  /** Every matching id is before this one (undefined: no upper bound). */
  readonly to: string | undefined;
}

/** The stream-id range of a listing's `prefix` and `after`. */
export const streamIdRange = (options: ListStreamsOptions = {}): StreamIdRange => {
  const prefix = options.prefix ?? '';
  const to = prefixUpperBound(prefix);
  if (options.after !== undefined && compareStreamIds(options.after, prefix) >= 0) return { from: options.after, fromInclusive: false, to };
  return { from: prefix, fromInclusive: true, to };
};

/** How many ids a listing returns at most (a whole number ≥ 0), or undefined for all of them. */
export const listLimit = (options: ListStreamsOptions = {}): number | undefined =>
  options.limit === undefined ? undefined : Math.max(0, Math.floor(options.limit));

/**
 * A listing's page out of stream ids already known to hold events and, when
 * asked, to start with `firstEventType`: for stores that find their streams
 * without an ordered index (in memory, KurrentDB).
 */
export const pageOfStreamIds = (streamIds: Iterable<string>, options: ListStreamsOptions = {}): ListStreamsResult => {
  const prefix = options.prefix ?? '';
  const { after } = options;
  const matching = [...new Set(streamIds)].filter((id) => id.startsWith(prefix) && (after === undefined || compareStreamIds(id, after) > 0)).sort(compareStreamIds);
  const limit = listLimit(options);
  if (limit === undefined || matching.length <= limit) return { streamIds: matching, isEnd: true };
  return { streamIds: matching.slice(0, limit), isEnd: false };
};
