import { organizationStreamId } from '@learner-ledger/core';
import { hashToken } from '@learner-ledger/scim';
import { cliHarness, seedAcme } from './harness.js';

describe('scim token commands', () => {
  test('create prints the token once; the history keeps only its digest, with the client and the administrator who issued it', async () => {
    const { run, store } = cliHarness({ env: { LEARNER_LEDGER_ACTOR: 'it@acme.test' } });
    await seedAcme(run);
    const created = await run('scim', 'token', 'create', 'acme', '--client', 'okta', '--json');
    expect(created.code).toBe(0);
    const { token, tokenId, client } = created.json();
    expect(token).toMatch(/^scim_[A-Za-z0-9_-]{43}$/);
    expect(client).toBe('okta');
    const events = (await store.readStream(organizationStreamId('acme'))).events;
    const issued = events.filter((event) => event.type === 'ScimTokenIssued');
    expect(issued.map((event) => event.data)).toEqual([{ tokenId, client: 'okta', sha256: hashToken(token) }]);
    expect(issued[0]!.metadata).toMatchObject({ actor: { kind: 'admin', id: 'it@acme.test' } });
    expect(JSON.stringify(events.map(({ data, metadata }) => ({ data, metadata })))).not.toContain(token);

    const text = await run('scim', 'token', 'create', 'acme', '--client', 'entra');
    expect(text.out).toMatch(/^SCIM token tok-[0-9a-f]{12} for client entra of acme:\nscim_\S+\nIt is shown this once/);
  });

  test('list shows ids, clients and status, never a token; revoke by client, then again: nothing changes; an unknown one is refused', async () => {
    const { run, store } = cliHarness();
    await seedAcme(run);
    const okta = (await run('scim', 'token', 'create', 'acme', '--client', 'okta', '--json')).json();
    const entra = (await run('scim', 'token', 'create', 'acme', '--client', 'entra', '--json')).json();
    expect((await run('scim', 'token', 'revoke', 'acme', 'okta', '--json')).json()).toEqual({ orgId: 'acme', revoked: [okta.tokenId], alreadyRevoked: [] });
    const head = await store.headPosition();
    const again = await run('scim', 'token', 'revoke', 'acme', okta.tokenId);
    expect(again.out).toBe(`SCIM token ${okta.tokenId} of acme already revoked: nothing changed.\n`);
    expect(await store.headPosition()).toBe(head);
    const unknown = await run('scim', 'token', 'revoke', 'acme', 'onelogin', '--json');
    expect(unknown.code).toBe(1);
    expect(unknown.json().error.code).toBe('SCIM_TOKEN_NOT_FOUND');

    const list = await run('scim', 'token', 'list', 'acme', '--json');
    expect(list.json().tokens).toEqual([
      { tokenId: okta.tokenId, client: 'okta', status: 'revoked' },
      { tokenId: entra.tokenId, client: 'entra', status: 'active' },
    ]);
    const listText = (await run('scim', 'token', 'list', 'acme')).out;
    expect(listText).toContain(entra.tokenId);
    expect(listText).not.toContain(entra.token);
  });

  test('a client name must be a plain name (usage error, exit 2)', async () => {
    const { run } = cliHarness();
    await seedAcme(run);
    expect((await run('scim', 'token', 'create', 'acme', '--client', 'a b')).code).toBe(2);
  });
});
