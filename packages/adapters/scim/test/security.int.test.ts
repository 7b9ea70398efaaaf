import { ERROR, TOKENS, patch, startService, userBody, type TestService } from './support.js';

// Tenancy, authentication, the request log and hostile input, over real HTTP.
describe('SCIM tenancy and hostile input', () => {
  let service: TestService;
  beforeEach(async () => {
    service = await startService('memory', 5);
    await service.call('POST', '/Users', userBody('ann@acme.test', 'Ann', 'Lee', { externalId: 'ann' }));
  });
  afterEach(async () => {
    await service.close();
  });

  it('answers 401 for a missing, malformed or unknown token', async () => {
    for (const token of [null, '', 'wrong']) {
      const reply = await service.call('GET', '/Users', undefined, { token });
      expect(reply.status).toBe(401);
      expect(reply.body).toMatchObject({ schemas: [ERROR], status: '401' });
      expect(reply.headers.get('www-authenticate')).toBe('Bearer');
    }
    const basic = await service.call('GET', '/Users', undefined, { token: null, headers: { authorization: `Basic ${TOKENS.acme}` } });
    expect(basic.status).toBe(401);
  });

  it("never lets one organization's token reach another, and says nothing about it", async () => {
    const crossed = await service.call('GET', '/Users/ann', undefined, { orgId: 'acme', token: TOKENS.globex });
    const nowhere = await service.call('GET', '/Users/ann', undefined, { orgId: 'initech', token: TOKENS.globex });
    expect(crossed.status).toBe(401);
    expect(nowhere.status).toBe(401);
    expect(crossed.body).toEqual(nowhere.body);
    const write = await service.call('PATCH', '/Users/ann', patch({ op: 'replace', path: 'active', value: false }), { orgId: 'acme', token: TOKENS.globex });
    expect(write.status).toBe(401);
    expect((await service.state()).learners.get('ann')!.status).toBe('active');
    const own = await service.call('GET', '/Users', undefined, { orgId: 'globex' });
    expect(own.body.totalResults).toBe(0);
  });

  it('logs one line per request with method, path, status, duration and organization, never the token or the filter', async () => {
    service.log.length = 0;
    await service.call('GET', `/Users?filter=${encodeURIComponent('userName eq "ann@acme.test"')}`);
    await service.call('GET', '/Users', undefined, { token: 'secret-wrong-token' });
    expect(service.log).toHaveLength(2);
    expect(service.log[0]).toMatchObject({ method: 'GET', path: '/scim/v2/acme/Users', status: 200, orgId: 'acme', client: 'okta' });
    expect(typeof service.log[0]!.durationMs).toBe('number');
    expect(service.log[1]).toMatchObject({ status: 401, orgId: 'acme' });
    expect(service.log[1]!.client).toBeUndefined();
    // The organization of the path is named only when it is an organization id at all.
    await service.call('GET', '/Users', undefined, { orgId: encodeURIComponent('acme corp\nforged=1'), token: 'secret-wrong-token' });
    expect(service.log[2]).toMatchObject({ status: 401 });
    expect(service.log[2]!.orgId).toBeUndefined();
    const text = JSON.stringify(service.log);
    expect(text).not.toContain(TOKENS.acme);
    expect(text).not.toContain('secret-wrong-token');
    expect(text).not.toContain('ann@acme.test');
  });

  it('answers bad JSON with 400 invalidSyntax, a huge body with 413, deep JSON with 400', async () => {
    const bad = await service.call('POST', '/Users', undefined, { raw: '{"userName": ' });
    expect(bad.body).toMatchObject({ schemas: [ERROR], status: '400', scimType: 'invalidSyntax' });
    const huge = await service.call('POST', '/Users', undefined, { raw: JSON.stringify({ userName: 'x@acme.test', padding: 'x'.repeat(2 * 1024 * 1024) }) });
    expect(huge.status).toBe(413);
    const deep = await service.call('POST', '/Users', undefined, { raw: `${'['.repeat(100_000)}${']'.repeat(100_000)}` });
    expect(deep.body).toMatchObject({ status: '400', scimType: 'invalidSyntax' });
    const notObject = await service.call('PATCH', '/Users/ann', [1, 2, 3]);
    expect(notObject.body).toMatchObject({ status: '400', scimType: 'invalidSyntax' });
    expect((await service.call('GET', '/Users/ann')).status).toBe(200);
  });

  it('treats filter text as data: quotes, injection attempts and odd paths find nothing and break nothing', async () => {
    for (const filter of ['userName eq "ann@acme.test\\" or userName pr"', 'userName eq "x" or "1" eq "1"', 'constructor.prototype pr', '__proto__.polluted eq "y"', 'meta.location co "/"']) {
      const reply = await service.call('GET', `/Users?filter=${encodeURIComponent(filter)}`);
      expect([200, 400]).toContain(reply.status);
      if (reply.status === 400) expect(reply.body.scimType).toBe('invalidFilter');
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    const injection = await service.call('GET', `/Users?filter=${encodeURIComponent('userName eq "x" or "1" eq "1"')}`);
    if (injection.status === 200) expect(injection.body.totalResults).toBe(0);
  });

  it('answers unknown endpoints and methods with SCIM errors', async () => {
    expect((await service.call('GET', '/Nope')).status).toBe(404);
    expect((await service.call('GET', '/Users/ann/extra')).status).toBe(404);
    expect((await service.call('POST', '/Users/ann', {})).status).toBe(405);
    expect((await service.call('DELETE', '/Users')).status).toBe(405);
    expect((await service.call('POST', '/ServiceProviderConfig', {})).status).toBe(405);
    const patchBad = await service.call('PATCH', '/Users/ann', { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'move', path: 'active' }] });
    expect(patchBad.body).toMatchObject({ status: '400', schemas: [ERROR] });
  });
});
