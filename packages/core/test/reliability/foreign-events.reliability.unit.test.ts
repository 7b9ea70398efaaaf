import * as E from 'fp-ts/lib/Either.js';
import { createLedger, decodeEvent, encodeEvent, InMemoryEventStore, organizationStreamId, type EventMetadata, type StoredEvent } from '../../src/index.js';
import { adminContext } from '../../src/testing/index.js';

/** An event carried into another organization's stream (a bad copy, a hand edit) is refused, never folded in. */
describe('reliability: events that belong to another organization', () => {
  const metadata = (orgId: string): EventMetadata => ({
    eventId: '6f1c1f0e-0000-4000-8000-000000000001',
    occurredAt: '2026-03-02T09:00:00.000Z',
    orgId,
    commandId: 'c-1',
    correlationId: 'c-1',
    causationId: 'c-1',
    actor: { kind: 'admin', id: 'admin@acme.test' },
    channel: 'api',
  });
  const stored = (streamOrgId: string, metadataOrgId: string): StoredEvent => ({
    ...encodeEvent({ type: 'LicenseAssigned', data: { learnerId: '0001', licenseId: 'L-1' } }, metadata(metadataOrgId)),
    streamId: organizationStreamId(streamOrgId),
    streamVersion: 7,
    globalPosition: 42n,
  });

  test('decoding names the stream, the position and the field', () => {
    expect(E.isRight(decodeEvent(stored('acme', 'acme')))).toBe(true);
    const refused = decodeEvent(stored('acme', 'acme-1'));
    expect(E.isLeft(refused) && refused.left).toMatchObject({
      code: 'EVENT_DECODE_FAILED',
      field: 'metadata.orgId',
      streamId: 'learner-ledger.org-acme',
      globalPosition: 42n,
      message: expect.stringMatching(/stream learner-ledger\.org-acme version 7 \(global position 42\).*"acme-1" is not the organization of the stream \(acme\)/),
    });
  });

  test('the ledger refuses to decide on a stream holding another organization\'s learner', async () => {
    const store = new InMemoryEventStore();
    const ledger = createLedger({ store });
    for (const orgId of ['acme', 'acme-1']) {
      await ledger.execute({ type: 'OnboardOrganization', orgId, name: orgId, seats: 5 }, adminContext());
    }
    const registered = await ledger.execute({ type: 'RegisterLearner', orgId: 'acme-1', learnerId: 'spy', email: 'spy@acme1.test', firstName: 'S', lastName: 'P' }, adminContext());
    expect(E.isRight(registered)).toBe(true);
    const foreign = (await store.readStream(organizationStreamId('acme-1'))).events.find((e) => e.type === 'LearnerRegistered')!;
    const version = (await store.readStream(organizationStreamId('acme'))).currentVersion;
    await store.appendToStream(organizationStreamId('acme'), [{ ...foreign, eventId: 'copied' }], { expectedVersion: version });
    const state = await createLedger({ store }).state('acme');
    expect(E.isLeft(state) && state.left).toMatchObject({ code: 'EVENT_DECODE_FAILED', message: expect.stringContaining('is not the organization of the stream (acme)') });
  });
});
