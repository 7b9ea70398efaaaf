import * as crypto from 'node:crypto';
import * as t from 'io-ts';
import type { NewStoredEvent, StoredEvent } from '../store/port.js';
import { canonicalJson, canonicalJsonWithout, canonicalNumber, canonicalString } from './canonical.js';

/** The metadata key an event's chain link is stored under. */
export const CHAIN_KEY = 'chain';

/** The chain version new events are written with. */
export const CURRENT_CHAIN_VERSION = 2;

/** The previous hash of a stream's first event. */
export const GENESIS_HASH = '0'.repeat(64);

/**
 * What an event carries of its stream's hash chain, in its metadata under
 * {@link CHAIN_KEY}: the chain version its canonical form was computed with,
 * the SHA-256 of that form (which covers the previous event's hash), short
 * digests of its parts that let a verifier say which part changed, and, on
 * the first chained event of a stream that began without the chain, how
 * many events before it its hash anchors.
 */
export const ChainLink = t.intersection([
  t.type({ v: t.number, hash: t.string, parts: t.string }),
  t.partial({ anchors: t.number }),
]);
export type ChainLink = t.TypeOf<typeof ChainLink>;

/** What an event's hash covers, read from the event as it is stored. */
export interface ChainInput {
  readonly streamId: string;
  readonly streamVersion: number;
  readonly eventId: string;
  readonly type: string;
  readonly schemaVersion: number;
  readonly data: unknown;
  /** The stored metadata; its chain link is left out of the hash. */
  readonly metadata: unknown;
}

/** The parts of an event the chain tells apart when a hash does not match, in the order they are reported. */
export const CHAIN_PARTS = ['type', 'data', 'metadata', 'place'] as const;
export type ChainPart = (typeof CHAIN_PARTS)[number];

/** An event's computed hash and part digests. */
export interface ComputedLink {
  readonly hash: string;
  readonly parts: string;
}

/** How an event is turned into the canonical texts of its parts. */
type CanonicalForm = (input: ChainInput) => Readonly<Record<ChainPart, string>>;

/**
 * One chain version: the canonical form of an event's parts, the version
 * named in the text its hash is the SHA-256 of, and how a part's short
 * digest is taken. A later version (an erasure design that hashes what
 * stays of an event once its personal fields moved out) adds one here;
 * events keep the version they were written with, so old links still verify.
 */
interface ChainForm {
  readonly parts: CanonicalForm;
  readonly hashedAs: number;
  readonly digest: (text: string) => string;
}

/** Stored metadata without its chain link (the same object when it has none). */
export const metadataWithoutLink = (metadata: unknown): unknown => {
  if (metadata === null || typeof metadata !== 'object' || Array.isArray(metadata) || !(CHAIN_KEY in metadata)) return metadata;
  const { [CHAIN_KEY]: _link, ...rest } = metadata as Record<string, unknown>;
  return rest;
};

// A stream holds a few dozen event types at one or two schema versions each: their texts (and digests) are written once.
const TYPE_TEXTS = new Map<string, Map<number, string>>();
const MAX_TYPE_TEXTS = 1000;
let typeTextCount = 0;

/** `{"schemaVersion":…,"type":…}`, written directly when both are what events hold. */
const typeText = (input: ChainInput): string => {
  const { type, schemaVersion } = input;
  if (typeof type !== 'string' || typeof schemaVersion !== 'number') return canonicalJson({ type, schemaVersion });
  const known = TYPE_TEXTS.get(type)?.get(schemaVersion);
  if (known !== undefined) return known;
  const text = `{"schemaVersion":${canonicalJson(schemaVersion)},"type":${canonicalJson(type)}}`;
  if (typeTextCount < MAX_TYPE_TEXTS) {
    typeTextCount++;
    let versions = TYPE_TEXTS.get(type);
    if (versions === undefined) TYPE_TEXTS.set(type, (versions = new Map()));
    versions.set(schemaVersion, text);
  }
  return text;
};

/** The short digests of the type texts written so far, per digest function (the same text object gives the same digest). */
const TYPE_DIGESTS = new Map<(text: string) => string, Map<string, string>>();

