import { isReadModelStore, type CatchUpProgress, type ReadModelOptions } from '@learner-ledger/projections';
import { progressBar, type Progress } from './progress.js';
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
export const readModelOptions = async (session: Session): Promise<Pick<ReadModelOptions, 'readModel' | 'onCatchUp'>> => {
  if (!readModelsEnabled(session.io.env)) return {};
  const { projectionStore, persisted } = await projectionStoreFor(session);
  return persisted && isReadModelStore(projectionStore) ? { readModel: projectionStore, onCatchUp: catchUpProgress(session) } : {};
};

/** What the read models are called on the progress line. */
const MODEL_NAMES: Readonly<Record<string, string>> = {
  'license-history': 'license counts',
  'inactive-roster-history': 'inactive roster',
  'team-rosters-history': 'team rosters',
};

/**
 * A progress bar on a terminal while a report brings a read model up to date
 * (the first report on a large store reads the whole log): the events passed
 * of those to pass, cleared when it ends.
 */
const catchUpProgress = (session: Session): ((progress: CatchUpProgress) => void) => {
  let bar: Progress | undefined;
  return (progress) => {
    if (progress.finished) {
      bar?.finish();
      bar = undefined;
      return;
    }
    bar ??= progressBar(session.io, `Updating the ${MODEL_NAMES[progress.projection] ?? progress.projection} read model`, { json: session.json, total: progress.total });
    bar.update(progress.done, progress.total);
  };
};

/** Where an answer came from, for the JSON output (absent when no read model was offered). */
export const sourceOf = (answer: { readonly source?: string; readonly position?: string }): { source?: string; position?: string } =>
  answer.source !== undefined ? { source: answer.source, position: answer.position! } : {};
