/**
 * Switching the same code to PostgreSQL. Everything above the store — the
 * ledger, its commands, the projections — is written against the core's
 * `EventStore` port, so moving from the embedded SQLite file to a PostgreSQL
 * server changes one line: how the store is opened. Here the Learner Draft
 * example runs unchanged on both and gives the same outcome.
 */
import { randomUUID } from 'node:crypto';
import type { EventStore } from '@learner-ledger/core';
import { licenseCountAt } from '@learner-ledger/projections';
import { openPostgresEventStore } from '@learner-ledger/postgres';
import { openSqliteEventStore } from '@learner-ledger/sqlite';
import { main as learnerDraft } from './learner-draft-bulk-deactivation.js';

/** The code that does not care which store it runs on. */
const deactivateAndCount = async (store: EventStore) => {
  const outcome = await learnerDraft(() => undefined, store);
  const count = await licenseCountAt(store, 'acme');
  if (count._tag === 'Left') throw new Error(count.left.message);
  return { ...outcome, licenses: { seats: count.right.seats, inUse: count.right.inUse, available: count.right.available } };
};

export async function main(
  log: (line: string) => void = console.log,
  connectionString: string | undefined = process.env['DATABASE_URL'],
  // A schema of its own, so the example never touches other data on the server.
  schema = `example_${randomUUID().replace(/-/g, '').slice(0, 12)}`,
) {
  if (!connectionString) throw new Error('Set DATABASE_URL=postgres://user:password@host:5432/database to run this example');

  const sqlite = openSqliteEventStore({ path: ':memory:' });
  const onSqlite = await deactivateAndCount(sqlite).finally(() => sqlite.close());

  // The one line that changes:
  const postgres = await openPostgresEventStore({ connectionString, schema });
  const onPostgres = await deactivateAndCount(postgres).finally(() => postgres.close());

  log(`SQLite:     ${JSON.stringify(onSqlite.licenses)} via ${onSqlite.eventTypes.length} events`);
  log(`PostgreSQL: ${JSON.stringify(onPostgres.licenses)} via ${onPostgres.eventTypes.length} events (schema ${schema})`);
  return { schema, onSqlite, onPostgres };
}
