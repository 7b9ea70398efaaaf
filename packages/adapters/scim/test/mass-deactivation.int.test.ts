import { organizationStreamId } from '@learner-ledger/core';
import { ERROR, patch, setup, startService, userBody, type TestService } from './support.js';

// The mass-deactivation guard as a SCIM client meets it, over real HTTP.
describe('SCIM mass-deactivation guard', () => {
  let service: TestService;
  beforeEach(async () => {
    service = await startService('memory', 60);
    for (let i = 0; i < 50; i++) await setup(service.ledger, { type: 'RegisterLearner', orgId: 'acme', learnerId: `u${i}`, email: `u${i}@acme.test`, firstName: 'U', lastName: `${i}` });
  });
  afterEach(async () => {
    await service.close();
  });

  it('deactivates 10 of 50 learners, then answers DELETE, PATCH and PUT with a 409 SCIM error and changes nothing; retries of applied ones still answer as done', async () => {
    for (let i = 0; i < 10; i++) expect((await service.call('DELETE', `/Users/u${i}`)).status).toBe(204);
    const deleted = await service.call('DELETE', '/Users/u10');
    expect(deleted.status).toBe(409);
    expect(deleted.body).toMatchObject({ schemas: [ERROR], status: '409' });
    expect(deleted.body.scimType).toBeUndefined();
    expect(deleted.body.detail).toMatch(/mass-deactivation guard holds SCIM deactivations of organization acme: 10 within the last hour and 1 more would be 22\.0% of the 50 learners active when the hour began.*scim allow-deactivations acme/);
    const patched = await service.call('PATCH', '/Users/u11', patch({ op: 'replace', path: 'active', value: false }));
    expect(patched.status).toBe(409);
    expect(patched.body.detail).toMatch(/are held since the mass-deactivation guard stopped them/);
    // A PUT that also renames: the hold refuses the whole request, the name included.
    const put = await service.call('PUT', '/Users/u12', userBody('u12@acme.test', 'Renamed', '12', { active: false }));
    expect(put.status).toBe(409);
    const state = await service.state();
    expect(['u10', 'u11', 'u12'].map((id) => state.learners.get(id)!.status)).toEqual(['active', 'active', 'active']);
    expect(state.learners.get('u12')!.firstName).toBe('U');
    expect(state.licensesInUse).toBe(40);
    // Retries of deactivations that landed, and requests that deactivate nothing, go through.
    expect((await service.call('DELETE', '/Users/u3')).status).toBe(204);
    expect((await service.call('PATCH', '/Users/u4', patch({ op: 'replace', path: 'active', value: false }))).status).toBe(200);
    expect((await service.call('PATCH', '/Users/u20', patch({ op: 'replace', path: 'name.givenName', value: 'Still' }))).status).toBe(200);
    // The hold is recorded once, with the counts.
    const held = (await service.ledger.store.readStream(organizationStreamId('acme'))).events.filter((event) => event.type === 'ScimDeactivationsHeld');
    expect(held.map((event) => event.data)).toEqual([{ learnerIds: ['u10'], deactivations: 10, activeLearners: 50, limit: { share: 0.2, minimum: 10 } }]);
    expect(held[0]!.metadata).toMatchObject({ channel: 'scim', actor: { kind: 'connector', id: 'okta' } });
  });

  it('lets the held deactivations through once an administrator allows them', async () => {
    for (let i = 0; i < 11; i++) await service.call('DELETE', `/Users/u${i}`);
    expect((await service.call('DELETE', '/Users/u10')).status).toBe(409);
    await setup(service.ledger, { type: 'AllowScimDeactivations', orgId: 'acme', count: 5 });
    for (let i = 10; i < 15; i++) expect((await service.call('DELETE', `/Users/u${i}`)).status).toBe(204);
    expect((await service.call('GET', '/Users/u10')).body).toMatchObject({ active: false });
    expect((await service.state()).licensesInUse).toBe(35);
  });
});
