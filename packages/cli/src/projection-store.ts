import { InMemoryProjectionStore, type ProjectionStore } from '@learner-ledger/projections';
import type { Session } from './session.js';

/**
 * Where `replay` keeps the projections it rebuilds: in tables next to the
 * events when the store is SQLite (or PostgreSQL), so they can be read with
 * SQL; else in memory (the replay then checks that the whole log folds and
 * reports what it found).
 */
export const projectionStoreFor = async (session: Session): Promise<{ projectionStore: ProjectionStore; persisted: boolean }> => {
  const store = await session.store();
  if (store.name === 'sqlite') {
    const { SqliteEventStore, createSqliteProjectionStore } = await import('@learner-ledger/sqlite');
    if (store instanceof SqliteEventStore) return { projectionStore: createSqliteProjectionStore(store), persisted: true };
  }
  if (store.name === 'postgres') {
    const { PostgresEventStore, createPostgresProjectionStore } = await import('@learner-ledger/postgres');
    if (store instanceof PostgresEventStore) return { projectionStore: createPostgresProjectionStore(store), persisted: true };
  }
  return { projectionStore: new InMemoryProjectionStore(), persisted: false };
};
