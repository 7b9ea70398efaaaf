import * as t from 'io-ts';
import type { GlobalPosition, StoredEvent } from '../store/port.js';
import { computeLink, differingParts, GENESIS_HASH, hasLinkOf, isKnownChainVersion, storedLinkOf, type ChainPart } from './link.js';
import { MerkleAccumulator } from './merkle.js';

/**
 * The head of a stream's chain at one version, to keep outside the system
 * (a period-close file an auditor signs): the hash of the event at
 * `streamVersion` (which covers every event before it), the Merkle root of
 * the hashes of events 1 to `streamVersion` (for proofs of one event), the
 * instant of that event, and how many events at the start of the stream
 * were written before the chain (anchored by the first chained event).
 */
export const ChainDigest = t.type({
  digest: t.literal('learner-ledger/chain-digest/1'),
  orgId: t.string,
  streamId: t.string,
  streamVersion: t.number,
  hash: t.string,
  merkleRoot: t.string,
  occurredAt: t.union([t.string, t.null]),
  unchainedEvents: t.number,
});
export type ChainDigest = t.TypeOf<typeof ChainDigest>;

/** What made an event fail verification. */
export type ChainMismatchKind = 'stream-version' | 'missing-link' | 'malformed-link' | 'chain-version' | 'anchor' | 'event-id' | ChainPart | 'hash' | 'digest';

/** The first event of a stream that does not match its chain (or a digest that does not match the stream). */
export interface ChainMismatch {
  /** The place in the stream where the event was expected (1-based): the version it should have. */
  readonly position: number;
  /** The version the event at that place carries (undefined when the stream ended before it). */
  readonly streamVersion?: number;
  readonly globalPosition?: GlobalPosition;
  readonly eventId?: string;
  readonly type?: string;
  readonly kind: ChainMismatchKind;
  /** What differs, for a person. */
  readonly message: string;
}

/** The answer of a verification: the chain's head as recomputed, and the first mismatch, if any. */
export interface ChainVerification {
  readonly streamId: string;
  /** Events read. */
  readonly events: number;
  /** Events at the start of the stream written before the chain. */
  readonly unchainedEvents: number;
  /** The recomputed head: version, hash, Merkle root and instant of the last event read. */
  readonly head: { readonly streamVersion: number; readonly hash: string; readonly merkleRoot: string; readonly occurredAt: string | null };
  readonly mismatch?: ChainMismatch;
}

const occurredAtOf = (stored: StoredEvent): string | null => {
  const value = (stored.metadata as { occurredAt?: unknown } | null)?.occurredAt;
  return typeof value === 'string' ? value : null;
};

const eventIdInMetadata = (stored: StoredEvent): unknown => (stored.metadata as { eventId?: unknown } | null)?.eventId;

const PART_NAMES: Record<ChainPart, string> = {
  type: 'the type or schema version',
  data: 'the payload',
  metadata: 'the metadata',
  place: 'the stream, version or event id',
};

/**
 * Recomputes a stream's chain event by event, from version 1, and stops at
 * the first event that does not match: a version out of place, a missing or
 * malformed link, an anchor that does not fit, an event id that differs from
 * its metadata's, or a hash that differs from the one the event carries
 * (naming the parts whose digests differ). Each event is chained to the hash
 * recomputed for the one before, so one edited event is reported, not every
 * event after it. Pure: feed it the stored events in order.
 */
export class ChainVerifier {
  private previous = GENESIS_HASH;
  private readonly tree = new MerkleAccumulator();
  private unchained = 0;
  private chained = false;
  private lastOccurredAt: string | null = null;
  private failure: ChainMismatch | undefined;
  /** The first event read without a link, while no event before it had one. */
  private firstUnchained: StoredEvent | undefined;
  /** The Merkle root and hash when the chain reached the version a digest names. */
  private atVersion = new Map<number, { hash: string; merkleRoot: string }>();

  /** Events that verified. */
  private count = 0;

  constructor(
    readonly streamId: string,
    /** Versions whose hash and root to remember (a digest's). */
    private readonly remember: readonly number[] = [],
    /** Build the Merkle tree (for a digest's root); a verifier that only checks links can skip it (its results then give the empty tree's root). */
    private readonly options: { readonly merkleTree?: boolean } = {},
  ) {}

  /** The hash of the last event that verified (the genesis hash before the first). */
  get headHash(): string {
    return this.previous;
  }

  get mismatch(): ChainMismatch | undefined {
    return this.failure;
  }

