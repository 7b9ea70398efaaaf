/**
 * A projection persisted in SQLite and read with plain SQL. The projection
 * runner folds the event log into read-model tables (`ll_license_counts`,
 * `ll_inactive_roster`, …) kept in the same SQLite file as the events, each
 * batch committed together with the projection's checkpoint. Any SQL tool —
 * a BI dashboard, the `sqlite3` shell, another program — can then query them.
 * A runner started later resumes from the checkpoint.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import Database from 'better-sqlite3';
import { createLedger } from '@learner-ledger/core';
import { allProjections, ProjectionRunner } from '@learner-ledger/projections';
import { createSqliteProjectionStore, openSqliteEventStore } from '@learner-ledger/sqlite';
import { admin, onboardAcme, run } from './sample-organization.js';

export async function main(log: (line: string) => void = console.log, file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'learner-ledger-example-')), 'ledger.db')) {
  const store = openSqliteEventStore({ path: file });
  try {
    const ledger = createLedger({ store });
    await onboardAcme(ledger);
    await run(ledger, { type: 'DeactivateLearners', orgId: 'acme', learnerIds: ['0001', '0003'], reason: 'left the company' }, admin('learner-draft'));

    // Keep every projection in tables of the same file; catch up with the log.
    const runner = new ProjectionRunner({ store, projections: allProjections, projectionStore: createSqliteProjectionStore(store) });
    await runner.catchUp();

    // One more change, then a NEW runner: it resumes from the stored checkpoints.
    await run(ledger, { type: 'DeactivateLearners', orgId: 'acme', learnerIds: ['0004'] }, admin('learner-profile'));
    await new ProjectionRunner({ store, projections: allProjections, projectionStore: createSqliteProjectionStore(store) }).catchUp();
  } finally {
    await store.close();
  }

  // Any SQLite client can read the read models; here a separate read-only connection.
  const db = new Database(file, { readonly: true });
  try {
    const counts = db.prepare('SELECT seats, in_use, available FROM ll_license_counts WHERE org_id = ?').get('acme') as { seats: number; in_use: number; available: number };
    const roster = db
      .prepare('SELECT learner_id, channel, actor_id, reason FROM ll_inactive_roster WHERE org_id = ? ORDER BY learner_id')
      .all('acme') as { learner_id: string; channel: string; actor_id: string; reason: string | null }[];
    log(`SELECT … FROM ll_license_counts → ${JSON.stringify(counts)}`);
    for (const row of roster) log(`SELECT … FROM ll_inactive_roster → ${JSON.stringify(row)}`);
    return { file, counts, roster };
  } finally {
    db.close();
  }
}
