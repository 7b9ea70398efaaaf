import { ERROR, patch, startService, userBody, type TestService } from './support.js';

// The Groups endpoint and discovery over real HTTP on an ephemeral port, on the in-memory store.
describe('SCIM Groups ↔ teams', () => {
  let service: TestService;
  beforeEach(async () => {
    service = await startService('memory', 5);
    for (const id of ['ann', 'bob']) await service.call('POST', '/Users', userBody(`${id}@acme.test`, id, 'X', { externalId: id }));
  });
  afterEach(async () => {
    await service.close();
  });

  it('lists the teams, the inactive team included, and finds one by displayName', async () => {
    const all = await service.call('GET', '/Groups');
    expect((all.body.Resources as { id: string }[]).map((group) => group.id).sort()).toEqual(['inactive-learners', 'sales']);
    const found = await service.call('GET', `/Groups?filter=${encodeURIComponent('displayName eq "sales"')}`);
    expect(found.body).toMatchObject({ totalResults: 1, Resources: [{ id: 'sales', displayName: 'Sales', members: [] }] });
  });

  it('creates a team with members (201), refuses a taken name with 409 uniqueness', async () => {
    const created = await service.call('POST', '/Groups', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: 'Support EMEA', members: [{ value: 'ann' }] });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ id: 'support-emea', displayName: 'Support EMEA', members: [{ value: 'ann' }] });
    expect(created.headers.get('location')).toMatch(/\/Groups\/support-emea$/);
    expect((await service.state()).learners.get('ann')!.teams).toEqual(['support-emea']);
    const taken = await service.call('POST', '/Groups', { displayName: 'support emea' });
    expect(taken.body).toMatchObject({ status: '409', scimType: 'uniqueness' });
  });

  it('changes membership with Okta and Entra ID member PATCHes, through the ledger with channel scim', async () => {
    const added = await service.call('PATCH', '/Groups/sales', patch({ op: 'add', path: 'members', value: [{ value: 'ann', display: 'ann@acme.test' }, { value: 'bob' }] }));
    expect(added.status).toBe(200);
    expect((added.body.members as { value: string }[]).map((m) => m.value)).toEqual(['ann', 'bob']);
    const oktaRemove = await service.call('PATCH', '/Groups/sales', patch({ op: 'remove', path: 'members[value eq "ann"]' }));
    expect((oktaRemove.body.members as { value: string }[]).map((m) => m.value)).toEqual(['bob']);
    const entraRemove = await service.call('PATCH', '/Groups/sales', patch({ op: 'Remove', path: 'members', value: [{ $ref: null, value: 'bob' }] }));
    expect(entraRemove.body.members).toEqual([]);
    const events = (await service.ledger.store.readStream('learner-ledger.org-acme')).events.filter((event) => event.type === 'TeamMembershipChanged');
    expect(events.slice(-4).map((event) => event.metadata)).toEqual(expect.arrayContaining([expect.objectContaining({ channel: 'scim', actor: { kind: 'connector', id: 'okta' } })]));
    expect((await service.state()).learners.get('ann')!.teams).toEqual([]);
  });

  it('PUT sets the members; an unknown learner is 400 invalidValue and changes nothing; renaming is refused', async () => {
    const put = await service.call('PUT', '/Groups/sales', { displayName: 'Sales', members: [{ value: 'bob' }] });
    expect((put.body.members as { value: string }[]).map((m) => m.value)).toEqual(['bob']);
    const unknown = await service.call('PUT', '/Groups/sales', { displayName: 'Sales', members: [{ value: 'ann' }, { value: 'ghost' }] });
    expect(unknown.body).toMatchObject({ status: '400', scimType: 'invalidValue' });
    expect((await service.state()).learners.get('ann')!.teams).toEqual([]);
    const renamed = await service.call('PATCH', '/Groups/sales', patch({ op: 'replace', value: { displayName: 'Sales West' } }));
    expect(renamed.body).toMatchObject({ status: '400', scimType: 'mutability' });
  });

  it('keeps the ledger rules: an inactive learner joins no standard team; the inactive team follows deactivation alone', async () => {
    await service.call('PATCH', '/Users/ann', patch({ op: 'replace', path: 'active', value: false }));
    const inactive = await service.call('PATCH', '/Groups/sales', patch({ op: 'add', path: 'members', value: [{ value: 'ann' }] }));
    expect(inactive.body).toMatchObject({ status: '400', scimType: 'invalidValue' });
    expect(inactive.body.detail).toMatch(/inactive/);
    const active = await service.call('PATCH', '/Groups/inactive-learners', patch({ op: 'add', path: 'members', value: [{ value: 'bob' }] }));
    expect(active.body).toMatchObject({ status: '400', scimType: 'mutability' });
    const out = await service.call('PATCH', '/Groups/inactive-learners', patch({ op: 'remove', path: 'members[value eq "ann"]' }));
    expect(out.body).toMatchObject({ status: '400', scimType: 'mutability' });
    expect(out.body.detail).toMatch(/follow deactivation/);
    const state = await service.state();
    expect(state.learners.get('ann')!.teams).toEqual([state.inactiveTeamId]);
    expect(state.learners.get('bob')!.teams).toEqual([]);
  });

  it('refuses DELETE of a team with 405: teams are kept with their history', async () => {
    const reply = await service.call('DELETE', '/Groups/sales');
    expect(reply.status).toBe(405);
    expect(reply.body.schemas).toEqual([ERROR]);
    expect((await service.state()).teams.has('sales')).toBe(true);
    expect((await service.call('DELETE', '/Groups/nope')).status).toBe(404);
  });

  it('answers stale group versions with 412', async () => {
    const before = await service.call('GET', '/Groups/sales');
    await service.call('PATCH', '/Groups/sales', patch({ op: 'add', path: 'members', value: [{ value: 'ann' }] }), { headers: { 'if-match': before.body.meta.version } });
    const stale = await service.call('PATCH', '/Groups/sales', patch({ op: 'add', path: 'members', value: [{ value: 'bob' }] }), { headers: { 'if-match': before.body.meta.version } });
    expect(stale.status).toBe(412);
  });

  it('publishes ServiceProviderConfig, Schemas and ResourceTypes', async () => {
    const config = await service.call('GET', '/ServiceProviderConfig');
    expect(config.body).toMatchObject({ patch: { supported: true }, filter: { supported: true }, etag: { supported: true }, bulk: { supported: false } });
    const schemas = await service.call('GET', '/Schemas');
    expect((schemas.body.Resources as { id: string }[]).map((schema) => schema.id)).toEqual([
      'urn:ietf:params:scim:schemas:core:2.0:User',
      'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User',
      'urn:ietf:params:scim:schemas:core:2.0:Group',
    ]);
    const user = await service.call('GET', '/Schemas/urn:ietf:params:scim:schemas:core:2.0:User');
    expect(user.body.attributes.find((a: { name: string }) => a.name === 'userName')).toMatchObject({ required: true, uniqueness: 'server' });
    const types = await service.call('GET', '/ResourceTypes');
    expect(types.body.Resources).toEqual([expect.objectContaining({ id: 'User', endpoint: '/Users' }), expect.objectContaining({ id: 'Group', endpoint: '/Groups' })]);
    expect((await service.call('GET', '/ResourceTypes/Group')).body).toMatchObject({ schema: 'urn:ietf:params:scim:schemas:core:2.0:Group' });
    expect((await service.call('GET', '/ResourceTypes/Nope')).status).toBe(404);
  });
});
