import { ENTERPRISE, USER, patch, startService, type StoreKind, type TestService } from './support.js';

const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const q = (filter: string): string => `filter=${encodeURIComponent(filter)}`;

/** The organization's stream version: what a retried request must leave unchanged. */
const streamVersion = async (service: TestService, orgId: string): Promise<number> => (await service.ledger.store.readStream(`learner-ledger.org-${orgId}`)).currentVersion;

/** The metadata of the last event of a type about a learner. */
const lastMetadata = async (service: TestService, orgId: string, type: string, learnerId: string) => {
  const events = (await service.ledger.store.readStream(`learner-ledger.org-${orgId}`)).events.filter((e) => e.type === type && (e.data as { learnerId?: string }).learnerId === learnerId);
  return events.at(-1)?.metadata;
};

// The request sequences Okta and Microsoft Entra ID send (their published SCIM provisioning guides), end to end over HTTP.
describe.each<StoreKind>(['memory', 'sqlite'])('identity provider flows on the %s store', (kind) => {
  let service: TestService;
  beforeEach(async () => {
    service = await startService(kind, 5);
  });
  afterEach(async () => {
    await service.close();
  });

  it('Okta: look up, create, read, PUT, deactivate and retry, reactivate, group push', async () => {
    const lookup = await service.call('GET', `/Users?${q('userName eq "dana.scully@acme.test"')}&startIndex=1&count=100`);
    expect(lookup.body).toMatchObject({ totalResults: 0, Resources: [] });
    const created = await service.call('POST', '/Users', {
      schemas: [USER],
      userName: 'dana.scully@acme.test',
      name: { givenName: 'Dana', familyName: 'Scully' },
      emails: [{ primary: true, value: 'dana.scully@acme.test', type: 'work' }],
      displayName: 'Dana Scully',
      locale: 'en-US',
      externalId: '00u1dana',
      groups: [],
      password: { value: 'ignored-by-the-service' },
      active: true,
    });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    expect((await service.call('GET', `/Users/${id}`)).body.userName).toBe('dana.scully@acme.test');

    const put = await service.call('PUT', `/Users/${id}`, { ...created.body, name: { givenName: 'Dana', familyName: 'Scully-Mulder' }, active: true });
    expect(put.status).toBe(200);
    expect(put.body.name.familyName).toBe('Scully-Mulder');

    const deactivate = patch({ op: 'replace', value: { active: false } });
    expect((await service.call('PATCH', `/Users/${id}`, deactivate)).body.active).toBe(false);
    const after = await streamVersion(service, 'acme');
    expect((await service.call('PATCH', `/Users/${id}`, deactivate)).status).toBe(200);
    expect(await streamVersion(service, 'acme')).toBe(after);
    const state = await service.state('acme');
    expect(state.learners.get(id)).toMatchObject({ status: 'inactive', licenseId: null, teams: [state.inactiveTeamId] });
    expect(await lastMetadata(service, 'acme', 'LearnerDeactivated', id)).toMatchObject({ channel: 'scim', actor: { kind: 'connector', id: 'okta' } });
    expect(await lastMetadata(service, 'acme', 'LicenseReleased', id)).toMatchObject({ channel: 'scim' });

    expect((await service.call('PATCH', `/Users/${id}`, patch({ op: 'replace', value: { active: true } }))).body.active).toBe(true);

    const group = await service.call('POST', '/Groups', { schemas: [GROUP], displayName: 'Okta Push', members: [] });
    expect(group.status).toBe(201);
    const groupId = group.body.id as string;
    await service.call('PATCH', `/Groups/${groupId}`, patch({ op: 'replace', value: { id: groupId, displayName: 'Okta Push' } }));
    const added = await service.call('PATCH', `/Groups/${groupId}`, patch({ op: 'add', path: 'members', value: [{ value: id, display: 'dana.scully@acme.test' }] }));
    expect(added.body.members).toEqual([expect.objectContaining({ value: id })]);
    const removed = await service.call('PATCH', `/Groups/${groupId}`, patch({ op: 'remove', path: `members[value eq "${id}"]` }));
    expect(removed.body.members).toEqual([]);
  });

  it('Entra ID: look up, create with the enterprise extension, Replace/Add, "False" strings, PATCH without path, groups, DELETE', async () => {
    const org = { orgId: 'globex' };
    expect((await service.call('GET', `/Users?${q('userName eq "fox.mulder@globex.test"')}`, undefined, org)).body.totalResults).toBe(0);
    const created = await service.call(
      'POST',
      '/Users',
      {
        schemas: [USER, ENTERPRISE],
        externalId: '8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159',
        userName: 'fox.mulder@globex.test',
        active: true,
        emails: [{ primary: true, type: 'work', value: 'fox.mulder@globex.test' }],
        meta: { resourceType: 'User' },
        name: { formatted: 'Fox Mulder', familyName: 'Mulder', givenName: 'Fox' },
        roles: [],
        [ENTERPRISE]: { employeeNumber: '4711', department: 'X-Files' },
      },
      org,
    );
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    expect(id).toBe('8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159');
    expect((await service.call('GET', `/Users?${q(`externalId eq "${id}"`)}`, undefined, org)).body.totalResults).toBe(1);

    const updated = await service.call(
      'PATCH',
      `/Users/${id}`,
      patch({ op: 'Replace', path: 'name.givenName', value: 'Foxy' }, { op: 'Add', path: `${ENTERPRISE}:employeeNumber`, value: '4712' }),
      org,
    );
    expect(updated.body).toMatchObject({ name: { givenName: 'Foxy' }, [ENTERPRISE]: { employeeNumber: '4712' } });
    const cleared = await service.call('PATCH', `/Users/${id}`, patch({ op: 'Remove', path: `${ENTERPRISE}:employeeNumber` }), org);
    expect(cleared.body[ENTERPRISE]).toBeUndefined();
    expect((await service.state('globex')).learners.get(id)!.employeeId).toBeNull();
    await service.call('PATCH', `/Users/${id}`, patch({ op: 'Add', path: `${ENTERPRISE}:employeeNumber`, value: '4712' }), org);
    expect((await service.state('globex')).learners.get(id)!.employeeId).toBe('4712');

    const disable = patch({ op: 'Replace', path: 'active', value: 'False' });
    expect((await service.call('PATCH', `/Users/${id}`, disable, org)).body.active).toBe(false);
    const after = await streamVersion(service, 'globex');
    expect((await service.call('PATCH', `/Users/${id}`, disable, org)).status).toBe(200);
    expect(await streamVersion(service, 'globex')).toBe(after);
    expect(await lastMetadata(service, 'globex', 'LearnerDeactivated', id)).toMatchObject({ channel: 'scim', actor: { kind: 'connector', id: 'entra' } });

    const enable = await service.call('PATCH', `/Users/${id}`, patch({ op: 'Replace', value: { active: 'True' } }), org);
    expect(enable.body.active).toBe(true);

    const group = await service.call(
      'POST',
      '/Groups',
      { schemas: [GROUP, 'http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/Group'], externalId: 'f1c2', displayName: 'X-Files', meta: { resourceType: 'Group' } },
      org,
    );
    expect(group.status).toBe(201);
    const found = await service.call('GET', `/Groups?excludedAttributes=members&${q('displayName eq "X-Files"')}`, undefined, org);
    expect(found.body.Resources[0].id).toBe(group.body.id);
    await service.call('PATCH', `/Groups/${group.body.id}`, patch({ op: 'Add', path: 'members', value: [{ $ref: null, value: id }] }), org);
    expect((await service.state('globex')).learners.get(id)!.teams).toContain(group.body.id);
    await service.call('PATCH', `/Groups/${group.body.id}`, patch({ op: 'Remove', path: 'members', value: [{ $ref: null, value: id }] }), org);
    expect((await service.state('globex')).learners.get(id)!.teams).not.toContain(group.body.id);

    expect((await service.call('DELETE', `/Users/${id}`, undefined, org)).status).toBe(204);
    expect((await service.call('DELETE', `/Users/${id}`, undefined, org)).status).toBe(204);
    const gone = await service.call('GET', `/Users/${id}`, undefined, org);
    expect(gone.body).toMatchObject({ id, active: false });
    const state = await service.state('globex');
    expect(state.licensesInUse).toBe(0);
    expect(await lastMetadata(service, 'globex', 'LicenseReleased', id)).toMatchObject({ channel: 'scim', actor: { kind: 'connector', id: 'entra' } });
  });
});
