import { eventTypeFilter, streamNameFilter, type Filter } from '@kurrent/kurrentdb-client';

/** The default stream-name prefix: every stream the library writes starts with it (`learner-ledger.org-<orgId>`). */
export const DEFAULT_STREAM_PREFIX = 'learner-ledger.';

/** Every stream whose name does not start with `$` (KurrentDB's system streams). */
export const NON_SYSTEM_STREAMS = '^[^$]';

/**
 * The server-side `$all` filter for this store's streams: the stream-name
 * prefix, or every non-system stream when the prefix is empty. A prefix never
 * matches a system stream (they start with `$`, which a prefix may not).
 */
export const storeFilter = (prefix: string): Filter =>
  prefix === '' ? streamNameFilter({ regex: NON_SYSTEM_STREAMS }) : streamNameFilter({ prefixes: [prefix] });

/**
 * Escapes a stream name for a .NET regular expression (the server evaluates
 * filters). Only ASCII punctuation and white space are escaped: in .NET a
 * backslash before them means the character itself, while a backslash before a
 * letter or digit could mean a class (`\d`) or be refused.
 */
export const escapeRegex = (text: string): string => text.replace(/[\\^$.|?*+()[\]{}#\s/-]/g, (c) => `\\${c}`);

/** An anchored regex matching exactly these stream names (`\z`: the very end, not before a final newline). */
export const exactStreamsRegex = (streamIds: readonly string[]): string => `^(?:${streamIds.map(escapeRegex).join('|')})\\z`;

/** The server-side filter for reads limited to exact stream names. */
export const exactStreamsFilter = (streamIds: readonly string[]): Filter => streamNameFilter({ regex: exactStreamsRegex(streamIds) });

/** True when a stream name belongs to this store's view of the log. */
export const inStorePrefix = (prefix: string, streamId: string): boolean =>
  !streamId.startsWith('$') && streamId.startsWith(prefix);

/**
 * The server-side filter of a stream listing: only events of `firstEventType`
 * when one is given (one small event per stream crosses the wire), else every
 * event of the streams under the narrower of the listing's and the store's
 * prefix. Undefined when the two prefixes exclude each other (nothing to list).
 */
export const listingFilter = (storePrefix: string, options: { prefix?: string; firstEventType?: string }): Filter | undefined => {
  const prefix = options.prefix ?? '';
  const narrower = prefix.startsWith(storePrefix) ? prefix : storePrefix.startsWith(prefix) ? storePrefix : undefined;
  if (narrower === undefined || narrower.startsWith('$')) return undefined;
  if (options.firstEventType !== undefined) return eventTypeFilter({ regex: `^${escapeRegex(options.firstEventType)}\\z` });
  return storeFilter(narrower);
};
