import { createLedger, listOrganizationIds, WrongExpectedVersionError } from '@learner-ledger/core';
import { adminContext, describeEventStoreContract, sampleEvent, sampleOrganizationCommands, uniqueStreamId } from '@learner-ledger/core/testing';
import { randomUUID } from 'node:crypto';
import { openKurrentDbEventStore, PartialMultiStreamAppendError, type KurrentDbEventStore } from '../src/index.js';

/**
 * Runs against a real KurrentDB / EventStoreDB server given by
 * KURRENTDB_CONNECTION_STRING (e.g. kurrentdb://localhost:2113?tls=false).
 * Without one, the suite says so loudly and skips: there is no fake server.
 */
const connectionString = process.env.KURRENTDB_CONNECTION_STRING;

if (!connectionString) {
  // Written straight to stderr: Jest hides the console output of a file whose tests are all skipped.
  process.stderr.write(
    '\n*** KURRENTDB CONTRACT TESTS SKIPPED: set KURRENTDB_CONNECTION_STRING=kurrentdb://localhost:2113?tls=false to run them against a real server ***\n\n',
  );
  test.skip('KurrentDB contract suite (needs KURRENTDB_CONNECTION_STRING pointing at a real KurrentDB/EventStoreDB server)', () => undefined);
} else {
  // The contract writes streams with its own names (contract-…, tenant-…), so this store reads every non-system stream.
  describeEventStoreContract('kurrentdb', async () => ({ store: await openKurrentDbEventStore({ connectionString, streamPrefix: '' }) }));

  describe('kurrentdb store: beyond the contract', () => {
    let store: KurrentDbEventStore;
    let everything: KurrentDbEventStore;
    beforeAll(async () => {
      store = await openKurrentDbEventStore({ connectionString });
      everything = await openKurrentDbEventStore({ connectionString, streamPrefix: '' });
    });
    afterAll(async () => {
      await store?.close();
      await everything?.close();
    });

    it('runs the ledger on organization streams and finds them again through the filtered log', async () => {
      const orgId = `kdb-${randomUUID().slice(0, 8)}`;
      const ledger = createLedger({ store });
      for (const command of sampleOrganizationCommands(orgId)) {
        const result = await ledger.execute(command, adminContext());
        expect(result._tag).toBe('Right');
      }
      const fresh = createLedger({ store });
      const state = await fresh.state(orgId);
      expect(state._tag).toBe('Right');
      expect(await listOrganizationIds(store)).toContain(orgId);
    });

    it('keeps streams outside the prefix out of the log, and refuses to append to them', async () => {
      const outside = uniqueStreamId('outside');
      await everything.appendToStream(outside, [sampleEvent(1)]);
      const head = await store.headPosition();
      await everything.appendToStream(outside, [sampleEvent(2)]);
      const tail = await everything.readAll({ after: 0n, maxCount: 1, streamIds: [outside] });
      expect(tail.events.map((e) => (e.data as { n: number }).n)).toEqual([1]);
      expect((await store.readAll({ after: 0n, maxCount: 10_000, streamIds: [outside] })).events).toEqual([]);
      expect(await store.headPosition()).toBe(head);
      await expect(store.appendToStream(outside, [sampleEvent(3)])).rejects.toThrow(/starting with "learner-ledger\."/);
    });

    it('wakes a reader waiting from the start of the log', async () => {
      expect(await everything.waitForEvents(0n, { timeoutMs: 10_000 })).toBe(true);
    });

    it('reports the actual version on a conflict', async () => {
      const streamId = `learner-ledger.org-kdb-${randomUUID().slice(0, 8)}`;
      await store.appendToStream(streamId, [sampleEvent(1), sampleEvent(2)]);
      const conflict = await store.appendToStream(streamId, [sampleEvent(3)], { expectedVersion: 5 }).catch((error: unknown) => error);
      expect(conflict).toBeInstanceOf(WrongExpectedVersionError);
      expect(conflict).toMatchObject({ streamId, expected: 5, actual: 2 });
    });

    it('appends to several streams atomically when the server can, and says what was written when it cannot', async () => {
      const a = `learner-ledger.org-kdb-${randomUUID().slice(0, 8)}`;
      const b = `learner-ledger.org-kdb-${randomUUID().slice(0, 8)}`;
      await store.appendToStream(b, [sampleEvent(0)]);
      const attempt = store.appendMany([
        { streamId: a, events: [sampleEvent(1)], expectedVersion: 'no_stream' },
        { streamId: b, events: [sampleEvent(2)], expectedVersion: 'no_stream' }, // wrong: b exists
      ]);
      if (store.capabilities.atomicMultiStreamAppend) {
        await expect(attempt).rejects.toBeInstanceOf(WrongExpectedVersionError);
        expect((await store.readStream(a)).currentVersion).toBe(0);
      } else {
        const error = await attempt.catch((e: unknown) => e);
        expect(error).toBeInstanceOf(PartialMultiStreamAppendError);
        expect(error).toMatchObject({ failedStreamId: b, notWritten: [b] });
        expect((error as PartialMultiStreamAppendError).written.map((r) => r.streamId)).toEqual([a]);
        expect((error as PartialMultiStreamAppendError).cause).toBeInstanceOf(WrongExpectedVersionError);
      }
      expect((await store.readStream(b)).currentVersion).toBe(1);
    });
  });
}
