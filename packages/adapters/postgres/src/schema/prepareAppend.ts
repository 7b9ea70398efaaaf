import { type AppendRequest, type ExpectedVersion, type NewStoredEvent, linkApart, stampedTexts } from '@learner-ledger/core';
import { STORE_NAME, messageOf } from './errors.js';
import { streamLockKey } from './lock-key.js';

// eslint-disable-next-line no-control-regex
const NUL = /\u0000/;

/** An append ready for SQL: validated; payloads become JSON text when written. */
export interface PreparedAppend {
  readonly requests: readonly AppendRequest[];
  readonly streamIds: string[];
  /** The advisory-lock key of each stream (as text, for a `bigint[]` parameter). */
  readonly lockKeys: string[];
  readonly expected: string[];
  readonly counts: number[];
  readonly total: number;
  readonly eventIds: string[];
  readonly types: string[];
  readonly schemaVersions: number[];
  /** Every event, in order; its data and metadata become JSON text only when written. */
  readonly events: NewStoredEvent[];
  /** The metadata of every event without its chain link, which is written to its own column. */
  readonly metadata: unknown[];
  /** The chain link of every event (undefined when it has none). */
  readonly links: unknown[];
}

/** The append in words, for messages: its size and its streams. */
export const describe = (p: PreparedAppend): string =>
  p.requests.length === 1
    ? `the append of ${p.total} event(s) to stream ${p.streamIds[0]}`
    : `the append of ${p.total} event(s) to ${p.requests.length} streams (${p.streamIds.slice(0, 3).join(', ')}${p.requests.length > 3 ? ', …' : ''})`;

/** The data, the metadata and the chain link of every event as JSON text (null: no link), for `append_events`. */
export const payloadArrays = (p: PreparedAppend): [string[], string[], (string | null)[]] => {
  const data: string[] = [];
  const metadata: string[] = [];
  const links: (string | null)[] = [];
  p.events.forEach((_, k) => {
    const [d, m, l] = payloadsOf(p, k);
    data.push(d);
    metadata.push(m);
    links.push(l);
  });
  return [data, metadata, links];
};

/**
 * The events as one JSON document; an event JSON cannot hold is named in the
 * error. A chained event's payload and metadata go in as the canonical texts
 * its link was computed from (JSON texts of the same values): it is not
 * serialized a second time.
 */
export const eventsDocument = (p: PreparedAppend): string => {
  const rows = new Array<string>(p.events.length);
  for (let k = 0; k < p.events.length; k++) {
    const event = p.events[k]!;
    const texts = stampedTexts(event);
    const link = p.links[k];
    rows[k] =
      texts !== undefined
        ? `[${JSON.stringify(event.eventId)},${JSON.stringify(event.type)},${event.schemaVersion},${texts.data},${texts.metadata},${link === undefined ? 'null' : JSON.stringify(link)}]`
        : rowText(p, k);
  }
  return `[${rows.join(',')}]`;
};

/** One event of {@link eventsDocument} serialized as it is. */
const rowText = (p: PreparedAppend, k: number): string => {
  const event = p.events[k]!;
  try {
    return JSON.stringify([event.eventId, event.type, event.schemaVersion, event.data ?? null, p.metadata[k] ?? null, p.links[k] ?? null]);
  } catch {
    payloadsOf(p, k);
    throw new TypeError(`${STORE_NAME} store: ${describe(p)} cannot be stored as JSON; nothing was written`);
  }
};

/** The data, metadata and chain link (null: none) of the `k`-th event as JSON text (a chained event's payload and metadata as the texts its link was computed from). */
export const payloadsOf = (p: PreparedAppend, k: number): [string, string, string | null] => {
  const event = p.events[k]!;
  let request = 0;
  let index = k;
  while (index >= p.counts[request]!) index -= p.counts[request++]!;
  const where = `event ${index + 1} of the append to stream ${p.streamIds[request]}`;
  const link = p.links[k];
  const texts = stampedTexts(event);
  return [
    texts?.data ?? toJson(event.data, `the data of ${where}`),
    texts?.metadata ?? toJson(p.metadata[k], `the metadata of ${where}`),
    link === undefined ? null : toJson(link, `the chain link of ${where}`),
  ];
};

const expectedText = (expected: ExpectedVersion | undefined, streamId: string): string => {
  if (expected === undefined || expected === 'any' || expected === 'no_stream' || expected === 'stream_exists') return expected ?? 'any';
  if (typeof expected === 'number' && Number.isSafeInteger(expected) && expected >= 0 && expected <= 2_147_483_647) return String(expected);
  throw new TypeError(`${STORE_NAME} store: expected version ${JSON.stringify(expected)} for stream ${streamId} is not valid: use 'any', 'no_stream', 'stream_exists' or a count ≥ 0`);
};

const checkText = (value: unknown, what: string): string => {
  if (typeof value !== 'string' || value.length === 0 || NUL.test(value)) {
    throw new TypeError(`${STORE_NAME} store: ${what} must be a non-empty string without NUL characters, got ${JSON.stringify(value)}; nothing was written`);
  }
  return value;
};

const toJson = (value: unknown, what: string): string => {
  try {
    return JSON.stringify(value) ?? 'null';
  } catch (error) {
    throw new TypeError(`${STORE_NAME} store: ${what} cannot be stored as JSON (${messageOf(error)}); nothing was written`);
  }
};

export const prepare = (schema: string, requests: readonly AppendRequest[]): PreparedAppend => {
  const seen = new Set<string>();
  const p: PreparedAppend = {
    requests,
    streamIds: [],
    lockKeys: [],
    expected: [],
    counts: [],
    total: 0,
    eventIds: [],
    types: [],
    schemaVersions: [],
    events: [],
    metadata: [],
    links: [],
  };
  let total = 0;
  for (const request of requests) {
    const streamId = checkText(request.streamId, 'a stream id');
    if (seen.has(streamId)) throw new Error(`${STORE_NAME} store: appendMany: stream ${streamId} appears twice in one call; nothing was written`);
    seen.add(streamId);
    p.streamIds.push(streamId);
    p.lockKeys.push(streamLockKey(schema, streamId).toString());
    p.expected.push(expectedText(request.expectedVersion, streamId));
    p.counts.push(request.events.length);
    total += request.events.length;
    request.events.forEach((event, index) => {
      const where = `event ${index + 1} of the append to stream ${streamId}`;
      p.eventIds.push(checkText(event.eventId, `the event id of ${where}`));
      p.types.push(checkText(event.type, `the type of ${where}`));
      if (!Number.isInteger(event.schemaVersion)) throw new TypeError(`${STORE_NAME} store: the schema version of ${where} must be an integer; nothing was written`);
      p.schemaVersions.push(event.schemaVersion);
      p.events.push(event);
      // The chain link goes to its own column: readers that do not audit never parse it.
      const apart = linkApart(event);
      p.metadata.push(apart.metadata);
      p.links.push(apart.link);
    });
  }
  return { ...p, total };
};
