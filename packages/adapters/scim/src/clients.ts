import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import * as E from 'fp-ts/lib/Either.js';
import { isOrgId, type Ledger } from '@learner-ledger/core';

/** An identity provider's client: the actor of the changes it makes, for the one organization its token opens. */
export interface ScimClient {
  readonly name: string;
  readonly orgId: string;
}

/** A client as it is kept: its token only as a SHA-256 digest, never the token itself. */
export interface ScimTokenRecord extends ScimClient {
  /** Hex SHA-256 of the bearer token. */
  readonly sha256: string;
}

/**
 * Finds the client a bearer token belongs to (`undefined`: no client has it).
 * `orgId` is the organization of the request's URL: an authenticator may look
 * only there; the handler refuses a client of another organization anyway.
 */
export type ScimAuthenticator = (token: string, orgId: string) => ScimClient | undefined | Promise<ScimClient | undefined>;

/** The digest a token is kept and looked up by. */
export const hashToken = (token: string): string => createHash('sha256').update(token, 'utf8').digest('hex');

/** A new random bearer token (256 bits): shown once to the administrator, kept only as {@link hashToken}. */
export const issueToken = (): string => `scim_${randomBytes(32).toString('base64url')}`;

/**
 * An authenticator over kept token records. Tokens are compared by their
 * SHA-256 digest, so the lookup reveals nothing about a token through its
 * timing and the records can be stored where others may read them.
 */
export const tokenAuthenticator = (records: Iterable<ScimTokenRecord>): ScimAuthenticator => {
  const byDigest = new Map<string, ScimClient>();
  for (const record of records) byDigest.set(record.sha256.toLowerCase(), { name: record.name, orgId: record.orgId });
  return (token) => byDigest.get(hashToken(token));
};

/**
 * An authenticator over the tokens the organization keeps in its own stream
 * (`ScimTokenIssued`, `ScimTokenRevoked`: issued and revoked with the
 * ledger's `IssueScimToken` and `RevokeScimToken` commands, e.g. by
 * `learner-ledger scim token create`). It reads the organization's state on
 * every request, so a token revoked by another process stops working at once.
 */
export const ledgerTokenAuthenticator = (ledger: Pick<Ledger, 'state'>): ScimAuthenticator => async (token, orgId) => {
  if (!isOrgId(orgId)) return undefined;
  const state = await ledger.state(orgId);
  if (E.isLeft(state) || !state.right.exists) return undefined;
  const digest = Buffer.from(hashToken(token), 'hex');
  for (const record of state.right.scimTokens.values()) {
    if (record.status === 'active' && timingSafeEqual(Buffer.from(record.sha256, 'hex'), digest)) return { name: record.client, orgId };
  }
  return undefined;
};
