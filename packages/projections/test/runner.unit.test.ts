import * as E from 'fp-ts/lib/Either.js';
import { randomUUID } from 'node:crypto';
import { createLedger, encodeEvent, InMemoryEventStore, organizationStreamId, type EventMetadata } from '@learner-ledger/core';
import { adminContext, sampleOrganizationCommands } from '@learner-ledger/core/testing';
import {
  allProjections,
  CheckpointConflictError,
  describeProjection,
  dumpTables,
  inactiveLearnersOf,
  inactiveRosterProjection,
  InMemoryProjectionStore,
  licenseCountOf,
  licenseCountsProjection,
  ProjectionRunner,
  ProjectionRunnerError,
} from '../src/index.js';
import { rebuiltTables, storedTables } from '../src/testing/index.js';

const sample = async (orgId = 'acme') => {
  const store = new InMemoryEventStore();
  const ledger = createLedger({ store });
  for (const command of sampleOrganizationCommands(orgId)) {
    const result = await ledger.execute(command, adminContext());
    if (E.isLeft(result)) throw new Error(result.left.message);
  }
  return { store, ledger };
};

const meta = (orgId: string, streamVersion = 1): EventMetadata => ({
  eventId: randomUUID(),
  occurredAt: '2026-03-02T09:00:00.000Z',
  orgId,
  commandId: `cmd-${streamVersion}`,
  correlationId: 'c',
  causationId: 'c',
  actor: { kind: 'admin', id: 'x' },
  channel: 'api',
});

