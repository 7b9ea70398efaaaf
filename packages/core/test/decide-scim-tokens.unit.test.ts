import { serializeOrganizationState, deserializeOrganizationState } from '../src/index.js';
import * as E from 'fp-ts/lib/Either.js';
import { givenCommands } from '../src/testing/index.js';
import { acme, ctx } from './support.js';

const A = 'a'.repeat(64);
const B = 'b'.repeat(64);
const issue = (tokenId: string, client: string, sha256: string) => ({ type: 'IssueScimToken', orgId: 'acme', tokenId, client, sha256 }) as const;
const revoke = (token: string) => ({ type: 'RevokeScimToken', orgId: 'acme', token }) as const;

describe('SCIM tokens', () => {
  it('keeps an issued token as its digest, active until revoked', () => {
    givenCommands(acme(), ctx).when(issue('t1', 'okta', A), ctx).thenEvents([{ type: 'ScimTokenIssued', data: { tokenId: 't1', client: 'okta', sha256: A } }]);
    const state = givenCommands([...acme(), issue('t1', 'okta', A)], ctx).when(revoke('t1'), ctx).thenState();
    expect(state.scimTokens.get('t1')).toEqual({ tokenId: 't1', client: 'okta', sha256: A, status: 'revoked' });
  });

  it('refuses a token id or digest the organization has already, and a digest that is not SHA-256 hex', () => {
    givenCommands([...acme(), issue('t1', 'okta', A)], ctx).when(issue('t1', 'okta', B), ctx).thenError('DUPLICATE_SCIM_TOKEN');
    givenCommands([...acme(), issue('t1', 'okta', A)], ctx).when(issue('t2', 'entra', A), ctx).thenError('DUPLICATE_SCIM_TOKEN');
    givenCommands(acme(), ctx).when(issue('t1', 'okta', 'secret'), ctx).thenError('INVALID_TEXT');
    givenCommands(acme(), ctx).when(issue('t1', ' ', A), ctx).thenError('INVALID_TEXT');
  });

  it('revokes every token of a client by its name; a second revocation writes nothing; an unknown name is refused', () => {
    const issued = [...acme(), issue('t1', 'okta', A), issue('t2', 'okta', B)];
    givenCommands(issued, ctx).when(revoke('okta'), ctx).thenEvents([
      { type: 'ScimTokenRevoked', data: { tokenId: 't1' } },
      { type: 'ScimTokenRevoked', data: { tokenId: 't2' } },
    ]);
    givenCommands([...issued, revoke('okta')], ctx).when(revoke('t2'), ctx).thenEvents([]);
    givenCommands(issued, ctx).when(revoke('entra'), ctx).thenError('SCIM_TOKEN_NOT_FOUND');
  });

  it('round-trips through the plain state form', () => {
    const state = givenCommands([...acme(), issue('t1', 'okta', A), revoke('t1'), issue('t2', 'okta', B)], ctx).when(issue('t3', 'entra', 'c'.repeat(64)), ctx).thenState();
    const back = deserializeOrganizationState(JSON.parse(JSON.stringify(serializeOrganizationState(state))));
    expect(E.isRight(back) && [...back.right.scimTokens.values()]).toEqual([...state.scimTokens.values()]);
  });
});
