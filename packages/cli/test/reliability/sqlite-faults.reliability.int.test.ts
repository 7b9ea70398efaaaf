import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, statfsSync, writeFileSync } from 'node:fs';
import * as E from 'fp-ts/lib/Either.js';
import { createLedger, organizationStreamId } from '@learner-ledger/core';
import { importLearners } from '@learner-ledger/csv';
import { learnerDirectoryProjection, licenseCountAt, licenseCountsProjection, ProjectionRunner, ProjectionRunnerError } from '@learner-ledger/projections';
import { openSqliteEventStore, type SqliteEventStore } from '@learner-ledger/sqlite';
import { admin, importFile, seedOrganization, textInput } from './scenario.js';
import { auditLog, readLog, rightOf, temporaryDirectory } from './support.js';

/** Faults under the ledger and the import on SQLite: a full disk, a read-only file, events edited or written by someone else. */
describe('reliability: SQLite faults at ledger and import level', () => {
  const temp = temporaryDirectory();
  afterAll(() => temp.remove());

  const snapshot = async (store: SqliteEventStore) => JSON.stringify(await readLog(store), (_k, v) => (typeof v === 'bigint' ? v.toString() : v));

  describe('a full disk', () => {
    // SQLite's max_page_count makes the database "full" exactly as ENOSPC does (SQLITE_FULL), deterministically and
    // without privileges; a real tmpfs that fills up is tried below when this machine lets the test mount one.
    const fillUp = (store: SqliteEventStore, spare: number) => {
      const pages = store.database.pragma('page_count', { simple: true }) as number;
      store.database.pragma(`max_page_count = ${pages + spare}`);
    };

    test('a command on a full database fails with a clear error, writes nothing, and runs once when there is room again', async () => {
      const store = openSqliteEventStore({ path: temp.file('full-ledger.db') });
      const ledger = createLedger({ store });
      await seedOrganization(ledger, 'acme', { seats: 500, learners: 3 });
      const before = await snapshot(store);
      fillUp(store, 0);
      const bulk = { type: 'DeactivateLearners', orgId: 'acme', learnerIds: ['acme-0', 'acme-1', 'acme-2'], reason: 'x'.repeat(400) } as const;
      // Big enough to need new pages: the three learners' move, deactivation and release.
      const failed = await ledger.execute(bulk, admin('bulk-1'));
      expect(E.isLeft(failed) && failed.left).toMatchObject({ code: 'STORE_FAILURE', message: expect.stringMatching(/full.*nothing was written.*Run the command again/s) });
      expect(await snapshot(store)).toBe(before);
      store.database.pragma('max_page_count = 1073741823');
      const retried = rightOf(await ledger.execute(bulk, admin('bulk-1')));
      expect(retried.status).toBe('applied');
      expect(rightOf(await ledger.execute(bulk, admin('bulk-1'))).status).toBe('duplicate');
      const audit = await auditLog(store);
      expect(audit.countsByType.get('LicenseReleased')).toBe(3);
      await store.close();
    });

    test('an import that fills the disk stops as interrupted with a clear error, leaves no half batch, and a re-run completes it', async () => {
      const store = openSqliteEventStore({ path: temp.file('full-import.db') });
      const ledger = createLedger({ store });
      await seedOrganization(ledger, 'acme', { seats: 5000, learners: 20 });
      const file = importFile('acme', { deactivate: 5, register: 2000 });
      fillUp(store, 200); // room for the import's first appends, not for all of them
      const stopped = await importLearners(ledger, { orgId: 'acme', input: textInput(file), fileName: 'full.csv', targetTeam: 'Sales', allowMassDeactivation: true, batchSize: 200 });
      expect(stopped.status).toBe('interrupted');
      expect(stopped.errors.at(-1)).toMatchObject({ code: 'STORE_FAILURE', message: expect.stringMatching(/full.*nothing was written.*resumes where it stopped/s) });
      const audit = await auditLog(store); // every command in the log is whole (the auditor fails on a split or broken one)
      const partialLines = (await readLog(store)).filter((e) => e.type === 'ImportLinesRecorded').length;
      expect(partialLines).toBeGreaterThan(0);
      store.database.pragma('max_page_count = 1073741823');
      const resumed = await importLearners(createLedger({ store }), { orgId: 'acme', input: textInput(file), fileName: 'full.csv', targetTeam: 'Sales', allowMassDeactivation: true, batchSize: 200 });
      expect(resumed).toMatchObject({ status: 'applied', importId: stopped.importId, counts: { registered: 2000, deactivated: 5 } });
      const after = await auditLog(store);
      expect(after.countsByType.get('LearnerRegistered')).toBe(20 + 2000);
      expect(after.countsByType.get('LicenseReleased')).toBe(5);
      const lines = (await readLog(store)).filter((e) => e.type === 'ImportLinesRecorded').flatMap((e) => (e.data as { lines: { line: number }[] }).lines.map((l) => l.line));
      expect(lines).toHaveLength(2005);
      expect(new Set(lines).size).toBe(2005);
      console.log(`[reliability] sqlite full disk (max_page_count): import stopped after ${audit.events} events and ${partialLines} audited batches, resumed with ${resumed.appends} appends`);
      await store.close();
    });

    test('a real file system that runs out of space (tmpfs) gives the same clear error and loses nothing', async () => {
      const mountPoint = temp.file('tmpfs');
      mkdirSync(mountPoint);
      try {
        execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=32m', 'tmpfs', mountPoint], { stdio: 'pipe' });
      } catch (error) {
        // Mounting needs CAP_SYS_ADMIN; without it the max_page_count tests above are the full-disk evidence.
        console.warn(`[reliability] tmpfs full-disk test not possible here (mount failed: ${(error as Error).message.split('\n')[0]}); max_page_count tests cover SQLITE_FULL`);
        return;
      }
      const opened: SqliteEventStore[] = [];
      try {
        const store = openSqliteEventStore({ path: `${mountPoint}/ledger.db` });
        opened.push(store);
        const ledger = createLedger({ store });
        await seedOrganization(ledger, 'acme', { seats: 50_000, learners: 5 });
        const filler = `${mountPoint}/filler`;
        const free = (() => {
          const stats = statfsSync(mountPoint);
          return stats.bavail * stats.bsize;
        })();
        writeFileSync(filler, Buffer.alloc(free - 768 * 1024)); // leave 768 KiB: room for a few batches, not for 6000 learners
        const file = importFile('acme', { register: 6000 });
        const stopped = await importLearners(ledger, { orgId: 'acme', input: textInput(file), fileName: 'tmpfs.csv', targetTeam: 'Sales', batchSize: 100 });
        expect(stopped.status).toBe('interrupted');
        const message = stopped.errors.at(-1)!.message;
        expect(message).toMatch(/nothing was written/);
        const stoppedAt = await store.headPosition();
        const batchesIn = (await readLog(store)).filter((e) => e.type === 'ImportLinesRecorded').length;
        expect(batchesIn).toBeGreaterThan(0);
        await store.close();
        rmSync(filler);
        const reopened = openSqliteEventStore({ path: `${mountPoint}/ledger.db` });
        opened.push(reopened);
        expect(reopened.database.pragma('integrity_check', { simple: true })).toBe('ok');
        await auditLog(reopened);
        const resumed = await importLearners(createLedger({ store: reopened }), { orgId: 'acme', input: textInput(file), fileName: 'tmpfs.csv', targetTeam: 'Sales', batchSize: 500 });
        expect({ status: resumed.status, errors: resumed.errors }).toEqual({ status: 'applied', errors: [] });
        expect(resumed.counts.registered).toBe(6000);
        expect((await auditLog(reopened)).countsByType.get('LearnerRegistered')).toBe(6005);
        console.log(`[reliability] sqlite full tmpfs: import stopped at position ${stoppedAt} after ${batchesIn} batches with "${message.slice(0, 160)}…", resumed to ${await reopened.headPosition()}`);
      } finally {
        for (const store of opened) await store.close();
        execFileSync('umount', ['-l', mountPoint]);
      }
    });
  });

  test('a read-only database refuses commands and imports with a clear error and is left unchanged', async () => {
    const file = temp.file('read-only.db');
    const writer = openSqliteEventStore({ path: file });
    await seedOrganization(createLedger({ store: writer }), 'acme', { learners: 3 });
    const before = await snapshot(writer);
    await writer.close();
    const store = openSqliteEventStore({ path: file, readonly: true });
    const ledger = createLedger({ store });
    const refused = await ledger.execute({ type: 'DeactivateLearners', orgId: 'acme', learnerIds: ['acme-0'] }, admin());
    expect(E.isLeft(refused) && refused.left).toMatchObject({ code: 'STORE_FAILURE', message: expect.stringMatching(/read-only.*nothing was written/) });
    const report = await importLearners(ledger, { orgId: 'acme', input: textInput(importFile('acme', { deactivate: 1, register: 2 })), fileName: 'ro.csv', targetTeam: 'Sales' });
    expect(report.status).toBe('interrupted');
    expect(report.errors.at(-1)!.message).toMatch(/read-only.*nothing was written/);
    // Reads still work.
    expect(rightOf(await ledger.state('acme')).licensesInUse).toBe(3);
    await store.close();
    const check = openSqliteEventStore({ path: file });
    expect(await snapshot(check)).toBe(before);
    await check.close();
  });

  describe('corrupt or foreign events in the log', () => {
    const setup = async (name: string) => {
      const store = openSqliteEventStore({ path: temp.file(`${name}.db`) });
      const ledger = createLedger({ store });
      await seedOrganization(ledger, 'acme', { learners: 4 });
      await seedOrganization(ledger, 'globex', { learners: 4 });
      return { store, ledger };
    };
    const positionOf = async (store: SqliteEventStore, orgId: string, type: string) => (await readLog(store)).find((e) => e.streamId === organizationStreamId(orgId) && e.type === type)!;

    const expectNamedFailure = async (store: SqliteEventStore, orgId: string, streamVersion: number, position: bigint, pattern: RegExp) => {
      const where = new RegExp(`stream ${organizationStreamId(orgId).replace(/\./g, '\\.')} version ${streamVersion} \\(global position ${position}\\)`);
      // The ledger refuses to decide on a log it cannot read.
      const refused = await createLedger({ store }).execute({ type: 'DeactivateLearners', orgId, learnerIds: [`${orgId}-3`] }, admin());
      expect(E.isLeft(refused) && refused.left.code).toBe('EVENT_DECODE_FAILED');
      expect(E.isLeft(refused) && refused.left.message).toMatch(where);
      expect(E.isLeft(refused) && refused.left.message).toMatch(pattern);
      // Another organization is not affected.
      expect(E.isRight(await createLedger({ store }).execute({ type: 'DeactivateLearners', orgId: 'globex', learnerIds: ['globex-3'] }, admin()))).toBe(true);
      // The projection runner stops right before the event, naming it…
      const stopping = new ProjectionRunner({ store, projections: [licenseCountsProjection, learnerDirectoryProjection] });
      const stopped = await stopping.catchUp().catch((error: unknown) => error);
      expect(stopped).toBeInstanceOf(ProjectionRunnerError);
      expect(stopped).toMatchObject({ streamId: organizationStreamId(orgId), globalPosition: position });
      expect(stopping.checkpoint(licenseCountsProjection.name)).toBe(position - 1n);
      // …or, when told to, skips it, counts it and keeps a warning naming it.
      const skipping = new ProjectionRunner({ store, projections: [licenseCountsProjection, learnerDirectoryProjection], onUnknownEvent: 'skip' });
      const stats = await skipping.catchUp();
      expect(stats.skippedEvents).toBe(1);
      expect(stats.warnings.join('\n')).toContain(`stream ${organizationStreamId(orgId)} at global position ${position}`);
      // A query over the organization fails naming the event.
      const query = await licenseCountAt(store, orgId);
      expect(E.isLeft(query) && query.left.message).toMatch(where);
    };

    test('a payload edited by hand', async () => {
      const { store } = await setup('edited');
      const target = await positionOf(store, 'acme', 'LicenseAssigned');
      store.database.prepare(`UPDATE ll_events SET data = json_set(data, '$.learnerId', 42) WHERE position = ?`).run(target.globalPosition);
      await expectNamedFailure(store, 'acme', target.streamVersion, target.globalPosition, /data\.learnerId|learnerId/);
      await store.close();
    });

    test('an event of a type this library does not know', async () => {
      const { store } = await setup('unknown-type');
      const head = (await store.readStream(organizationStreamId('acme'))).currentVersion;
      const appended = await store.appendToStream(organizationStreamId('acme'), [{ eventId: 'foreign-1', type: 'LearnerTeleported', schemaVersion: 1, data: { learnerId: 'acme-0' }, metadata: {} }], { expectedVersion: head });
      await expectNamedFailure(store, 'acme', head + 1, appended.lastPosition, /Unknown event type "LearnerTeleported"/);
      await store.close();
    });

    test('an event written by a newer schema version', async () => {
      const { store } = await setup('future');
      const head = (await store.readStream(organizationStreamId('acme'))).currentVersion;
      const model = await positionOf(store, 'acme', 'LicenseAssigned');
      const appended = await store.appendToStream(organizationStreamId('acme'), [{ ...model, eventId: 'future-1', schemaVersion: 7 }], { expectedVersion: head });
      await expectNamedFailure(store, 'acme', head + 1, appended.lastPosition, /schema version 7 .*not supported.*newer version/);
      await store.close();
    });

    test('an event moved into another organization\'s stream is refused, not folded into it', async () => {
      const { store } = await setup('moved');
      const foreign = await positionOf(store, 'globex', 'LearnerRegistered');
      const head = (await store.readStream(organizationStreamId('acme'))).currentVersion;
      await store.appendToStream(organizationStreamId('acme'), [{ ...foreign, eventId: 'moved-1' }], { expectedVersion: head });
      // The ledger refuses to read acme's stream (metadata.orgId says globex), rather than give acme a globex learner.
      const state = await createLedger({ store }).state('acme');
      expect(E.isLeft(state) && state.left).toMatchObject({ code: 'EVENT_DECODE_FAILED', message: expect.stringContaining('"globex" is not the organization of the stream (acme)') });
      const runner = new ProjectionRunner({ store, projections: [learnerDirectoryProjection], onUnknownEvent: 'skip' });
      expect((await runner.catchUp()).skippedEvents).toBe(1);
      await store.close();
    });
  });
});
