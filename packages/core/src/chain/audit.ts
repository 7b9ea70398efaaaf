import * as E from 'fp-ts/lib/Either.js';
import { organizationStreamId } from '../ids.js';
import type { EventStore, StoredEvent } from '../store/port.js';
import { GENESIS_HASH, metadataWithLink, storedLinkOf } from './link.js';
import { auditPath } from './merkle.js';
import type { EventProof } from './proof.js';
import { ChainVerifier, type ChainDigest, type ChainMismatch, type ChainVerification } from './verify.js';

const PAGE = 10_000;

/** Reads a stream page by page, in version order, handing each event to `visit` until it returns false. */
const readEach = async (store: EventStore, streamId: string, visit: (stored: StoredEvent) => boolean, upTo = Number.POSITIVE_INFINITY): Promise<void> => {
  let from = 1;
  for (;;) {
    const read = await store.readStream(streamId, { fromVersion: from, maxCount: PAGE });
    for (const stored of read.events) {
      if (stored.streamVersion > upTo) return;
      if (!visit(stored)) return;
    }
    if (read.events.length < PAGE) return;
    // Continue after the last version read: an event whose version was changed is then reported where it is missing.
    from = read.events[read.events.length - 1]!.streamVersion + 1;
  }
};

/**
 * Verifies an organization's stream: reads it from version 1, recomputes
 * every event's hash and link, and reports the first event that does not
 * match; with a digest, also that the stream still holds the events the
 * digest was taken of (same hash and Merkle root at its version).
 */
export const verifyChain = async (store: EventStore, orgId: string, options: { readonly digest?: ChainDigest } = {}): Promise<ChainVerification> => {
  const streamId = organizationStreamId(orgId);
  const verifier = new ChainVerifier(streamId, options.digest ? [options.digest.streamVersion] : []);
  await readEach(store, streamId, (stored) => verifier.push(stored));
  return options.digest ? verifier.checkDigest(options.digest) : verifier.result();
};

/** The digest of an organization's stream as it is now, once its chain verified; else the first mismatch. */
export const chainDigest = async (store: EventStore, orgId: string): Promise<E.Either<ChainMismatch, ChainDigest>> => {
  const verification = await verifyChain(store, orgId);
  if (verification.mismatch) return E.left(verification.mismatch);
  const { head } = verification;
  return E.right({
    digest: 'learner-ledger/chain-digest/1',
    orgId,
    streamId: verification.streamId,
    streamVersion: head.streamVersion,
    hash: head.hash,
    merkleRoot: head.merkleRoot,
    occurredAt: head.occurredAt,
    unchainedEvents: verification.unchainedEvents,
  });
};

/** Why no proof could be made. */
export type ProofRefusal = { readonly kind: 'not-found'; readonly message: string } | ({ readonly kind: 'mismatch' } & { readonly mismatch: ChainMismatch; readonly message: string });

/**
 * A proof that the event at `streamVersion` is in the organization's stream
 * as of a digest (default: as the stream is now): the event as stored (its
 * link in its metadata, as it was appended, whichever store kept it), the
 * hash of the event before it, and the Merkle audit path to the digest's
 * root. The stream is verified up to the digest first: a broken chain proves
 * nothing.
 */
export const proveEvent = async (store: EventStore, orgId: string, streamVersion: number, options: { readonly digest?: ChainDigest } = {}): Promise<E.Either<ProofRefusal, EventProof>> => {
  const streamId = organizationStreamId(orgId);
  const upTo = options.digest?.streamVersion ?? Number.POSITIVE_INFINITY;
  const verifier = new ChainVerifier(streamId, options.digest ? [options.digest.streamVersion] : []);
  const hashes: string[] = [];
  let target: StoredEvent | undefined;
  let previous = '';
  await readEach(
    store,
    streamId,
    (stored) => {
      if (!verifier.push(stored)) return false;
      const hash = verifier.headHash;
      if (stored.streamVersion === streamVersion) {
        target = stored;
        previous = hashes[hashes.length - 1] ?? GENESIS_HASH;
      }
      hashes.push(hash);
      return true;
    },
    upTo,
  );
  const verification = options.digest ? verifier.checkDigest(options.digest) : verifier.result();
  if (verification.mismatch) return E.left({ kind: 'mismatch', mismatch: verification.mismatch, message: verification.mismatch.message });
  if (!target) return E.left({ kind: 'not-found', message: `${streamId} holds no event at version ${streamVersion}${options.digest ? ` as of the digest (version ${upTo})` : ''}` });
  const link = storedLinkOf(target);
  return E.right({
    proof: 'learner-ledger/event-proof/1',
    streamId,
    streamVersion,
    event: { eventId: target.eventId, type: target.type, schemaVersion: target.schemaVersion, data: target.data, metadata: metadataWithLink(target) },
    chainVersion: link?.v ?? 1,
    previousHash: previous,
    treeSize: hashes.length,
    merkleRoot: verification.head.merkleRoot,
    path: auditPath(hashes, streamVersion - 1),
  });
};