describe('projection runner', () => {
  test('catches up from the global log, one checkpoint per projection, equal to a rebuild from 0', async () => {
    const { store } = await sample();
    const runner = new ProjectionRunner({ store, projections: allProjections, batchSize: 3 });
    const stats = await runner.catchUp();
    const head = await store.headPosition();
    expect(stats.projections.map((p) => [p.name, p.checkpoint, p.caughtUp])).toEqual(allProjections.map((p) => [p.name, head, true]));
    expect(licenseCountOf(runner.state(licenseCountsProjection), 'acme')).toEqual({ seats: 10, inUse: 4, available: 6 });
    for (const projection of allProjections) expect(dumpTables(projection, runner.state(projection))).toEqual(await rebuiltTables(store, projection));
  });

  test('resumes from the stored checkpoint after a restart, reading only what is new', async () => {
    const { store, ledger } = await sample();
    const projectionStore = new InMemoryProjectionStore();
    const first = new ProjectionRunner({ store, projections: [licenseCountsProjection], projectionStore });
    await first.catchUp();
    const checkpoint = first.checkpoint('license-counts');
    expect(await projectionStore.checkpoint('license-counts')).toBe(checkpoint);

    await ledger.execute({ type: 'DeactivateLearners', orgId: 'acme', learnerIds: ['0001'] }, adminContext());
    const reads: bigint[] = [];
    const spy = new Proxy(store, {
      get(target, property, receiver) {
        if (property === 'readAll') return (options: { after?: bigint }) => (reads.push(options.after ?? 0n), target.readAll(options));
        return Reflect.get(target, property, receiver);
      },
    });
    const second = new ProjectionRunner({ store: spy, projections: [licenseCountsProjection], projectionStore });
    await second.catchUp();
    expect(reads[0]).toBe(checkpoint);
    expect(licenseCountOf(second.state(licenseCountsProjection), 'acme')).toEqual({ seats: 10, inUse: 3, available: 7 });
    expect(second.stats().projections[0]!.eventsApplied).toBe(1);
  });

  test('rebuilds one projection from 0 while the others keep their state and keep advancing', async () => {
    const { store, ledger } = await sample();
    const projectionStore = new InMemoryProjectionStore();
    const runner = new ProjectionRunner({ store, projections: [licenseCountsProjection, inactiveRosterProjection], projectionStore, batchSize: 2 });
    await runner.catchUp();
    await ledger.execute({ type: 'DeactivateLearners', orgId: 'acme', learnerIds: ['0002'] }, adminContext());
    const rebuilt = await runner.rebuild('license-counts');
    expect(rebuilt).toMatchObject({ name: 'license-counts', rebuilds: 1, caughtUp: true, checkpoint: await store.headPosition() });
    // The roster advanced past the new events during the rebuild.
    expect(runner.checkpoint('inactive-roster')).toBe(await store.headPosition());
    expect(inactiveLearnersOf(runner.state(inactiveRosterProjection), 'acme').map((l) => l.learnerId)).toEqual(['0002']);
    expect(licenseCountOf(runner.state(licenseCountsProjection), 'acme')).toEqual({ seats: 10, inUse: 3, available: 7 });
    expect((await storedTables(projectionStore, licenseCountsProjection)).tables).toEqual(await rebuiltTables(store, licenseCountsProjection));
    await expect(runner.rebuild('nope')).rejects.toThrow(/No projection named "nope"/);
  });

  test('without a projection store: checkpoints in the runner only, rebuild still from 0', async () => {
    const { store, ledger } = await sample();
    const runner = new ProjectionRunner({ store, projections: [licenseCountsProjection, inactiveRosterProjection], batchSize: 5 });
    expect(runner.projectionStore).toBeUndefined();
    await runner.catchUp();
    await ledger.execute({ type: 'DeactivateLearners', orgId: 'acme', learnerIds: ['0001'] }, adminContext());
    await runner.rebuild('inactive-roster');
    expect(runner.stats().projections.map((p) => [p.name, p.checkpoint, p.rebuilds])).toEqual([
      ['license-counts', await store.headPosition(), 0],
      ['inactive-roster', await store.headPosition(), 1],
    ]);
    expect(dumpTables(inactiveRosterProjection, runner.state(inactiveRosterProjection))).toEqual(await rebuiltTables(store, inactiveRosterProjection));
    expect(licenseCountOf(runner.state(licenseCountsProjection), 'acme').inUse).toBe(3);
  });

  test('follows the log live until stopped', async () => {
    const { store, ledger } = await sample();
    const runner = new ProjectionRunner({ store, projections: [licenseCountsProjection] });
    const stop = new AbortController();
    const following = runner.follow({ signal: stop.signal, pollIntervalMs: 50 });
    await new Promise((resolve) => setTimeout(resolve, 20));
    await ledger.execute({ type: 'DeactivateLearners', orgId: 'acme', learnerIds: ['0003'] }, adminContext());
    const head = await store.headPosition();
    // Waits as long as it takes (the test's time limit bounds it): a loaded machine may need more than a second.
    while (runner.checkpoint('license-counts') < head) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(licenseCountOf(runner.state(licenseCountsProjection), 'acme').inUse).toBe(3);
    stop.abort();
    await following;
  });

  describe('events it cannot decode', () => {
    const withForeignEvent = async () => {
      const { store } = await sample();
      const streamId = organizationStreamId('acme');
      await store.appendToStream(streamId, [{ eventId: randomUUID(), type: 'LearnerTeleported', schemaVersion: 1, data: { learnerId: '0001' }, metadata: meta('acme') }]);
      const foreign = await store.headPosition();
      await store.appendToStream(streamId, [encodeEvent({ type: 'LicensePoolResized', data: { seats: 20, previousSeats: 10 } }, meta('acme'))]);
      // A known type from a newer schema version.
      await store.appendToStream(streamId, [{ eventId: randomUUID(), type: 'LicenseReleased', schemaVersion: 9, data: { learnerId: '0001' }, metadata: meta('acme') }]);
      return { store, foreign };
    };

    test('stop (the default): a clear error naming stream, position and type; the projection stays right before it', async () => {
      const { store, foreign } = await withForeignEvent();
      const projectionStore = new InMemoryProjectionStore();
      const runner = new ProjectionRunner({ store, projections: [licenseCountsProjection], projectionStore, batchSize: 100 });
      const error = await runner.catchUp().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(ProjectionRunnerError);
      const failure = error as ProjectionRunnerError;
      expect(failure.code).toBe('UNKNOWN_EVENT_TYPE');
      expect(failure.streamId).toBe('learner-ledger.org-acme');
      expect(failure.globalPosition).toBe(foreign);
      expect(failure.type).toBe('LearnerTeleported');
      expect(failure.message).toMatch(/license-counts stopped at LearnerTeleported in stream learner-ledger\.org-acme .*global position \d+/);
      expect(runner.checkpoint('license-counts')).toBe(foreign - 1n);
      expect(await projectionStore.checkpoint('license-counts')).toBe(foreign - 1n);
      // Still stopped on the next try.
      await expect(runner.step()).rejects.toThrow(ProjectionRunnerError);
    });

    test('skip: counted, with a warning naming stream, position and type, and the events after it are applied', async () => {
      const { store, foreign } = await withForeignEvent();
      const runner = new ProjectionRunner({ store, projections: [licenseCountsProjection], onUnknownEvent: 'skip' });
      const stats = await runner.catchUp();
      expect(stats.skippedEvents).toBe(2);
      expect(stats.projections[0]!.skippedEvents).toBe(2);
      expect(stats.warnings[0]).toContain(`LearnerTeleported v1 in stream learner-ledger.org-acme at global position ${foreign}`);
      expect(stats.warnings[1]).toMatch(/LicenseReleased v9 .*newer version/);
      expect(licenseCountOf(runner.state(licenseCountsProjection), 'acme')).toEqual({ seats: 20, inUse: 4, available: 16 });
    });
  });

  test('a second runner writing the same projection store is refused, nothing written', async () => {
    const { store, ledger } = await sample();
    const projectionStore = new InMemoryProjectionStore();
    const a = new ProjectionRunner({ store, projections: [licenseCountsProjection], projectionStore });
    const b = new ProjectionRunner({ store, projections: [licenseCountsProjection], projectionStore });
    await a.start();
    await b.start();
    await a.catchUp();
    await ledger.execute({ type: 'DeactivateLearners', orgId: 'acme', learnerIds: ['0004'] }, adminContext());
    await expect(b.catchUp()).rejects.toThrow(CheckpointConflictError);
    // b reloads from the store and continues from a's checkpoint.
    await b.catchUp();
    expect(licenseCountOf(b.state(licenseCountsProjection), 'acme').inUse).toBe(3);
    await expect(projectionStore.commit({ projection: describeProjection(licenseCountsProjection), expectedCheckpoint: 1n, checkpoint: 2n, changes: [] })).rejects.toThrow(/expected checkpoint 1/);
  });

  test('for some organizations only: restores their rows alone, stops right before another organization\'s event, leaves the other organizations\' rows as they were', async () => {
    const { store, ledger } = await sample('acme');
    for (const command of sampleOrganizationCommands('globex')) {
      const result = await ledger.execute(command, adminContext());
      if (E.isLeft(result)) throw new Error(result.left.message);
    }
    const projections = [licenseCountsProjection, inactiveRosterProjection];
    const projectionStore = new InMemoryProjectionStore();
    await new ProjectionRunner({ store, projections, projectionStore }).catchUp();
    const globexBefore = (await storedTables(projectionStore, licenseCountsProjection)).tables['ll_license_counts']!.filter((row) => row.org_id === 'globex');

    const deactivate = async (orgId: string, learnerId: string) => {
      const result = await ledger.execute({ type: 'DeactivateLearners', orgId, learnerIds: [learnerId] }, adminContext());
      if (E.isLeft(result)) throw new Error(result.left.message);
    };
    await deactivate('acme', '0001');
    const acmeDone = await store.headPosition();
    await deactivate('globex', '0001');
    await deactivate('acme', '0002');

    const scoped = new ProjectionRunner({ store, projections, projectionStore, organizations: ['acme'], batchSize: 2 });
    const stats = await scoped.catchUp();
    expect(stats.projections.map((p) => [p.name, p.checkpoint, p.caughtUp])).toEqual(projections.map((p) => [p.name, acmeDone, false]));
    // Only acme was restored; its deactivation was applied.
    expect([...scoped.state(licenseCountsProjection).counts.orgIds()]).toEqual(['acme']);
    expect(licenseCountOf(scoped.state(licenseCountsProjection), 'acme')).toEqual({ seats: 10, inUse: 3, available: 7 });
    expect((await storedTables(projectionStore, licenseCountsProjection)).tables['ll_license_counts']!.filter((row) => row.org_id === 'globex')).toEqual(globexBefore);
    expect(await projectionStore.checkpoint('license-counts')).toBe(acmeDone);

    // A runner for every organization goes on from there to a read model equal to a rebuild.
    await new ProjectionRunner({ store, projections, projectionStore }).catchUp();
    for (const projection of projections) {
      const stored = await storedTables(projectionStore, projection);
      expect(stored.tables).toEqual(await rebuiltTables(store, projection));
      expect(stored.checkpoint).toBe(await store.headPosition());
    }
  });

  test('for some learners only: restores their rows alone, stops right before an event naming another learner of the organization', async () => {
    const { store, ledger } = await sample('acme');
    const projections = [licenseCountsProjection, inactiveRosterProjection];
    const projectionStore = new InMemoryProjectionStore();
    await new ProjectionRunner({ store, projections, projectionStore }).catchUp();
    const deactivate = async (learnerId: string) => {
      const result = await ledger.execute({ type: 'DeactivateLearners', orgId: 'acme', learnerIds: [learnerId] }, adminContext());
      if (E.isLeft(result)) throw new Error(result.left.message);
    };
    await deactivate('0001');
    const firstDone = await store.headPosition();
    await deactivate('0002');

    const scoped = new ProjectionRunner({ store, projections, projectionStore, organizations: ['acme'], learners: [['acme', '0001']] });
    const stats = await scoped.catchUp();
    expect(stats.projections.map((p) => [p.name, p.checkpoint, p.caughtUp])).toEqual(projections.map((p) => [p.name, firstDone, false]));
    // Of the license holders, only 0001 was restored (and released); the counts row of the organization is whole.
    expect([...scoped.state(licenseCountsProjection).holders.rowsOf('acme')]).toEqual([]);
    expect(licenseCountOf(scoped.state(licenseCountsProjection), 'acme')).toEqual({ seats: 10, inUse: 3, available: 7 });
    expect(inactiveLearnersOf(scoped.state(inactiveRosterProjection), 'acme').map((l) => l.learnerId)).toEqual(['0001']);

    await new ProjectionRunner({ store, projections, projectionStore }).catchUp();
    for (const projection of projections) {
      const stored = await storedTables(projectionStore, projection);
      expect(stored.tables).toEqual(await rebuiltTables(store, projection));
      expect(stored.checkpoint).toBe(await store.headPosition());
    }
    expect(() => new ProjectionRunner({ store, projections, learners: [['acme', '0001']] })).toThrow(/learners needs organizations/);
  });

  test('for some organizations only: refuses a projection not scoped by organization, a rebuild and following the log', async () => {
    const { store } = await sample();
    expect(() => new ProjectionRunner({ store, projections: allProjections, organizations: ['acme'] })).toThrow(/is not scoped by organization/);
    const scoped = new ProjectionRunner({ store, projections: [licenseCountsProjection], projectionStore: new InMemoryProjectionStore(), organizations: ['acme'] });
    await expect(scoped.rebuild('license-counts')).rejects.toThrow(/cannot rebuild/);
    await expect(scoped.follow({ signal: new AbortController().signal })).rejects.toThrow(/cannot follow/);
  });

  test('refuses two projections with one name, and reading a state before loading', () => {
    const store = new InMemoryEventStore();
    expect(() => new ProjectionRunner({ store, projections: [licenseCountsProjection, licenseCountsProjection] })).toThrow(/Two projections/);
    expect(() => new ProjectionRunner({ store, projections: [licenseCountsProjection] }).state(licenseCountsProjection)).toThrow(/not loaded/);
  });
});
