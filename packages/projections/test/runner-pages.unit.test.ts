import { encodeEvent, InMemoryEventStore, organizationStreamId, type DomainEvent, type EventMetadata, type EventStore, type NewStoredEvent, type ReadAllOptions } from '@learner-ledger/core';
import { dumpTables, InMemoryProjectionStore, licenseCountOf, licenseCountsProjection, ProjectionRunner, ProjectionRunnerError } from '../src/index.js';
import { rebuiltTables, storedTables } from '../src/testing/index.js';

/**
 * A batch larger than the runner's read page is read in pages but committed
 * once, and stops right before an undecodable event in a later page.
 */
const metadata = (n: number): EventMetadata => ({
  eventId: `e-${n}`,
  occurredAt: '2026-03-02T09:00:00.000Z',
  orgId: 'acme',
  commandId: `c-${n}`,
  correlationId: `c-${n}`,
  causationId: `c-${n}`,
  actor: { kind: 'admin', id: 'admin@acme.test' },
  channel: 'api',
});

/** An organization with `learners` licenses assigned, every third one released again, and an optional bad event after `badAfter` events. */
const log = async (learners: number, badAfter?: number): Promise<InMemoryEventStore> => {
  const store = new InMemoryEventStore();
  const events: NewStoredEvent[] = [
    encodeEvent({ type: 'OrganizationOnboarded', data: { orgId: 'acme', name: 'Acme', seats: learners, timeZone: 'UTC', connector: 'none', inactiveTeamId: null, dailyImportTime: '02:00' } }, metadata(0)),
  ];
  for (let i = 1; i <= learners; i++) {
    const event: DomainEvent = i % 3 === 0 ? { type: 'LicenseReleased', data: { learnerId: `L${i - 1}` } } : { type: 'LicenseAssigned', data: { learnerId: `L${i}`, licenseId: `lic-${i}` } };
    events.push(encodeEvent(event, metadata(i)));
    if (i === badAfter) events.push({ eventId: 'bad', type: 'LicenseAssigned', schemaVersion: 1, data: { learnerId: 42, licenseId: 'x' }, metadata: metadata(-1) });
  }
  await store.appendToStream(organizationStreamId('acme'), events);
  return store;
};

/** The store, recording the page size of every readAll. */
const recording = (store: EventStore, pages: number[]): EventStore =>
  new Proxy(store, {
    get(target, property, receiver) {
      if (property === 'readAll') return (options: ReadAllOptions) => (pages.push(options.maxCount ?? 1000), target.readAll(options));
      return Reflect.get(target, property, receiver);
    },
  });

describe('projection runner: batches larger than a read page', () => {
  test('reads at most 1000 events at a time, commits once a batch, and equals a rebuild', async () => {
    const store = await log(3000);
    const pages: number[] = [];
    const projectionStore = new InMemoryProjectionStore();
    const runner = new ProjectionRunner({ store: recording(store, pages), projections: [licenseCountsProjection], projectionStore, batchSize: 2500 });
    const stats = await runner.catchUp();
    expect(Math.max(...pages)).toBe(1000);
    expect(pages.slice(0, 3)).toEqual([1000, 1000, 500]);
    expect(stats.projections[0]).toMatchObject({ checkpoint: 3001n, caughtUp: true, batchesCommitted: 2, eventsApplied: 3001 });
    expect(licenseCountOf(runner.state(licenseCountsProjection), 'acme')).toEqual({ seats: 3000, inUse: 1000, available: 2000 });
    expect(dumpTables(licenseCountsProjection, runner.state(licenseCountsProjection))).toEqual(await rebuiltTables(store, licenseCountsProjection));
    expect(await storedTables(projectionStore, licenseCountsProjection)).toEqual({ checkpoint: 3001n, tables: await rebuiltTables(store, licenseCountsProjection) });
  });

  test('stops right before an undecodable event in a later page of the batch, committing what came before', async () => {
    const store = await log(3000, 1700);
    const projectionStore = new InMemoryProjectionStore();
    const runner = new ProjectionRunner({ store, projections: [licenseCountsProjection], projectionStore, batchSize: 2500 });
    const error = await runner.catchUp().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ProjectionRunnerError);
    expect(error).toMatchObject({ code: 'EVENT_DECODE_FAILED', globalPosition: 1702n, streamId: organizationStreamId('acme') });
    expect(runner.checkpoint('license-counts')).toBe(1701n);
    expect(await projectionStore.checkpoint('license-counts')).toBe(1701n);
    // 1700 events after the onboarding: 1134 assigned, 566 of them released.
    expect(licenseCountOf(runner.state(licenseCountsProjection), 'acme')).toEqual({ seats: 3000, inUse: 568, available: 2432 });
  });
});
