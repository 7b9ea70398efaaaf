import { createPostgresProjectionStore, openPostgresEventStore } from '@learner-ledger/postgres';
import { createSqliteProjectionStore, openSqliteEventStore } from '@learner-ledger/sqlite';
import fc from 'fast-check';
import { randomUUID } from 'node:crypto';
import { encodePosition, MAX_LOG_POSITION } from '../src/position.js';
import { describePositionRoundTrip } from './support/position-round-trip.js';

/**
 * The positions the KurrentDB store hands out — commit positions of events
 * (commit equals prepare), up to 2^63 - 1 — through the SQLite projection
 * store and the PostgreSQL one (on the test server the jest setup starts),
 * checkpoints and audit trail alike.
 */
const offsets = fc.oneof(fc.bigInt({ min: 1n, max: 1n << 40n }), fc.bigInt({ min: 1n, max: MAX_LOG_POSITION }));
const kurrentDbPositions = offsets.map((offset) => encodePosition({ commit: offset, prepare: offset }));
const extremes = [1n, MAX_LOG_POSITION].map((offset) => encodePosition({ commit: offset, prepare: offset }));

describePositionRoundTrip({
  name: 'KurrentDB positions / SQLite projection store',
  positions: kurrentDbPositions,
  extremes,
  openProjectionStore: async () => {
    const events = openSqliteEventStore({ path: ':memory:' });
    return { store: createSqliteProjectionStore(events), close: () => events.close() };
  },
});

describePositionRoundTrip({
  name: 'KurrentDB positions / PostgreSQL projection store',
  positions: kurrentDbPositions,
  extremes,
  openProjectionStore: async () => {
    const url = process.env.DATABASE_URL;
    if (!url) throw new Error('DATABASE_URL is not set: the jest global setup should have started a PostgreSQL server');
    const schema = `kdb_positions_${randomUUID().slice(0, 8)}`;
    const events = await openPostgresEventStore({ connectionString: url, schema });
    return {
      store: createPostgresProjectionStore(events),
      close: async () => {
        await events.pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
        await events.close();
      },
    };
  },
});
