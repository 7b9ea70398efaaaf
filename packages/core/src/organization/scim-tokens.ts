import * as E from 'fp-ts/lib/Either.js';
import type { IssueScimToken, RevokeScimToken } from '../commands.js';
import { domainError } from '../errors.js';
import { checkId, checkText } from '../validation.js';
import { ok, type Result } from './decision.js';
import type { OrganizationState } from './state.js';

const SHA256_HEX = /^[0-9a-f]{64}$/;

/** Issues a token to a SCIM client: the organization keeps its digest only, so its log never holds a token that opens it. */
export const issueScimToken = (state: OrganizationState, c: IssueScimToken): Result => {
  const invalid = checkId('tokenId', 'Token id', c.tokenId) ?? checkText('client', 'Client name', c.client);
  if (invalid) return E.left(invalid);
  if (typeof c.sha256 !== 'string' || !SHA256_HEX.test(c.sha256)) {
    return E.left(domainError('INVALID_TEXT', 'The token digest must be a lower-case hex SHA-256 (64 characters)', { field: 'sha256' }));
  }
  const taken = state.scimTokens.has(c.tokenId) ? 'id' : [...state.scimTokens.values()].some((record) => record.sha256 === c.sha256) ? 'digest' : undefined;
  if (taken !== undefined) {
    return E.left(domainError('DUPLICATE_SCIM_TOKEN', `Organization ${state.orgId} already has a SCIM token with this ${taken}: issue a new one`, { subject: c.tokenId, field: taken === 'id' ? 'tokenId' : 'sha256' }));
  }
  return ok(
    [{ event: { type: 'ScimTokenIssued', data: { tokenId: c.tokenId, client: c.client.trim(), sha256: c.sha256 } } }],
    [{ subject: c.tokenId, action: 'issue-token', status: 'applied' }],
  );
};

/**
 * Revokes the token with this id, or every token of the client with this
 * name. A token revoked already is skipped (a retried revocation writes
 * nothing); a name that matches no token is refused.
 */
export const revokeScimToken = (state: OrganizationState, c: RevokeScimToken): Result => {
  const byId = state.scimTokens.get(c.token);
  const matching = byId !== undefined ? [byId] : [...state.scimTokens.values()].filter((record) => record.client === c.token.trim());
  if (matching.length === 0) {
    return E.left(domainError('SCIM_TOKEN_NOT_FOUND', `Organization ${state.orgId} has no SCIM token or client ${JSON.stringify(c.token)}`, { subject: c.token, field: 'token', value: c.token }));
  }
  const active = matching.filter((record) => record.status === 'active');
  if (active.length === 0) return ok([], matching.map((record) => ({ subject: record.tokenId, action: 'revoke-token', status: 'skipped', code: 'UNCHANGED' })));
  return ok(
    active.map((record) => ({ event: { type: 'ScimTokenRevoked', data: { tokenId: record.tokenId } } })),
    active.map((record) => ({ subject: record.tokenId, action: 'revoke-token', status: 'applied' })),
  );
};
