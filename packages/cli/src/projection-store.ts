import { InMemoryProjectionStore, type ProjectionStore } from '@learner-ledger/projections';
import type { Session } from './session.js';

/**
 * Where `replay` keeps the projections it rebuilds: next to the events when
 * the store's adapter offers a projection store, else in memory (the replay
 * then checks that the whole log folds, and reports what it found).
 */
export const projectionStoreFor = async (_session: Session): Promise<{ projectionStore: ProjectionStore; persisted: boolean }> => ({
  projectionStore: new InMemoryProjectionStore(),
  persisted: false,
});