/** `digest(text)` of a type text, remembered while there are few of them. */
const typeDigest = (digest: (text: string) => string, text: string): string => {
  let known = TYPE_DIGESTS.get(digest);
  if (known === undefined) TYPE_DIGESTS.set(digest, (known = new Map()));
  let value = known.get(text);
  if (value === undefined) {
    value = digest(text);
    if (known.size < MAX_TYPE_TEXTS) known.set(text, value);
  }
  return value;
};

/** `{"eventId":…,"streamId":…,"streamVersion":…}`, written directly when all three are what events hold. */
const placeText = (input: ChainInput): string =>
  typeof input.eventId === 'string' && typeof input.streamId === 'string' && typeof input.streamVersion === 'number'
    ? `{"eventId":${canonicalString(input.eventId)},"streamId":${canonicalString(input.streamId)},"streamVersion":${canonicalNumber(input.streamVersion)}}`
    : canonicalJson({ streamId: input.streamId, streamVersion: input.streamVersion, eventId: input.eventId });

/** The four canonical parts, as versions 1 and 2 write them. */
const canonicalParts: CanonicalForm = (input) => ({
  type: typeText(input),
  data: canonicalJson(input.data),
  // The text of the metadata without its link, written without copying it.
  metadata: canonicalJsonWithout(input.metadata, CHAIN_KEY),
  place: placeText(input),
});

// One-shot hashing (Node 20.12 on) builds no Hash object: most of the cost of hashing an event's few hundred bytes.
const sha256Hex: (text: string) => string =
  typeof crypto.hash === 'function' ? (text) => crypto.hash('sha256', text, 'hex') : (text) => crypto.createHash('sha256').update(text).digest('hex');

/** FNV-1a over UTF-16 code units, 32 bits in hex: version 1's short digest to tell parts apart (the SHA-256 is what protects). */
const fnv1a = (text: string): string => {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(16).padStart(8, '0');
};

/** The first 32 bits of a part's SHA-256, in hex: native, so cheaper than a loop over every character of the part. */
const sha256Digest = (text: string): string => sha256Hex(text).slice(0, 8);

const FORMS: ReadonlyMap<number, ChainForm> = new Map<number, ChainForm>([
  [1, { parts: canonicalParts, hashedAs: 1, digest: fnv1a }],
  // Hashes an event exactly as version 1 does (so events written before the chain hash alike under both); only its part digests are cheaper.
  [2, { parts: canonicalParts, hashedAs: 1, digest: sha256Digest }],
]);

/** Whether this library can compute links of a chain version. */
export const isKnownChainVersion = (version: number): boolean => FORMS.has(version);

/**
 * The hash of an event under chain `version`, chained to `previous`: the
 * SHA-256 of the version it is hashed as, the previous hash and the event's
 * canonical parts, one per line (canonical JSON holds no raw line break, so
 * the lines cannot be shifted into each other), and the short digests of
 * the parts, in the order of `CHAIN_PARTS`. Pure.
 */
export const computeLink = (input: ChainInput, previous: string, version: number = CURRENT_CHAIN_VERSION): ComputedLink => {
  const form = FORMS.get(version);
  if (!form) throw new RangeError(`Chain version ${version} is not known to this library`);
  return linkOfParts(form, form.parts(input), previous);
};

/** {@link computeLink} of an event's canonical parts. */
const linkOfParts = (form: ChainForm, parts: Readonly<Record<ChainPart, string>>, previous: string): ComputedLink => {
  const hash = sha256Hex(`learner-ledger chain v${form.hashedAs}\n${previous}\n${parts.place}\n${parts.type}\n${parts.data}\n${parts.metadata}`);
  const { digest } = form;
  return { hash, parts: `${typeDigest(digest, parts.type)}.${digest(parts.data)}.${digest(parts.metadata)}.${digest(parts.place)}` };
};

/** The parts whose digests differ between two `parts` strings, in report order. */
export const differingParts = (stored: string, computed: string): ChainPart[] => {
  const a = stored.split('.');
  const b = computed.split('.');
  return CHAIN_PARTS.filter((_, i) => a[i] !== b[i]);
};

const LINK_KEYS = new Set(['v', 'hash', 'parts', 'anchors']);

