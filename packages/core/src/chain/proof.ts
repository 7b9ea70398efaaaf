import * as E from 'fp-ts/lib/Either.js';
import * as t from 'io-ts';
import { computeLink, isKnownChainVersion, storedLink } from './link.js';
import { rootFromPath } from './merkle.js';
import type { ChainDigest } from './verify.js';

/**
 * A proof that one event is in a stream as of a digest: the event as
 * stored, the hash of the event before it, and the Merkle audit path from
 * its hash to the root of the stream's first `treeSize` events. Checking it
 * needs the digest alone, not the store.
 */
export const EventProof = t.type({
  proof: t.literal('learner-ledger/event-proof/1'),
  streamId: t.string,
  streamVersion: t.number,
  event: t.type({ eventId: t.string, type: t.string, schemaVersion: t.number, data: t.unknown, metadata: t.unknown }),
  chainVersion: t.number,
  previousHash: t.string,
  treeSize: t.number,
  merkleRoot: t.string,
  path: t.array(t.string),
});
export type EventProof = t.TypeOf<typeof EventProof>;

/**
 * Checks a proof against a digest: the event's hash recomputed from its
 * content and the previous hash, and the audit path from it, lead to the
 * digest's Merkle root. Answers the event's hash, or why the proof fails.
 * Pure.
 */
export const verifyEventProof = (proof: EventProof, digest: ChainDigest): E.Either<string, { readonly hash: string }> => {
  if (proof.streamId !== digest.streamId) return E.left(`the proof is of stream ${proof.streamId}, the digest of ${digest.streamId}`);
  if (proof.treeSize !== digest.streamVersion) return E.left(`the proof is as of version ${proof.treeSize}, the digest of version ${digest.streamVersion}`);
  if (!isKnownChainVersion(proof.chainVersion)) return E.left(`chain version ${proof.chainVersion} is not known to this library`);
  const { hash } = computeLink({ ...proof.event, streamId: proof.streamId, streamVersion: proof.streamVersion }, proof.previousHash, proof.chainVersion);
  const link = storedLink(proof.event.metadata);
  if (link && link.hash !== hash) return E.left(`the event's content does not hash to the hash it carries`);
  if (proof.streamVersion === digest.streamVersion && hash !== digest.hash) return E.left(`the event is the digest's head, but its hash is not the digest's`);
  const root = rootFromPath(hash, proof.streamVersion - 1, proof.treeSize, proof.path);
  if (root === undefined) return E.left('the audit path does not fit a tree of this size');
  if (root !== digest.merkleRoot) return E.left(`the audit path leads to ${root}, the digest's root is ${digest.merkleRoot}: the event is not in the stream the digest was taken of`);
  return E.right({ hash });
};
