import { isReadModelStore, type ReadModelStore } from '@learner-ledger/projections';
import { switchedOff, type Env } from './env.js';
import { projectionStoreFor } from './projection-store.js';
import type { Session } from './session.js';

/** `LEARNER_LEDGER_READ_MODELS=off` (or `0`, `false`, `no`) makes every report fold the organization's stream. */
export const readModelsEnabled = (env: Env): boolean => !switchedOff(env, 'LEARNER_LEDGER_READ_MODELS');

/**
 * What reports answer from: the time-indexed tables next to the events on
 * SQLite and PostgreSQL (caught up to the organization's last event first),
 * none on other stores, whose reports fold the organization's stream.
 */
export const readModelOptions = async (session: Session): Promise<{ readonly readModel?: ReadModelStore }> => {
  if (!readModelsEnabled(session.io.env)) return {};
  const { projectionStore, persisted } = await projectionStoreFor(session);
  return persisted && isReadModelStore(projectionStore) ? { readModel: projectionStore } : {};
};

/** Where an answer came from, for the JSON output (absent when no read model was offered). */
export const sourceOf = (answer: { readonly source?: string; readonly position?: string }): { source?: string; position?: string } =>
  answer.source !== undefined ? { source: answer.source, position: answer.position! } : {};
