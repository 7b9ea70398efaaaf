import { createLedger } from '@learner-ledger/core';
import { importLearners } from '@learner-ledger/csv';
import type { CsvChildInput, CsvChildResult } from './csv-child.js';
import { LedgerDriver } from './ledger-driver.js';
import { now, peakRssMb, seconds } from './measure.js';
import { openStoreAt } from './stores.js';
import { deactivateCommand, organizationWorkload, registerCommand, setupCommands } from './workload.js';

/** The team the benchmark's Data Services file is imported for. */
export const CSV_TARGET_TEAM = 'Team 01';

/**
 * Imports the Data Services file into a copy of the benchmark organization
 * with the CSV adapter, end to end (read, check, plan, apply). The
 * organization's state is loaded before the clock starts and timed apart.
 * The report lists the lines that change something (`reportLines: 'changes'`),
 * as a caller importing a million-row file would ask.
 */
export const importEndToEnd = async (input: CsvChildInput): Promise<CsvChildResult> => {
  const store = await openStoreAt(input.location!);
  const orgId = organizationWorkload(10).orgId;
  if (input.location!.kind === 'memory') {
    // The in-memory store cannot come from another process: seed the same organization here (not timed).
    const w = organizationWorkload(input.learners!);
    const driver = new LedgerDriver(store);
    for (const command of setupCommands(w)) await driver.execute(command, 'api');
    for (const learner of w.learners) await driver.execute(registerCommand(w, learner), 'api');
    for (const id of w.profileDeactivations) await driver.execute(deactivateCommand(w, [id]), 'learner-profile');
    for (const batch of w.draftBatches) await driver.execute(deactivateCommand(w, batch), 'learner-draft');
  }
  const ledger = createLedger({ store });
  let start = now();
  const state = await ledger.state(orgId);
  if (state._tag === 'Left') throw new Error(`loading ${orgId}: ${state.left.message}`);
  const loadSeconds = seconds(start);
  start = now();
  const report = await importLearners(ledger, { orgId, input: input.file, targetTeam: CSV_TARGET_TEAM, allowMassDeactivation: true, reportLines: 'changes' });
  const importSeconds = seconds(start);
  await ledger.flushSnapshots();
  await store.close();
  if (!report.applied || report.status !== 'applied') {
    throw new Error(`the import was not applied (${report.status}): ${report.errors.slice(0, 3).map((e) => e.message).join('; ')}`);
  }
  const head = report.counts;
  return {
    rows: report.rowCount,
    seconds: importSeconds,
    peakRssMb: peakRssMb(),
    loadSeconds,
    detail: `${head.deactivated} deactivated, ${head.unchanged} unchanged, ${report.appends} appends; loading the organization before the import took ${loadSeconds.toFixed(2)} s (timed apart)`,
  };
};
