/**
 * Tamper evidence: every event of an organization's stream carries a hash
 * of its canonical form chained to the previous event's; digests of a
 * stream's head, verification, and proofs that one event is in a stream.
 */
export { canonicalJson } from './canonical.js';
export { CHAIN_KEY, CURRENT_CHAIN_VERSION, GENESIS_HASH, ChainLink, chainEvents, computeLink, metadataWithLink, stampedTexts, storedLink, storedLinkOf, type ChainInput, type StampedTexts, type LinkCarrier, type ChainPart, type ChainedEvents, type ComputedLink } from './link.js';
export { MerkleAccumulator, auditPath, rootFromPath } from './merkle.js';
export { ChainDigest, ChainVerifier, type ChainMismatch, type ChainMismatchKind, type ChainVerification } from './verify.js';
export { EventProof, verifyEventProof } from './proof.js';
export { chainDigest, proveEvent, verifyChain, type ProofRefusal } from './audit.js';
