import * as E from 'fp-ts/lib/Either.js';
import { createLedger, organizationStreamId } from '@learner-ledger/core';
import { cliHarness, seedAcme } from './harness.js';

describe('scim allow-deactivations and the anomalies report', () => {
  test('a hold is listed by report anomalies (text and JSON) until an administrator allows; the release is recorded with the actor', async () => {
    const { run, store } = cliHarness({ env: { LEARNER_LEDGER_ACTOR: 'it@acme.test' } });
    await seedAcme(run, 20);
    // acme has 4 learners; 12 more are switched off by one SCIM command, which the guard holds as a whole.
    // The CLI seals personal fields with the store's keys: a ledger beside it reads them with the same keys.
    const ledger = createLedger({ store, personalData: store.personalDataKeys() });
    for (let i = 0; i < 12; i++) {
      await ledger.execute({ type: 'RegisterLearner', orgId: 'acme', learnerId: `n${i}`, email: `n${i}@acme.test`, firstName: 'N', lastName: `${i}` }, { actor: { kind: 'admin', id: 'x' }, channel: 'api', now: '2026-03-02T08:00:00.000Z' });
    }
    const held = await ledger.execute({ type: 'DeactivateLearners', orgId: 'acme', learnerIds: Array.from({ length: 12 }, (_, i) => `n${i}`) }, { actor: { kind: 'connector', id: 'okta' }, channel: 'scim', now: '2026-03-02T08:30:00.000Z' });
    expect(E.isRight(held) && held.right.outcomes.every((outcome) => outcome.status === 'rejected' && outcome.code === 'MASS_DEACTIVATION_GUARD')).toBe(true);

    const json = (await run('report', 'anomalies', 'acme', '--json')).json();
    expect(json.anomalies).toEqual([
      expect.objectContaining({ kind: 'scim-deactivations-held', since: '2026-03-02T08:30:00.000Z', detail: expect.stringMatching(/^SCIM deactivations held: 12 more \(n0, .*n11\) on top of 0 within the hour would pass 20% of the 16 learners active when it began \(checked from 10\)/) }),
    ]);
    const text = (await run('report', 'anomalies', 'acme')).out;
    expect(text).toMatch(/1 anomaly in acme:\n.*scim-deactivations-held.*2026-03-02T08:30:00.000Z.*SCIM deactivations held/s);

    const released = await run('scim', 'allow-deactivations', 'acme', '--for', '2h', '--json');
    expect(released.code).toBe(0);
    expect(released.json()).toEqual({ orgId: 'acme', released: true, until: '2026-03-02T11:00:00.000Z' });
    const events = (await store.readStream(organizationStreamId('acme'))).events.filter((event) => event.type === 'ScimDeactivationsAllowed');
    expect(events.map((event) => event.data)).toEqual([{ until: '2026-03-02T11:00:00.000Z' }]);
    expect(events[0]!.metadata).toMatchObject({ actor: { kind: 'admin', id: 'it@acme.test' }, channel: 'api' });
    expect((await run('report', 'anomalies', 'acme')).out).toBe('No anomalies in acme.\n');
    expect((await run('scim', 'allow-deactivations', 'acme', '--count', '3')).out).toBe('Nothing was held for acme: 3 more SCIM deactivations pass the guard.\n');
    expect((await run('scim', 'allow-deactivations', 'acme')).out).toBe('Nothing was held for acme: the guard counts SCIM deactivations again from now.\n');
  });

  test('refuses a duration it cannot read, and a duration with a count', async () => {
    const { run } = cliHarness();
    await seedAcme(run);
    const unreadable = await run('scim', 'allow-deactivations', 'acme', '--for', 'soon', '--json');
    expect(unreadable.code).toBe(2);
    const both = await run('scim', 'allow-deactivations', 'acme', '--for', '1h', '--count', '3', '--json');
    expect(both.code).toBe(1);
    expect(both.json().error.code).toBe('INVALID_ALLOWANCE');
  });
});
