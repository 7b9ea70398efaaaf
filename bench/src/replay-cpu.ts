import { readFileSync } from 'node:fs';
import { type EventStore, InMemoryEventStore, createLedger, organizationStreamId } from '@learner-ledger/core';
import { applyImportBatches } from './case.js';
import { LedgerDriver } from './ledger-driver.js';
import { replayProjections } from './replay.js';
import { deactivateCommand, organizationWorkload, registerCommand, setupCommands, WORKLOAD_SEED } from './workload.js';

/*
 * The in-memory rebuild and cold fold in CPU time, for a machine shared with
 * other jobs (wall clock is noise there). Writes the main workload of
 * `--learners` learners through the ledger, then times each phase `--runs`
 * times: the process's CPU time, and the main thread's alone (the garbage
 * collector's helper threads left out), each after two forced collections
 * and half a second for their sweeping to finish.
 *
 *   node --expose-gc bench/dist/src/replay-cpu.js [learners] [runs]
 */

const learners = Number(process.argv[2] ?? 100_000);
const runs = Number(process.argv[3] ?? 3);
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with node --expose-gc');

/** The main thread's CPU seconds, from its own line in /proc (10 ms resolution). */
const mainThreadSeconds = (): number => {
  const fields = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
};

const timed = async (bench: string, phase: () => Promise<number>): Promise<void> => {
  gc();
  gc();
  await new Promise((resolve) => setTimeout(resolve, 500));
  const thread = mainThreadSeconds();
  const cpu = process.cpuUsage();
  const events = await phase();
  const used = process.cpuUsage(cpu);
  const seconds = (used.user + used.system) / 1e6;
  const mainSeconds = mainThreadSeconds() - thread;
  const load = readFileSync('/proc/loadavg', 'utf8').split(' ')[0];
  console.log(JSON.stringify({ bench, learners, events, cpuSeconds: seconds, perCpuSecond: Math.round(events / seconds), mainThreadSeconds: mainSeconds, perMainThreadSecond: Math.round(events / mainSeconds), load }));
};

const seed = async (store: EventStore): Promise<string> => {
  const w = organizationWorkload(learners, WORKLOAD_SEED, 'bench-org');
  const driver = new LedgerDriver(store);
  for (const command of setupCommands(w)) await driver.execute(command, 'api');
  for (const learner of w.learners) await driver.execute(registerCommand(w, learner), 'api');
  for (const learnerId of w.profileDeactivations) await driver.execute(deactivateCommand(w, [learnerId]), 'learner-profile');
  for (const batch of w.draftBatches) await driver.execute(deactivateCommand(w, batch), 'learner-draft');
  await applyImportBatches(driver, w);
  return w.orgId;
};

const store = new InMemoryEventStore();
const orgId = await seed(store);
const streamEvents = (await store.readStream(organizationStreamId(orgId), { maxCount: 0 })).currentVersion;
for (let run = 0; run < runs; run++) {
  await timed('replay', () => replayProjections(store));
  await timed('fold.cold', async () => {
    await createLedger({ store, snapshots: false }).state(orgId);
    return streamEvents;
  });
}
