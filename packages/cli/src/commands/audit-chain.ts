import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Command } from 'commander';
import * as E from 'fp-ts/lib/Either.js';
import { ChainDigest, chainDigest, EventProof, proveEvent, verifyChain, verifyEventProof, type ChainVerification } from '@learner-ledger/core';
import { CliError, usageError } from '../errors.js';
import type { Session } from '../session.js';
import type { Action } from './action.js';

/** Reads a JSON document the tool wrote (a digest, a proof), checked against its codec. */
const readDocument = <A>(session: Session, file: string, codec: { decode: (value: unknown) => E.Either<unknown, A> }, what: string, code: string): A => {
  const location = path.resolve(session.io.cwd, file);
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(location, 'utf8'));
  } catch (error) {
    throw new CliError(code, `Cannot read the ${what} ${location}: ${error instanceof Error ? error.message : String(error)}`);
  }
  const decoded = codec.decode(parsed);
  if (E.isLeft(decoded)) throw new CliError(code, `${location} is not a ${what} written by learner-ledger audit`);
  return decoded.right;
};

const readDigest = (session: Session, file: string | undefined): ChainDigest | undefined =>
  file === undefined ? undefined : readDocument(session, file, ChainDigest, 'digest', 'INVALID_DIGEST');

/** Verification of an empty stream: the organization does not exist (the session says so, or the id is not one). */
const mustExist = async (session: Session, orgId: string, verification: ChainVerification): Promise<void> => {
  if (verification.events === 0) await session.organization(orgId);
};

const document = (value: unknown): string => `${JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? v.toString() : v), 2)}\n`;

const version = (text: string): number => {
  if (!/^\d+$/.test(text) || Number(text) < 1) throw usageError(`a stream version is a whole number ≥ 1, got ${JSON.stringify(text)}`, 'INVALID_ARGUMENT');
  return Number(text);
};

/** `audit digest`, `audit verify`, `audit prove`, `audit check-proof`: the hash chain of an organization's stream. */
export const registerChainCommands = (audit: Command, action: Action): void => {
  audit
    .command('digest')
    .description("print the head of the organization's hash chain (version, hash, Merkle root, instant) as a JSON document to keep outside the system")
    .argument('<orgId>', 'organization id')
    .action(
      action(async (session, [orgId]) => {
        const digest = await chainDigest(await session.storeAsWritten(), orgId);
        if (E.isLeft(digest)) throw new CliError('CHAIN_MISMATCH', `The chain does not verify, so no digest is printed: ${digest.left.message}`);
        if (digest.right.streamVersion === 0) await session.organization(orgId);
        return { json: digest.right, text: document(digest.right) };
      }),
    );

  audit
    .command('verify')
    .description("re-read the organization's stream, recompute its hash chain, and report the first event that does not match (exit 1)")
    .argument('<orgId>', 'organization id')
    .option('--digest <file>', 'also check that the stream still holds the events this digest was taken of')
    .action(
      action(async (session, [orgId], options: { digest?: string }) => {
        const digest = readDigest(session, options.digest);
        const verification = await verifyChain(await session.storeAsWritten(), orgId, digest ? { digest } : {});
        await mustExist(session, orgId, verification);
        const { head, mismatch } = verification;
        const json = { ...verification, verified: mismatch === undefined, ...(digest ? { digest } : {}) };
        if (mismatch) {
          return { json, text: `The chain of ${orgId} does not verify: ${mismatch.message}\n`, failure: { code: 'CHAIN_MISMATCH', message: mismatch.message } };
        }
        const unchained = verification.unchainedEvents > 0 ? `; the first ${verification.unchainedEvents} events were written before the chain and are anchored by the event after them` : '';
        const against = digest ? `, and it holds the ${digest.streamVersion} events of the digest` : '';
        return { json, text: `The chain of ${orgId} verifies: ${verification.events} events, head version ${head.streamVersion} (${head.occurredAt ?? 'no event'}), hash ${head.hash}${against}${unchained}.\n` };
      }),
    );

  audit
    .command('prove')
    .description('print a proof that the event at a stream version is in the stream as of a digest (default: as of now)')
    .argument('<orgId>', 'organization id')
    .argument('<version>', 'the stream version of the event', version)
    .option('--digest <file>', 'the digest the proof is checked against')
    .action(
      action(async (session, [orgId, at], options: { digest?: string }) => {
        const digest = readDigest(session, options.digest);
        const proof = await proveEvent(await session.storeAsWritten(), orgId, at as number, digest ? { digest } : {});
        if (E.isLeft(proof)) throw new CliError(proof.left.kind === 'mismatch' ? 'CHAIN_MISMATCH' : 'EVENT_NOT_FOUND', proof.left.message);
        return { json: proof.right, text: document(proof.right) };
      }),
    );

  audit
    .command('check-proof')
    .description('check a proof against a digest, without the store')
    .argument('<proofFile>', 'a proof printed by audit prove')
    .requiredOption('--digest <file>', 'the digest to check it against')
    .action(
      action(async (session, [proofFile], options: { digest: string }) => {
        const proof = readDocument(session, proofFile, EventProof, 'proof', 'INVALID_PROOF');
        const digest = readDigest(session, options.digest)!;
        const checked = verifyEventProof(proof, digest);
        const what = `${proof.event.type} at version ${proof.streamVersion} of ${proof.streamId}`;
        if (E.isLeft(checked)) return { json: { proven: false, reason: checked.left }, text: `Not proven: ${checked.left}\n`, failure: { code: 'PROOF_INVALID', message: checked.left } };
        return { json: { proven: true, hash: checked.right.hash }, text: `Proven: ${what} is in the stream as of the digest (version ${digest.streamVersion}, hash ${digest.hash}).\n` };
      }),
    );
};
