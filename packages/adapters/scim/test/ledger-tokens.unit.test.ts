import { createLedger, InMemoryEventStore } from '@learner-ledger/core';
import { hashToken, issueToken, ledgerTokenAuthenticator } from '../src/index.js';
import { setup } from './support.js';

describe('tokens kept in the organization stream', () => {
  it('opens only the organization that issued it, until it is revoked; another process revoking it counts at once', async () => {
    const store = new InMemoryEventStore();
    const ledger = createLedger({ store });
    for (const orgId of ['acme', 'globex']) await setup(ledger, { type: 'OnboardOrganization', orgId, name: orgId, seats: 1 });
    const token = issueToken();
    await setup(ledger, { type: 'IssueScimToken', orgId: 'acme', tokenId: 't1', client: 'okta', sha256: hashToken(token) });
    const authenticate = ledgerTokenAuthenticator(ledger);

    expect(await authenticate(token, 'acme')).toEqual({ name: 'okta', orgId: 'acme' });
    expect(await authenticate(token, 'globex')).toBeUndefined();
    expect(await authenticate(`${token}x`, 'acme')).toBeUndefined();
    expect(await authenticate(token, 'nowhere')).toBeUndefined();
    expect(await authenticate(token, '../acme')).toBeUndefined();

    // A second ledger over the same store: another process, with its own cache.
    await setup(createLedger({ store }), { type: 'RevokeScimToken', orgId: 'acme', token: 't1' });
    expect(await authenticate(token, 'acme')).toBeUndefined();
  });
});
