import { auditTrailProjection, InMemoryProjectionStore, learnerDirectoryProjection, ProjectionRunner, type ProjectionStore } from '@learner-ledger/projections';
import type { Session } from './session.js';

/**
 * Where `replay` keeps the projections it rebuilds: in tables next to the
 * events when the store is SQLite (or PostgreSQL), so they can be read with
 * SQL; else in memory (the replay then checks that the whole log folds and
 * reports what it found).
 */
export const projectionStoreFor = async (session: Session): Promise<{ projectionStore: ProjectionStore; persisted: boolean }> => {
  // The tables live beside the events as written; the runner reads events through the session's store.
  const store = await session.storeAsWritten();
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

/**
 * After an erasure: the persisted projections whose tables copy learners'
 * personal fields (the audit trail, the learner directory) are caught up, so
 * they scrub the erased learner's rows now rather than at the next replay.
 * Projections never built here are left alone.
 */
export const scrubPersonalProjections = async (session: Session): Promise<void> => {
  const { projectionStore, persisted } = await projectionStoreFor(session);
  if (!persisted) return;
  const built = [];
  for (const projection of [auditTrailProjection, learnerDirectoryProjection]) if ((await projectionStore.checkpoint(projection.name)) !== undefined) built.push(projection);
  if (built.length === 0) return;
  await new ProjectionRunner({ store: await session.store(), projections: built, projectionStore }).catchUp();
};
