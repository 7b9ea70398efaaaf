import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import type { AppendResult, EventStore, ExpectedVersion, NewStoredEvent } from '@learner-ledger/core';
import { openPostgresEventStore } from '@learner-ledger/postgres';
import { applyImportBatches } from './case.js';
import { LedgerDriver } from './ledger-driver.js';
import { startPostgres } from './stores.js';
import { WORKLOAD_SEED, deactivateCommand, organizationWorkload, registerCommand, setupCommands } from './workload.js';

/*
 * The PostgreSQL append of this build against another build's, interleaved
 * append by append on one database, so both meet the same load: the bulk
 * commands run through one ledger whose appends go, in turn, to this
 * build's store and to the other's (opened on the same schema). Each side's
 * appends are timed from the call to the answer (the ledger's work is the
 * same for both and is not in the figure).
 *
 *   node bench/dist/src/pg-append-ab.js <other build's packages/adapters/postgres/dist/index.js> [learners]
 */

const otherEntry = process.argv[2];
if (!otherEntry) throw new Error('usage: pg-append-ab.js <other build index.js> [learners]');
const learners = Number(process.argv[3] ?? 50_000);
const other = (await import(pathToFileURL(otherEntry).href)) as { openPostgresEventStore: typeof openPostgresEventStore };

interface Side {
  readonly name: string;
  readonly store: EventStore;
  appends: number;
  events: number;
  ms: number[];
}

/** The store the ledger sees: reads from `reads`, appends in turn to each side. */
const alternating = (reads: EventStore, sides: Side[]): EventStore => {
  let turn = 0;
  return new Proxy(reads, {
    get(target, key, receiver) {
      if (key === 'appendToStream') {
        return async (streamId: string, events: readonly NewStoredEvent[], options?: { expectedVersion?: ExpectedVersion }): Promise<AppendResult> => {
          const side = sides[turn++ % sides.length]!;
          const started = process.hrtime.bigint();
          const result = await side.store.appendToStream(streamId, events, options);
          side.ms.push(Number(process.hrtime.bigint() - started) / 1e6);
          side.appends++;
          side.events += events.length;
          return result;
        };
      }
      const value = Reflect.get(target, key, receiver) as unknown;
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  }) as EventStore;
};

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
};

const server = await startPostgres();
try {
  const thisStore = await openPostgresEventStore({ connectionString: server.url });
  const otherStore = (await other.openPostgresEventStore({ connectionString: server.url })) as unknown as EventStore;
  const w = organizationWorkload(learners, WORKLOAD_SEED, 'bench-org');
  const seeding = new LedgerDriver(thisStore);
  for (const command of setupCommands(w)) await seeding.execute(command, 'api');
  for (let i = 0; i < w.learners.length; i += 500) await Promise.all(w.learners.slice(i, i + 500).map((learner) => seeding.execute(registerCommand(w, learner), 'api')));
  await seeding.ledger.flushSnapshots();
  const sides: Side[] = [
    { name: 'this', store: thisStore, appends: 0, events: 0, ms: [] },
    { name: 'other', store: otherStore, appends: 0, events: 0, ms: [] },
  ];
  const driver = new LedgerDriver(alternating(thisStore, sides), 9);
  const report = (bench: string) => {
    for (const side of sides) {
      const total = side.ms.reduce((a, b) => a + b, 0);
      console.log(
        JSON.stringify({
          bench,
          side: side.name,
          learners,
          appends: side.appends,
          events: side.events,
          appendMs: +total.toFixed(1),
          medianAppendMs: +median(side.ms).toFixed(2),
          usPerEvent: +((total / side.events) * 1000).toFixed(2),
          load: readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' '),
        }),
      );
      side.appends = 0;
      side.events = 0;
      side.ms = [];
    }
  };
  for (const batch of w.draftBatches) await driver.execute(deactivateCommand(w, batch), 'learner-draft');
  report('bulk.deactivate');
  await applyImportBatches(driver, w);
  report('bulk.import-batches');
  await driver.ledger.flushSnapshots();
  await thisStore.close();
  await otherStore.close();
} finally {
  server.stop();
}
