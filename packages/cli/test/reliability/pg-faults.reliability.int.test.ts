import * as E from 'fp-ts/lib/Either.js';
import { createLedger, organizationStreamId } from '@learner-ledger/core';
import { importLearners } from '@learner-ledger/csv';
import { learnerDirectoryProjection, ProjectionRunner, ProjectionRunnerError } from '@learner-ledger/projections';
import type { PostgresEventStore } from '@learner-ledger/postgres';
import { freshPostgresStore, withClient, type SqlClient } from './pg-support.js';
import { admin, importFile, seedOrganization, textInput } from './scenario.js';
import { auditLog, readLog, rightOf, sleep } from './support.js';

/**
 * PostgreSQL faults under the ledger and the import: the backend of a writer
 * terminated (pg_terminate_backend) in the middle of its transaction, and
 * events edited in the database by hand.
 */
describe('reliability: PostgreSQL faults at ledger and import level', () => {
  /**
   * Holds an uncommitted row at global position `position`, so the writer that
   * reaches that position waits inside its transaction (its earlier rows
   * inserted, the log head moved); then terminates the writer's backend.
   */
  const terminateWhenBlocked = async <T>(store: PostgresEventStore, position: bigint, write: () => Promise<T>): Promise<{ outcome: T; terminated: boolean }> =>
    withClient(async (blocker) => {
      await blocker.query('BEGIN');
      await blocker.query(
        `INSERT INTO ${store.names.events} (global_position, stream_id, stream_version, event_id, type, schema_version, data, metadata) VALUES ($1, 'blocker', 1, 'blocker', 'Blocker', 1, '{}', '{}')`,
        [position.toString()],
      );
      const writing = write();
      const pid = await blockedWriter(blocker, store.names.events);
      const { rows } = await blocker.query<{ terminated: boolean }>('SELECT pg_terminate_backend($1) AS terminated', [pid]);
      const outcome = await writing;
      await blocker.query('ROLLBACK');
      return { outcome, terminated: rows[0]!.terminated };
    });

  const blockedWriter = async (client: SqlClient, table: string): Promise<number> => {
    // Up to 30 s: on a busy machine the writer's connection and its first rows can take a while.
    for (const deadline = Date.now() + 30_000; Date.now() < deadline; ) {
      const { rows } = await client.query<{ pid: number }>(
        `SELECT a.pid FROM pg_stat_activity a WHERE a.pid <> pg_backend_pid() AND a.wait_event_type = 'Lock'
           AND EXISTS (SELECT 1 FROM pg_locks l WHERE l.pid = a.pid AND l.relation = $1::regclass AND l.mode = 'RowExclusiveLock')`,
        [table],
      );
      if (rows[0]) return rows[0].pid;
      await sleep(5);
    }
    throw new Error('the writer never reached the blocked position');
  };

  test('a command whose connection dies mid-transaction: rolled back, a clear error, the same command id applies once on retry', async () => {
    const store = await freshPostgresStore('ll_rel_kill_command', { maxConnections: 2 });
    try {
      const ledger = createLedger({ store, maxRetries: 0 });
      await seedOrganization(ledger, 'acme', { seats: 10, learners: 6 });
      const head = await store.headPosition();
      const bulk = { type: 'DeactivateLearners', orgId: 'acme', learnerIds: ['acme-0', 'acme-1', 'acme-2'], reason: 'reorganisation' } as const;
      // The bulk command writes 9 events; the writer is stopped at its 5th, with 4 rows inserted.
      const { outcome, terminated } = await terminateWhenBlocked(store, head + 5n, () => ledger.execute(bulk, admin('bulk-deactivate')));
      expect(terminated).toBe(true);
      expect(E.isLeft(outcome) && outcome.left).toMatchObject({ code: 'STORE_FAILURE', message: expect.stringMatching(/connection to PostgreSQL .* lost.*rolled back, nothing was written.*Run the command again with the same command id/s) });
      expect(await store.headPosition()).toBe(head);
      expect((await readLog(store)).filter((e) => e.globalPosition > head)).toEqual([]);
      const retried = rightOf(await ledger.execute(bulk, admin('bulk-deactivate')));
      expect(retried).toMatchObject({ status: 'applied', firstPosition: head + 1n, lastPosition: head + 9n });
      expect(rightOf(await createLedger({ store }).execute(bulk, admin('bulk-deactivate'))).status).toBe('duplicate');
      const audit = await auditLog(store);
      expect(audit.countsByType.get('LicenseReleased')).toBe(3);
    } finally {
      await store.close();
    }
  });

  test('an import whose connection dies in the middle of a batch: interrupted with a clear error, nothing half-written, a re-run completes it', async () => {
    const store = await freshPostgresStore('ll_rel_kill_import', { maxConnections: 2, copyThreshold: 500 });
    try {
      const ledger = createLedger({ store });
      await seedOrganization(ledger, 'acme', { seats: 5000, learners: 30 });
      const file = importFile('acme', { deactivate: 10, register: 3000 });
      const options = { orgId: 'acme', fileName: 'kill.csv', targetTeam: 'Sales', allowMassDeactivation: true, batchSize: 1000 };
      const head = await store.headPosition();
      // Received (1 event), the first batch (10 deactivations and 990 registrations, about 3000 events), then the second batch (COPY): stopped inside it.
      const { outcome: stopped, terminated } = await terminateWhenBlocked(store, head + 5000n, () => importLearners(ledger, { ...options, input: textInput(file) }));
      expect(terminated).toBe(true);
      expect(stopped.status).toBe('interrupted');
      expect(stopped.errors.at(-1)).toMatchObject({ code: 'STORE_FAILURE', message: expect.stringMatching(/lost during the append.*rolled back, nothing was written.*can be run again and resumes where it stopped/s) });
      const afterCrash = await auditLog(store);
      expect(afterCrash.head).toBeLessThan(head + 5000n);
      const batchesIn = (await readLog(store)).filter((e) => e.type === 'ImportLinesRecorded').length;
      expect(batchesIn).toBeGreaterThan(0);
      const resumed = await importLearners(createLedger({ store }), { ...options, input: textInput(file) });
      expect(resumed).toMatchObject({ status: 'applied', importId: stopped.importId, counts: { registered: 3000, deactivated: 10 } });
      const audit = await auditLog(store);
      expect(audit.countsByType.get('LearnerRegistered')).toBe(30 + 3000);
      expect(audit.countsByType.get('LicenseReleased')).toBe(10);
      const lines = (await readLog(store)).filter((e) => e.type === 'ImportLinesRecorded').flatMap((e) => (e.data as { lines: { line: number }[] }).lines.map((l) => l.line));
      expect(lines).toHaveLength(3010);
      expect(new Set(lines).size).toBe(3010);
      console.log(`[reliability] postgres backend terminated mid-import: stopped at position ${afterCrash.head} after ${batchesIn} batch(es), resumed with ${resumed.appends} appends to ${audit.head}`);
    } finally {
      await store.close();
    }
  });

  test('an event edited by hand in PostgreSQL: the ledger and the projections name its stream and position; skipping is counted', async () => {
    const store = await freshPostgresStore('ll_rel_corrupt', { maxConnections: 2 });
    try {
      const ledger = createLedger({ store });
      await seedOrganization(ledger, 'acme', { learners: 3 });
      await seedOrganization(ledger, 'globex', { learners: 3 });
      const target = (await readLog(store)).find((e) => e.streamId === organizationStreamId('acme') && e.type === 'LearnerRegistered')!;
      await withClient((client) => client.query(`UPDATE ${store.names.events} SET data = json_build_object('learnerId', '', 'email', 1) WHERE global_position = $1`, [target.globalPosition.toString()]));
      const where = `stream ${organizationStreamId('acme')} version ${target.streamVersion} (global position ${target.globalPosition})`;
      const refused = await createLedger({ store }).execute({ type: 'DeactivateLearners', orgId: 'acme', learnerIds: ['acme-1'] }, admin());
      expect(E.isLeft(refused) && refused.left.code).toBe('EVENT_DECODE_FAILED');
      expect(E.isLeft(refused) && refused.left.message).toContain(where);
      expect(E.isRight(await createLedger({ store }).execute({ type: 'DeactivateLearners', orgId: 'globex', learnerIds: ['globex-1'] }, admin()))).toBe(true);
      const stopped = await new ProjectionRunner({ store, projections: [learnerDirectoryProjection] }).catchUp().catch((error: unknown) => error);
      if (!(stopped instanceof ProjectionRunnerError)) throw new Error(`expected a ProjectionRunnerError, got ${(stopped as Error).name}: ${(stopped as Error).message}`);
      expect(stopped.message).toContain(`stream ${organizationStreamId('acme')}`);
      expect(stopped).toMatchObject({ globalPosition: target.globalPosition });
      const stats = await new ProjectionRunner({ store, projections: [learnerDirectoryProjection], onUnknownEvent: 'skip' }).catchUp();
      expect(stats.skippedEvents).toBe(1);
    } finally {
      await store.close();
    }
  });
});