/** What carries an event's link: its metadata (under {@link CHAIN_KEY}), or the link's text a store keeps apart. */
export interface LinkCarrier {
  readonly metadata: unknown;
  readonly link?: string | undefined;
}

/** A link value when it is a well-formed one (nothing but its own fields: the link itself is not hashed). */
const wellFormed = (link: unknown): ChainLink | undefined => {
  if (!ChainLink.is(link)) return undefined;
  for (const key in link) if (!LINK_KEYS.has(key)) return undefined;
  return link;
};

/** The chain link stored metadata carries, when it carries a well-formed one. */
export const storedLink = (metadata: unknown): ChainLink | undefined => {
  if (metadata === null || typeof metadata !== 'object') return undefined;
  return wellFormed((metadata as Record<string, unknown>)[CHAIN_KEY]);
};

/** Whether stored metadata holds anything under the chain key (well-formed or not). */
export const hasLinkField = (metadata: unknown): boolean => metadata !== null && typeof metadata === 'object' && CHAIN_KEY in metadata;

/** The link text parsed, or undefined when it is not JSON. */
const parsedLink = (text: string): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
};

/**
 * The chain link a stored event carries, when it carries a well-formed one:
 * parsed from the text its store keeps apart, else read from its metadata.
 * A link kept apart beside metadata that holds the chain key too is not
 * well-formed (the metadata was edited: its chain key is not hashed).
 */
export const storedLinkOf = (stored: LinkCarrier): ChainLink | undefined => {
  if (stored.link === undefined) return storedLink(stored.metadata);
  return hasLinkField(stored.metadata) ? undefined : wellFormed(parsedLink(stored.link));
};

/** Whether a stored event holds a link at all (well-formed or not), without parsing it. */
export const hasLinkOf = (stored: LinkCarrier): boolean => stored.link !== undefined || hasLinkField(stored.metadata);

/**
 * The metadata of a stored event with its link in it, as the ledger appended
 * it: what a proof shows of the event, whichever store it was read from.
 */
export const metadataWithLink = (stored: LinkCarrier): unknown => {
  if (stored.link === undefined || stored.metadata === null || typeof stored.metadata !== 'object' || Array.isArray(stored.metadata)) return stored.metadata;
  const metadata: Record<string, unknown> = { ...(stored.metadata as Record<string, unknown>) };
  metadata[CHAIN_KEY] = parsedLink(stored.link);
  return metadata;
};

/** The hash in a link value, when it holds one. */
const hashIn = (link: unknown): string | undefined => {
  const hash = (link as { hash?: unknown } | null | undefined)?.hash;
  return typeof hash === 'string' ? hash : undefined;
};

/** The hash stored metadata's link carries, read without checking the link. */
const hashInMetadata = (metadata: unknown): string | undefined => hashIn((metadata as { [CHAIN_KEY]?: unknown } | null)?.[CHAIN_KEY]);

/** The hash a stored event's link carries, read without checking the link (folding trusts it; verification checks it). */
export const carriedHash = (stored: LinkCarrier): string | undefined => (stored.link === undefined ? hashInMetadata(stored.metadata) : hashIn(parsedLink(stored.link)));

/**
 * The hash a stored event stands for in its stream: the one it carries, or,
 * for an event written without the chain, the one computed from `previous`
 * (undefined when that is not known).
 */
export const chainHashOf = (stored: StoredEvent, previous: string | undefined): string | undefined => {
  const carried = carriedHash(stored);
  if (carried !== undefined) return carried;
  return previous === undefined ? undefined : computeLink(stored, previous).hash;
};

/** Whether stored metadata carries a link (as folding sees it). */
export const isLinked = (metadata: unknown): boolean => hashInMetadata(metadata) !== undefined;

/** A chained event's metadata without its link, and the link: what a store that keeps the link apart writes. */
export interface LinkApart {
  readonly metadata: unknown;
  readonly link: unknown;
}

/**
 * An event {@link chainEvents} stamped. It keeps its metadata as it was
 * before the link and the link, for stores that write them apart, in a
 * private field: no copy, comparison or serialization of the event sees it
 * (a symbol or a weak map cost ten times the event's own allocation).
 */
