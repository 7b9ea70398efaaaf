import * as fs from 'node:fs';
import * as path from 'node:path';
import { main as projectionInSqlite } from '../src/projection-in-sqlite.js';
import { main as switchToPostgres } from '../src/switch-to-postgres.js';

const quiet = () => undefined;

test('projections persisted in the SQLite file are read back with plain SQL, and a new runner resumes from the checkpoint', async () => {
  const outcome = await projectionInSqlite(quiet);
  try {
    expect(outcome.counts).toEqual({ seats: 10, in_use: 1, available: 9 });
    expect(outcome.roster).toEqual([
      { learner_id: '0001', channel: 'learner-draft', actor_id: 'jo@acme.test', reason: 'left the company' },
      { learner_id: '0003', channel: 'learner-draft', actor_id: 'jo@acme.test', reason: 'left the company' },
      { learner_id: '0004', channel: 'learner-profile', actor_id: 'jo@acme.test', reason: null },
    ]);
  } finally {
    fs.rmSync(path.dirname(outcome.file), { recursive: true, force: true });
  }
});

test('the same code runs on PostgreSQL (DATABASE_URL) and gives the same outcome as on SQLite', async () => {
  const outcome = await switchToPostgres(quiet, process.env['DATABASE_URL']);
  expect(outcome.onPostgres).toEqual(outcome.onSqlite);
  expect(outcome.onPostgres.licenses).toEqual({ seats: 10, inUse: 1, available: 9 });
  expect(outcome.onPostgres.refusal).toBe('BATCH_REJECTED');
});
