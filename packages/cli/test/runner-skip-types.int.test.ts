import { createLedger, InMemoryEventStore, type EventStore, type ReadAllOptions, type StoredEvent } from '@learner-ledger/core';
import { adminContext, sampleOrganizationCommands } from '@learner-ledger/core/testing';
import { dumpTables, InMemoryProjectionStore, licenseCountsProjection, ProjectionRunner } from '@learner-ledger/projections';
import { rebuiltTables, storedTables } from '@learner-ledger/projections/testing';
import { openSqliteEventStore } from '@learner-ledger/sqlite';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/**
 * The runner asks a store to leave out the types its projections do not read;
 * SQLite does, and the runner still ends at the head of the log (a tail of
 * skipped events included) with the tables a rebuild over every event gives.
 */
describe('projection runner over SQLite with skipped event types', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'll-runner-skip-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const recording = (store: EventStore, asked: ReadAllOptions[]): EventStore =>
    new Proxy(store, {
      get(target, property, receiver) {
        if (property === 'readAll') return (options: ReadAllOptions) => (asked.push(options), target.readAll(options));
        return Reflect.get(target, property, receiver);
      },
    });

  test.each([1, 3, 1000])('batches of %i events: checkpoint at the head, tables equal a rebuild of the whole log', async (batchSize) => {
    const store = openSqliteEventStore({ path: path.join(dir, 'ledger.db') });
    const ledger = createLedger({ store });
    // The last command's events (a team) are of a type license counts does not read.
    const commands = [...sampleOrganizationCommands('acme', 4), ...sampleOrganizationCommands('globex', 5), { type: 'CreateTeam' as const, orgId: 'acme', name: 'Marketing' }];
    for (const [i, command] of commands.entries()) {
      const result = await ledger.execute(command, adminContext({ commandId: `c-${i}` }));
      if (result._tag === 'Left') throw new Error(result.left.message);
    }
    const all: readonly StoredEvent[] = (await store.readAll({ maxCount: 10_000 })).events;
    const head = await store.headPosition();
    expect(all[all.length - 1]!.globalPosition).toBe(head);
    expect(licenseCountsProjection.reads).not.toContain(all[all.length - 1]!.type);

    const asked: ReadAllOptions[] = [];
    const projectionStore = new InMemoryProjectionStore();
    const runner = new ProjectionRunner({ store: recording(store, asked), projections: [licenseCountsProjection], projectionStore, batchSize });
    const stats = await runner.catchUp();
    for (const options of asked) {
      expect(options.skipTypes).toContain('TeamCreated');
      for (const type of licenseCountsProjection.reads) expect(options.skipTypes).not.toContain(type);
    }
    const read = all.filter((event) => (licenseCountsProjection.reads as readonly string[]).includes(event.type));
    expect(stats.projections[0]).toMatchObject({ checkpoint: head, caughtUp: true, eventsApplied: read.length });

    // The same events in a store that returns every type: the rebuild there is the oracle.
    const memory = new InMemoryEventStore();
    for (const event of all) await memory.appendToStream(event.streamId, [{ eventId: event.eventId, type: event.type, schemaVersion: event.schemaVersion, data: event.data, metadata: event.metadata }]);
    const oracle = await rebuiltTables(memory, licenseCountsProjection);
    expect(dumpTables(licenseCountsProjection, runner.state(licenseCountsProjection))).toEqual(oracle);
    expect(await storedTables(projectionStore, licenseCountsProjection)).toEqual({ checkpoint: head, tables: oracle });
    await store.close();
  });
});