class StampedEvent implements NewStoredEvent {
  readonly eventId: string;
  readonly type: string;
  readonly schemaVersion: number;
  readonly data: unknown;
  readonly #apart: LinkApart;
  readonly #texts: StampedTexts | undefined;

  constructor(
    event: NewStoredEvent,
    readonly metadata: Record<string, unknown>,
    link: unknown,
    texts: StampedTexts | undefined,
  ) {
    this.eventId = event.eventId;
    this.type = event.type;
    this.schemaVersion = event.schemaVersion;
    this.data = event.data;
    this.#apart = { metadata: event.metadata, link };
    this.#texts = texts;
  }

  /** The canonical texts its link was computed from, while the event is as it was stamped. */
  static textsOf(event: NewStoredEvent): StampedTexts | undefined {
    if (!(event instanceof StampedEvent) || event.#texts === undefined) return undefined;
    return event.#apart.link === event.metadata[CHAIN_KEY] ? event.#texts : undefined;
  }

  /** The metadata before the link and the link, while the event's metadata still holds the link stamped. */
  static apartOf(event: NewStoredEvent): LinkApart | undefined {
    if (!(event instanceof StampedEvent)) return undefined;
    const apart = event.#apart;
    return apart.link === event.metadata[CHAIN_KEY] ? apart : undefined;
  }
}

/** The metadata and link {@link chainEvents} stamped an event with (undefined for any other event). */
export const stampedApart = (event: NewStoredEvent): LinkApart | undefined => StampedEvent.apartOf(event);

/**
 * The canonical JSON of a stamped event's payload and of its metadata without
 * the link: the texts its hash covers, and JSON texts of the same values a
 * store may write as they are instead of serializing the event again.
 */
export interface StampedTexts {
  readonly data: string;
  readonly metadata: string;
}

/** The canonical texts {@link chainEvents} hashed an event from (undefined for any other event, or one whose metadata held a chain key of its own before). */
export const stampedTexts = (event: NewStoredEvent): StampedTexts | undefined => StampedEvent.textsOf(event);

/** Events chained onto a stream, and the hash of each. */
export interface ChainedEvents {
  readonly events: readonly NewStoredEvent[];
  readonly hashes: readonly string[];
}

/**
 * Stamps events about to be appended at `firstVersion` onward with their
 * chain links, each chained to the one before (the first to `previous`).
 * `anchors`: the number of events before them written without the chain,
 * recorded on the first. Pure: the events are copied, not changed.
 */
export const chainEvents = (streamId: string, events: readonly NewStoredEvent[], firstVersion: number, previous: string, anchors?: number): ChainedEvents => {
  const out: NewStoredEvent[] = [];
  const hashes: string[] = [];
  const form = FORMS.get(CURRENT_CHAIN_VERSION)!;
  let prev = previous;
  for (let i = 0; i < events.length; i++) {
    const event = events[i]!;
    const input: ChainInput = { streamId, streamVersion: firstVersion + i, eventId: event.eventId, type: event.type, schemaVersion: event.schemaVersion, data: event.data, metadata: event.metadata };
    const parts = form.parts(input);
    const computed = linkOfParts(form, parts, prev);
    const link: { v: number; hash: string; parts: string; anchors?: number } = { v: CURRENT_CHAIN_VERSION, hash: computed.hash, parts: computed.parts };
    if (i === 0 && anchors !== undefined && anchors > 0) link.anchors = anchors;
    // A copy then one key set: a spread followed by a computed key builds a slow object, which every store then copies or writes.
    const metadata: Record<string, unknown> = { ...(event.metadata as Record<string, unknown>) };
    metadata[CHAIN_KEY] = link;
    // A store that keeps the link apart takes both from the stamped event instead of copying the metadata to drop the link again.
    // Its metadata text leaves out a chain key the metadata held before (the store writes that metadata as it is): then no texts.
    const texts = hasLinkField(event.metadata) ? undefined : { data: parts.data, metadata: parts.metadata };
    out.push(new StampedEvent(event, metadata, link, texts));
    hashes.push(computed.hash);
    prev = computed.hash;
  }
  return { events: out, hashes };
};
