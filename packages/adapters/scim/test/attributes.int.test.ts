import { ENTERPRISE, ERROR, USER, patch, startService, userBody, type TestService } from './support.js';

const q = (parameters: Record<string, string>): string => `?${new URLSearchParams(parameters).toString()}`;

// `attributes` and `excludedAttributes` (RFC 7644 §3.4.2.5) over real HTTP.
describe('SCIM attribute projection', () => {
  let service: TestService;
  beforeEach(async () => {
    service = await startService('memory', 5);
    await service.call('POST', '/Users', userBody('ann@acme.test', 'Ann', 'Lee', { externalId: 'ann', schemas: [USER, ENTERPRISE], [ENTERPRISE]: { employeeNumber: 'E-7' } }));
    await service.call('POST', '/Users', userBody('bob@acme.test', 'Bob', 'Ray', { externalId: 'bob' }));
    await service.call('PATCH', '/Groups/sales', patch({ op: 'add', path: 'members', value: [{ value: 'ann' }] }));
  });
  afterEach(async () => {
    await service.close();
  });

  it('returns only the attributes asked for, with id, schemas and meta always, on GET /Users and GET /Users/{id}', async () => {
    const list = await service.call('GET', `/Users${q({ attributes: 'userName' })}`);
    expect(list.status).toBe(200);
    for (const user of list.body.Resources as Record<string, unknown>[]) expect(Object.keys(user).sort()).toEqual(['id', 'meta', 'schemas', 'userName']);
    const one = await service.call('GET', `/Users/ann${q({ attributes: 'Name.givenName,emails.value,active' })}`);
    expect(one.body).toEqual({ schemas: [USER, ENTERPRISE], id: 'ann', name: { givenName: 'Ann' }, emails: [{ value: 'ann@acme.test' }], active: true, meta: one.body.meta });
    expect(one.body.meta).toMatchObject({ resourceType: 'User', location: expect.stringMatching(/\/Users\/ann$/) });
    expect(one.headers.get('etag')).toBe(one.body.meta.version);
    // Qualified by the schema URN, the core one and the extension's.
    const qualified = await service.call('GET', `/Users/ann${q({ attributes: `${USER}:userName,${ENTERPRISE}:employeeNumber` })}`);
    expect(qualified.body).toMatchObject({ userName: 'ann@acme.test', [ENTERPRISE]: { employeeNumber: 'E-7' } });
    expect(qualified.body.name).toBeUndefined();
    // A user without the attribute asked for has just the ones always returned.
    const bob = await service.call('GET', `/Users/bob${q({ attributes: `${ENTERPRISE}:employeeNumber` })}`);
    expect(Object.keys(bob.body).sort()).toEqual(['id', 'meta', 'schemas']);
  });

  it('leaves out the attributes excluded, never id, schemas or meta', async () => {
    const list = await service.call('GET', `/Users${q({ excludedAttributes: 'groups,emails,name.formatted,id,meta', filter: 'userName eq "ann@acme.test"' })}`);
    const [ann] = list.body.Resources as Record<string, any>[];
    expect(ann!.groups).toBeUndefined();
    expect(ann!.emails).toBeUndefined();
    expect(ann!.name).toEqual({ givenName: 'Ann', familyName: 'Lee' });
    expect(ann).toMatchObject({ id: 'ann', userName: 'ann@acme.test', active: true, schemas: [USER, ENTERPRISE], meta: { resourceType: 'User' } });
    const one = await service.call('GET', `/Users/ann${q({ excludedAttributes: ENTERPRISE })}`);
    expect(one.body[ENTERPRISE]).toBeUndefined();
    expect(one.body.userName).toBe('ann@acme.test');
  });

  it('filters on every attribute, then returns only those asked for, on GET /Groups', async () => {
    const spared = await service.call('GET', `/Groups${q({ excludedAttributes: 'members', filter: 'displayName eq "Sales"' })}`);
    expect(spared.body.Resources).toEqual([{ schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], id: 'sales', displayName: 'Sales', meta: spared.body.Resources[0].meta }]);
    const byMember = await service.call('GET', `/Groups${q({ attributes: 'displayName', filter: 'members.value eq "ann"' })}`);
    expect(byMember.body).toMatchObject({ totalResults: 1, Resources: [{ id: 'sales', displayName: 'Sales' }] });
    expect(byMember.body.Resources[0].members).toBeUndefined();
    const members = await service.call('GET', `/Groups/sales${q({ attributes: 'members.value' })}`);
    expect(members.body).toEqual({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], id: 'sales', members: [{ value: 'ann' }], meta: members.body.meta });
  });

  it('refuses a name that is not an attribute name with 400 invalidValue', async () => {
    const bad = await service.call('GET', `/Users${q({ attributes: 'userName,"><script>' })}`);
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ schemas: [ERROR], scimType: 'invalidValue' });
    const long = await service.call('GET', `/Groups${q({ excludedAttributes: 'a'.repeat(2049) })}`);
    expect(long.status).toBe(400);
  });
});
