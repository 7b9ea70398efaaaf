import { ENTERPRISE, ERROR, USER, patch, startService, userBody, type TestService } from './support.js';

// The Users endpoint over real HTTP on an ephemeral port, on the in-memory store.
describe('SCIM Users ↔ learners', () => {
  let service: TestService;
  beforeEach(async () => {
    service = await startService('memory', 3);
  });
  afterEach(async () => {
    await service.close();
  });

  it('creates a learner: 201, id, Location, ETag from the stream version, audit channel scim with the client as actor', async () => {
    const created = await service.call('POST', '/Users', userBody('ann@acme.test', 'Ann', 'Lee', { externalId: '00042', schemas: [USER, ENTERPRISE], [ENTERPRISE]: { employeeNumber: 'E-7' } }));
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ id: '00042', externalId: '00042', userName: 'ann@acme.test', active: true, name: { givenName: 'Ann', familyName: 'Lee' }, [ENTERPRISE]: { employeeNumber: 'E-7' } });
    expect(created.headers.get('location')).toBe(`${service.server.origin}/scim/v2/acme/Users/00042`);
    expect(created.headers.get('etag')).toBe(created.body.meta.version);
    const state = await service.state();
    const learner = state.learners.get('00042')!;
    expect(learner).toMatchObject({ email: 'ann@acme.test', firstName: 'Ann', lastName: 'Lee', employeeId: 'E-7', status: 'active' });
    expect(state.licensesInUse).toBe(1);
    const read = await service.ledger.store.readStream('learner-ledger.org-acme');
    const registered = read.events.find((event) => event.type === 'LearnerRegistered')!;
    expect(created.body.meta.version).toBe(`W/"${read.currentVersion}"`);
    expect(registered.metadata).toMatchObject({ channel: 'scim', actor: { kind: 'connector', id: 'okta' } });
  });

  it('answers 409 uniqueness for the same userName in any letter case, and for a taken externalId', async () => {
    expect((await service.call('POST', '/Users', userBody('ann@acme.test', 'Ann', 'Lee', { externalId: 'a1' }))).status).toBe(201);
    const again = await service.call('POST', '/Users', userBody('ANN@acme.test', 'Ann', 'Lee'));
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ schemas: [ERROR], status: '409', scimType: 'uniqueness' });
    const sameId = await service.call('POST', '/Users', userBody('bob@acme.test', 'Bob', 'Ray', { externalId: 'a1' }));
    expect(sameId.body).toMatchObject({ status: '409', scimType: 'uniqueness' });
    expect((await service.state()).learners.size).toBe(1);
  });

  it('gets by id, and 404 with a SCIM error for an unknown id', async () => {
    const created = await service.call('POST', '/Users', userBody('ann@acme.test', 'Ann', 'Lee'));
    const got = await service.call('GET', `/Users/${created.body.id}`);
    expect(got.status).toBe(200);
    expect(got.body).toEqual(created.body);
    const missing = await service.call('GET', '/Users/nobody');
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ schemas: [ERROR], status: '404' });
  });

  it('filters on userName, externalId, emails.value and active, and pages with startIndex and count', async () => {
    for (const [i, name] of ['ann', 'bob', 'cid'].entries()) {
      expect((await service.call('POST', '/Users', userBody(`${name}@acme.test`, name, 'X', { externalId: `id-${i}` }))).status).toBe(201);
    }
    await service.call('PATCH', '/Users/id-1', patch({ op: 'replace', path: 'active', value: false }));
    const ids = async (query: string) => ((await service.call('GET', `/Users?${query}`)).body.Resources as { id: string }[]).map((user) => user.id);
    expect(await ids(`filter=${encodeURIComponent('userName eq "BOB@acme.test"')}`)).toEqual(['id-1']);
    expect(await ids(`filter=${encodeURIComponent('externalId eq "id-2"')}`)).toEqual(['id-2']);
    expect(await ids(`filter=${encodeURIComponent('emails.value eq "ann@acme.test"')}`)).toEqual(['id-0']);
    expect(await ids(`filter=${encodeURIComponent('emails[value eq "ann@acme.test"]')}`)).toEqual(['id-0']);
    expect(await ids(`filter=${encodeURIComponent('active eq false')}`)).toEqual(['id-1']);
    expect(await ids(`filter=${encodeURIComponent('active eq true and userName sw "c"')}`)).toEqual(['id-2']);
    expect(await ids(`filter=${encodeURIComponent('userName eq "nobody@acme.test"')}`)).toEqual([]);
    const page = await service.call('GET', '/Users?startIndex=2&count=1');
    expect(page.body).toMatchObject({ totalResults: 3, startIndex: 2, itemsPerPage: 1, Resources: [{ id: 'id-1' }] });
    const counted = await service.call('GET', '/Users?count=0');
    expect(counted.body).toMatchObject({ totalResults: 3, itemsPerPage: 0, Resources: [] });
  });

  it('refuses a bad filter with 400 invalidFilter', async () => {
    for (const filter of ['userName eq', 'userName xx "a"', '(((', `userName eq "${'a'.repeat(3000)}"`]) {
      const reply = await service.call('GET', `/Users?filter=${encodeURIComponent(filter)}`);
      expect(reply.status).toBe(400);
      expect(reply.body).toMatchObject({ schemas: [ERROR], scimType: 'invalidFilter' });
    }
  });

  it('PATCH active false deactivates with the move policy; a retry writes nothing; true reactivates and restores the teams', async () => {
    const created = await service.call('POST', '/Users', userBody('ann@acme.test', 'Ann', 'Lee', { externalId: 'ann' }));
    await service.ledger.execute({ type: 'ChangeTeamMembership', orgId: 'acme', learnerId: 'ann', add: ['sales'] }, { actor: { kind: 'admin', id: 'setup' }, channel: 'api' });
    const off = patch({ op: 'replace', path: 'active', value: false });
    const first = await service.call('PATCH', '/Users/ann', off);
    expect(first.status).toBe(200);
    expect(first.body.active).toBe(false);
    const state = await service.state();
    expect(state.learners.get('ann')).toMatchObject({ status: 'inactive', licenseId: null, teams: [state.inactiveTeamId] });
    expect(state.licensesInUse).toBe(0);
    const version = (await service.ledger.store.readStream('learner-ledger.org-acme')).currentVersion;
    const retry = await service.call('PATCH', '/Users/ann', off);
    expect(retry.status).toBe(200);
    expect((await service.ledger.store.readStream('learner-ledger.org-acme')).currentVersion).toBe(version);
    const on = await service.call('PATCH', '/Users/ann', patch({ op: 'replace', path: 'active', value: true }));
    expect(on.body.active).toBe(true);
    expect((await service.state()).learners.get('ann')).toMatchObject({ status: 'active', teams: ['sales'] });
    expect(created.body.meta.version).not.toBe(on.body.meta.version);
  });

  it('answers a reactivation into a full pool with 409 and a detail a person can act on, changing nothing', async () => {
    for (const name of ['a', 'b', 'c']) await service.call('POST', '/Users', userBody(`${name}@acme.test`, name, 'X', { externalId: name }));
    await service.call('PATCH', '/Users/a', patch({ op: 'replace', path: 'active', value: false }));
    await service.call('POST', '/Users', userBody('d@acme.test', 'd', 'X', { externalId: 'd' }));
    const full = await service.call('PATCH', '/Users/a', patch({ op: 'replace', path: 'active', value: true }, { op: 'replace', path: 'name.familyName', value: 'Changed' }));
    expect(full.status).toBe(409);
    expect(full.body.schemas).toEqual([ERROR]);
    expect(full.body.detail).toMatch(/No free license .*3 seats of acme are in use.*retry once a license is free/);
    expect((await service.state()).learners.get('a')).toMatchObject({ status: 'inactive', lastName: 'X' });
    const fullCreate = await service.call('POST', '/Users', userBody('e@acme.test', 'e', 'X'));
    expect(fullCreate.status).toBe(409);
    expect(fullCreate.body.detail).toMatch(/No free license/);
  });

  it('PUT replaces the profile and applies active; DELETE deactivates (204) and the learner stays readable with its history', async () => {
    await service.call('POST', '/Users', userBody('ann@acme.test', 'Ann', 'Lee', { externalId: 'ann' }));
    const put = await service.call('PUT', '/Users/ann', userBody('ann.lee@acme.test', 'Annie', 'Lee', { externalId: 'ann', active: false }));
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ userName: 'ann.lee@acme.test', name: { givenName: 'Annie' }, active: false });
    const back = await service.call('PUT', '/Users/ann', userBody('ann.lee@acme.test', 'Annie', 'Lee', { active: true }));
    expect(back.body.active).toBe(true);
    const deleted = await service.call('DELETE', '/Users/ann');
    expect(deleted.status).toBe(204);
    expect(deleted.body).toBeUndefined();
    const again = await service.call('DELETE', '/Users/ann');
    expect(again.status).toBe(204);
    const read = await service.call('GET', '/Users/ann');
    expect(read.body).toMatchObject({ id: 'ann', active: false });
    const types = (await service.ledger.store.readStream('learner-ledger.org-acme')).events.map((event) => event.type);
    expect(types.filter((type) => type === 'LearnerDeactivated')).toHaveLength(2);
    expect(types.filter((type) => type === 'LicenseReleased')).toHaveLength(2);
  });

  it('honours If-Match: the current version passes, a stale one is 412 and changes nothing', async () => {
    const created = await service.call('POST', '/Users', userBody('ann@acme.test', 'Ann', 'Lee', { externalId: 'ann' }));
    const current = created.headers.get('etag')!;
    const ok = await service.call('PATCH', '/Users/ann', patch({ op: 'replace', path: 'name.givenName', value: 'Anne' }), { headers: { 'if-match': current } });
    expect(ok.status).toBe(200);
    const stale = await service.call('PUT', '/Users/ann', userBody('ann@acme.test', 'Annabel', 'Lee'), { headers: { 'if-match': current } });
    expect(stale.status).toBe(412);
    expect(stale.body).toMatchObject({ schemas: [ERROR], status: '412', scimType: 'invalidVers' });
    const staleDelete = await service.call('DELETE', '/Users/ann', undefined, { headers: { 'if-match': current } });
    expect(staleDelete.status).toBe(412);
    expect((await service.state()).learners.get('ann')).toMatchObject({ firstName: 'Anne', status: 'active' });
    expect((await service.call('DELETE', '/Users/ann', undefined, { headers: { 'if-match': '*' } })).status).toBe(204);
  });

  it('keeps the version of a learner when another learner changes', async () => {
    const ann = await service.call('POST', '/Users', userBody('ann@acme.test', 'Ann', 'Lee', { externalId: 'ann' }));
    await service.call('POST', '/Users', userBody('bob@acme.test', 'Bob', 'Ray', { externalId: 'bob' }));
    const patched = await service.call('PATCH', '/Users/ann', patch({ op: 'replace', path: 'active', value: false }), { headers: { 'if-match': ann.body.meta.version } });
    expect(patched.status).toBe(200);
  });

  it('refuses what the ledger refuses with 400 invalidValue, and an externalId change with mutability', async () => {
    const badEmail = await service.call('POST', '/Users', userBody('not-an-email', 'A', 'B'));
    expect(badEmail.status).toBe(400);
    expect(badEmail.body).toMatchObject({ scimType: 'invalidValue' });
    const noName = await service.call('POST', '/Users', { schemas: [USER], userName: 'x@acme.test' });
    expect(noName.body).toMatchObject({ status: '400', scimType: 'invalidValue' });
    expect(noName.body.detail).toMatch(/name.givenName/);
    await service.call('POST', '/Users', userBody('ann@acme.test', 'Ann', 'Lee', { externalId: 'ann' }));
    const moved = await service.call('PATCH', '/Users/ann', patch({ op: 'replace', path: 'externalId', value: 'other' }));
    expect(moved.body).toMatchObject({ status: '400', scimType: 'mutability' });
    const badActive = await service.call('PATCH', '/Users/ann', patch({ op: 'replace', path: 'active', value: 'maybe' }));
    expect(badActive.body).toMatchObject({ status: '400', scimType: 'invalidValue' });
    expect((await service.state()).learners.get('ann')!.status).toBe('active');
  });
});
