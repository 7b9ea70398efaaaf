import { measureCliReports, readModelOf } from './asof-cli.js';
import { buildReadModels, measureLargeOrganization, writeLargeOrganization } from './asof-large.js';
import { type Measurement, measurement } from './measure.js';
import type { StoreKit } from './stores.js';

/**
 * The as-of figures of one large organization on a store that keeps read
 * models (SQLite, PostgreSQL): its log written, the read models built from 0,
 * then as-of answers in this process and reports in fresh processes of the
 * command-line tool, each beside the fold.
 */
export const runAsOfLarge = async (kit: StoreKit, n: number, emit: (m: Measurement) => void, log: (line: string) => void): Promise<void> => {
  const store = await kit.open('asof_large');
  try {
    const readModel = await readModelOf(store);
    if (!readModel) return log(`${kit.name} n=${n}: no read models on this store (its reports fold): large-organization as-of figures not measured`);
    log(`${kit.name} n=${n}: as-of log of one organization of ${n} learners, five waves of deactivations, and one of 10`);
    const org = await writeLargeOrganization(store, n, kit.orgPrefix('asof_large'));
    log(`${kit.name} n=${n}: building the as-of read models from position 0`);
    const build = await buildReadModels(store, readModel);
    emit(measurement({ bench: 'asof.build', store: kit.name, n, unit: 'events/s', ops: build.events, seconds: build.seconds, note: `the three as-of read models built from position 0 over ${build.events} events, rows and checkpoints committed every 10,000 events` }));
    await measureLargeOrganization(store, readModel, org, n, emit, log);
    const location = kit.location('asof_large');
    if (location) await measureCliReports(location, org, kit.name, n, emit, log);
  } finally {
    await store.close();
  }
};