  /** Checks the next event; false once a mismatch was found (later events are not looked at). */
  push(stored: StoredEvent): boolean {
    if (this.failure) return false;
    const position = this.count + 1;
    const where = { position, streamVersion: stored.streamVersion, globalPosition: stored.globalPosition, eventId: stored.eventId, type: stored.type };
    const failAt = (at: StoredEvent, kind: ChainMismatchKind, message: string): false => {
      const { streamVersion, globalPosition, eventId, type } = at;
      this.failure = { position: streamVersion, streamVersion, globalPosition, eventId, type, kind, message: `${this.streamId} position ${streamVersion} (version ${streamVersion}, event ${eventId}, ${type}): ${message}` };
      return false;
    };
    const fail = (kind: ChainMismatchKind, message: string): false => {
      this.failure = { ...where, kind, message: `${this.streamId} position ${position} (version ${stored.streamVersion}, event ${stored.eventId}, ${stored.type}): ${message}` };
      return false;
    };
    if (stored.streamVersion !== position) {
      return fail('stream-version', `expected version ${position}, found ${stored.streamVersion}: an event is missing, or its version was changed`);
    }
    const link = storedLinkOf(stored);
    if (!link && hasLinkOf(stored)) return fail('malformed-link', 'its chain link is not well-formed');
    if (link && !isKnownChainVersion(link.v)) return fail('chain-version', `chain version ${link.v} is not known to this library`);
    const computed = computeLink(stored, this.previous, link?.v);
    const metadataId = eventIdInMetadata(stored);
    if (!link) {
      if (this.chained) return fail('missing-link', 'it carries no chain link, though the events before it do: the link was removed, or the event was written around the chain');
      this.unchained++;
      this.firstUnchained ??= stored;
    } else {
      const anchors = position - 1;
      if (!this.chained && anchors > 0 && link.anchors === undefined && this.firstUnchained) {
        // A chain that starts at 1 (no anchor) behind events without links: their links were removed.
        return failAt(this.firstUnchained, 'missing-link', `it carries no chain link, but the chain starts before it (event ${stored.streamVersion} anchors no earlier events): its link was removed`);
      }
      if (!this.chained && anchors > 0 && link.anchors !== anchors) {
        return fail('anchor', `it is the first chained event after ${anchors} events written before the chain, but its link anchors ${link.anchors ?? 'none'}`);
      }
      if ((this.chained || anchors === 0) && link.anchors !== undefined) return fail('anchor', `its link anchors ${link.anchors} events written before the chain, but there are none`);
    }
    if (metadataId !== stored.eventId) {
      return fail('event-id', `its event id is ${JSON.stringify(stored.eventId)} but its metadata says ${JSON.stringify(metadataId)}`);
    }
    if (link && link.hash === computed.hash && link.parts !== computed.parts) return fail('hash', 'its part digests differ from those of its content: the link was changed');
    if (link && link.hash !== computed.hash) {
      const parts = differingParts(link.parts, computed.parts);
      if (parts.length > 0) return fail(parts[0]!, `${parts.map((p) => PART_NAMES[p]).join(', ')} ${parts.length === 1 ? 'differs' : 'differ'} from what was hashed when it was written`);
      const prefix = this.unchained > 0 && !this.chained ? `, or one of the ${this.unchained} events before it (written before the chain, anchored by this hash) changed` : '';
      return fail('hash', `its stored hash differs from the hash of its content${prefix}`);
    }
    if (link) this.chained = true;
    this.previous = computed.hash;
    this.count++;
    if (this.options.merkleTree !== false) this.tree.push(computed.hash);
    this.lastOccurredAt = occurredAtOf(stored);
    if (this.remember.includes(position)) this.atVersion.set(position, { hash: computed.hash, merkleRoot: this.tree.root() });
    return true;
  }

  /** The verification so far. */
  result(): ChainVerification {
    return {
      streamId: this.streamId,
      events: this.count + (this.failure && this.failure.kind !== 'digest' ? 1 : 0),
      unchainedEvents: this.unchained,
      head: { streamVersion: this.count, hash: this.previous, merkleRoot: this.tree.root(), occurredAt: this.lastOccurredAt },
      ...(this.failure ? { mismatch: this.failure } : {}),
    };
  }

  /**
   * Checks a digest against the chain as recomputed, once every event was
   * pushed: the stream must still hold the digest's version, with the same
   * hash and Merkle root there (events after it are allowed).
   */
  checkDigest(digest: ChainDigest): ChainVerification {
    if (!this.failure) {
      const at = this.atVersion.get(digest.streamVersion) ?? (digest.streamVersion === 0 ? { hash: GENESIS_HASH, merkleRoot: this.emptyRoot() } : undefined);
      const mismatch = (message: string): void => {
        this.failure = { position: digest.streamVersion, kind: 'digest', message: `${this.streamId} position ${digest.streamVersion}: ${message}` };
      };
      if (digest.streamId !== this.streamId) mismatch(`the digest is of stream ${digest.streamId}`);
      else if (at === undefined) mismatch(`the digest names version ${digest.streamVersion}, but the stream holds ${this.count} events: events were removed`);
      else if (at.hash !== digest.hash) mismatch(`the hash at version ${digest.streamVersion} is ${at.hash}, the digest says ${digest.hash}: the events up to it are not the ones the digest was taken of`);
      else if (at.merkleRoot !== digest.merkleRoot) mismatch(`the Merkle root at version ${digest.streamVersion} is ${at.merkleRoot}, the digest says ${digest.merkleRoot}`);
    }
    return this.result();
  }

  private emptyRoot(): string {
    return new MerkleAccumulator().root();
  }
}
