import { chainEvents, createLedger, encodeEvent, storedLinkOf, InMemoryEventStore, organizationStreamId, type DomainEvent, type EventStore, type StoredEvent } from '@learner-ledger/core';
import { seedOrganization } from './scenario.js';
import { auditLog } from './support.js';

/** The auditor behind the load and crash tests must itself catch every kind of broken log. */
describe('reliability: the log auditor rejects broken logs', () => {
  const seeded = async (): Promise<EventStore> => {
    const store = new InMemoryEventStore();
    await seedOrganization(createLedger({ store }), 'acme', { seats: 3, learners: 3 });
    return store;
  };
  let n = 0;
  const append = async (store: EventStore, commandId: string, events: DomainEvent[], orgId = 'acme') => {
    const streamId = organizationStreamId(orgId);
    const { currentVersion: version, events: before } = await store.readStream(streamId);
    const encoded = events.map((event) =>
      encodeEvent(event, { eventId: `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}`, occurredAt: '2026-03-02T09:00:00.000Z', orgId, commandId, correlationId: commandId, causationId: commandId, actor: { kind: 'admin', id: 'x' }, channel: 'api' }),
    );
    // Written around the ledger, but chained as the ledger would: the log is broken only in what each test breaks.
    const chained = chainEvents(streamId, encoded, version + 1, storedLinkOf(before.at(-1)!)!.hash);
    await store.appendToStream(streamId, chained.events, { expectedVersion: version });
  };
  const release = (learnerId: string): DomainEvent[] => [
    { type: 'LearnerDeactivated', data: { learnerId, removedTeams: [] } },
    { type: 'LicenseReleased', data: { learnerId } },
  ];

  test('a sound log passes', async () => {
    const store = await seeded();
    await append(store, 'ok', release('acme-0'));
    const audit = await auditLog(store);
    expect(audit.organizations.get('acme')).toMatchObject({ seats: 3, inUse: 2, active: 2 });
  });

  test('a license released twice', async () => {
    const store = await seeded();
    await append(store, 'c1', release('acme-0'));
    await append(store, 'c2', [{ type: 'LicenseReleased', data: { learnerId: 'acme-0' } }]);
    await expect(auditLog(store)).rejects.toThrow(/released twice/);
  });

  test('more licenses in use than seats', async () => {
    const store = await seeded();
    await append(store, 'c1', [
      { type: 'LearnerRegistered', data: { learnerId: 'extra', email: 'e@acme.test', firstName: 'E', lastName: 'X', employeeId: null, status: 'active' } },
      { type: 'LicenseAssigned', data: { learnerId: 'extra', licenseId: 'L-extra' } },
    ]);
    await expect(auditLog(store)).rejects.toThrow(/licenses in use 4 > seats 3/);
  });

  test('a deactivation whose license stays held (in use ≠ active at a command boundary)', async () => {
    const store = await seeded();
    await append(store, 'c1', [{ type: 'LearnerDeactivated', data: { learnerId: 'acme-1', removedTeams: [] } }]);
    await expect(auditLog(store)).rejects.toThrow(/acme-1 is inactive but holds license/);
  });

  test('one command applied twice (its id in two runs of the log)', async () => {
    const store = await seeded();
    await append(store, 'same', release('acme-0'));
    await append(store, 'other', release('acme-1'));
    await append(store, 'same', release('acme-2'));
    await expect(auditLog(store)).rejects.toThrow(/command same appears in two separate runs/);
  });

  test('an event of another organization in the stream', async () => {
    const store = await seeded();
    await seedOrganization(createLedger({ store }), 'acme-1', { learners: 0 });
    const streamId = organizationStreamId('acme');
    const foreign = (await store.readStream(organizationStreamId('acme-1'))).events[0]!;
    await store.appendToStream(streamId, [{ ...foreign, eventId: 'copied' }], { expectedVersion: (await store.readStream(streamId)).currentVersion });
    await expect(auditLog(store)).rejects.toThrow(/not the organization of the stream|metadata.orgId/);
  });

  test('an event written around the chain, or changed after it was written', async () => {
    const unchained = await seeded();
    const streamId = organizationStreamId('acme');
    const [first] = (await unchained.readStream(streamId)).events;
    const { currentVersion } = await unchained.readStream(streamId);
    await unchained.appendToStream(streamId, [{ ...first!, eventId: 'e-raw', type: 'ActivityRecorded', data: { learnerId: 'acme-0', activityId: 'a', kind: 'completion', courseId: 'c' }, metadata: { ...(first!.metadata as object), eventId: 'e-raw', commandId: 'raw', chain: undefined } }], { expectedVersion: currentVersion });
    await expect(auditLog(unchained)).rejects.toThrow(/hash chain: .*carries no chain link/);
    const edited = await seeded();
    const read = edited.readStream.bind(edited);
    const readAll = edited.readAll.bind(edited);
    const seatsTo = (events: readonly StoredEvent[]) => events.map((e) => (e.streamVersion === 1 ? { ...e, data: { ...(e.data as object), seats: 300 } } : e));
    edited.readStream = async (...args) => ({ ...(await read(...args)), events: seatsTo((await read(...args)).events) });
    edited.readAll = async (...args) => ({ ...(await readAll(...args)), events: seatsTo((await readAll(...args)).events) });
    await expect(auditLog(edited)).rejects.toThrow(/hash chain: .*position 1 .*the payload differs/);
  });
});
