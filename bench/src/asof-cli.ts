import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { EventStore } from '@learner-ledger/core';
import type { ReadModelStore } from '@learner-ledger/projections';
import { type StoreLocation } from './stores.js';
import { type Measurement, measurement, median } from './measure.js';
import { LARGE_START, WAVE_DAYS, type LargeOrganization } from './asof-large.js';

const here = dirname(fileURLToPath(import.meta.url));
/** The command-line tool as users run it (built by `tsc -b bench`, which builds its references). */
const BIN = join(here, '..', '..', '..', 'packages', 'cli', 'dist', 'src', 'bin.js');

/** The as-of read models next to the events of a SQLite or PostgreSQL store; undefined for other stores (they fold). */
export const readModelOf = async (store: EventStore): Promise<ReadModelStore | undefined> => {
  if (store.name === 'sqlite') {
    const { SqliteEventStore, createSqliteProjectionStore } = await import('@learner-ledger/sqlite');
    if (store instanceof SqliteEventStore) return createSqliteProjectionStore(store);
  }
  if (store.name === 'postgres') {
    const { PostgresEventStore, createPostgresProjectionStore } = await import('@learner-ledger/postgres');
    if (store instanceof PostgresEventStore) return createPostgresProjectionStore(store);
  }
  return undefined;
};

const storeArgument = (location: StoreLocation): string => {
  switch (location.kind) {
    case 'sqlite':
      return location.path;
    case 'postgres': {
      if (!location.schema) return location.connectionString;
      const url = new URL(location.connectionString);
      url.searchParams.set('schema', location.schema);
      return url.toString();
    }
    default:
      throw new Error(`no --store for a ${location.kind} store`);
  }
};

/** Wall-clock seconds of one fresh process of the command-line tool (it must succeed). */
const runTool = (store: string, args: readonly string[], fold: boolean): number => {
  const started = process.hrtime.bigint();
  const result = spawnSync(process.execPath, [BIN, '--store', store, '--json', ...args], {
    encoding: 'utf8',
    env: { ...process.env, ...(fold ? { LEARNER_LEDGER_READ_MODELS: 'off' } : {}) },
    maxBuffer: 1 << 30,
  });
  const elapsed = Number(process.hrtime.bigint() - started) / 1e9;
  if (result.status !== 0) throw new Error(`learner-ledger ${args.join(' ')} exited ${result.status}: ${result.stderr}`);
  const body = JSON.parse(result.stdout) as { source?: string };
  if (!fold && body.source !== 'read-model') throw new Error(`learner-ledger ${args.join(' ')} answered from ${String(body.source)}, not the read model`);
  return elapsed;
};

/**
 * What a fresh process of the command-line tool takes for a report on the
 * large organization (median of 5 runs, alternating with the same report on
 * the 10-learner one), from the read models, against the same by folding
 * (`LEARNER_LEDGER_READ_MODELS=off`); the note gives what the size adds
 * over the 10-learner organization.
 */
export const measureCliReports = async (location: StoreLocation, org: LargeOrganization, store: string, n: number, emit: (m: Measurement) => void, log: (line: string) => void): Promise<void> => {
  const at = new Date(LARGE_START + (WAVE_DAYS[2]! + 10) * 86_400_000).toISOString().slice(0, 10);
  const reports: [string, (orgId: string) => string[]][] = [
    ['cli.report.licenses-at', (orgId) => ['report', 'licenses', orgId, '--at', at]],
    ['cli.report.inactive-roster-at', (orgId) => ['report', 'inactive-roster', orgId, '--at', at]],
    ['cli.report.series-day', (orgId) => ['report', 'licenses', orgId, '--series', 'day', '--from', '2026-01-01', '--to', '2026-12-31']],
  ];
  const where = storeArgument(location);
  for (const [bench, args] of reports) {
    const extra = (fold: boolean, runs: number) => {
      const big: number[] = [];
      const tiny: number[] = [];
      runTool(where, args(org.tinyOrgId), fold); // warm the file cache and the server
      for (let run = 0; run < runs; run++) {
        tiny.push(runTool(where, args(org.tinyOrgId), fold));
        big.push(runTool(where, args(org.orgId), fold));
      }
      return { big: median(big), tiny: median(tiny), extra: median(big) - median(tiny) };
    };
    log(`${store} n=${n}: ${bench} in a fresh process, from the read models and by folding`);
    const model = extra(false, 5);
    const fold = extra(true, n >= 1_000_000 ? 1 : 3);
    // The figure is what a fresh process takes on the large organization; how much of it the size costs is in the note.
    emit(
      measurement({
        bench,
        store,
        n,
        unit: 'reports/s',
        ops: 1,
        seconds: model.big,
        runs: 5,
        baseline: { ops: 1, seconds: fold.big, perSecond: 1 / fold.big, runs: n >= 1_000_000 ? 1 : 3 },
        baselineName: 'the same report by folding the organization’s stream (LEARNER_LEDGER_READ_MODELS=off)',
        note:
          `a fresh process costs ${model.extra.toFixed(3)} s more for ${org.learners} learners than for 10 (${model.big.toFixed(3)} s against ${model.tiny.toFixed(3)} s); ` +
          `folding: ${fold.extra.toFixed(3)} s more (${fold.big.toFixed(3)} s against ${fold.tiny.toFixed(3)} s)`,
      }),
    );
  }

  // Read-your-writes: the first report after a command catches the read model up (it restores the current versions of every organization first).
  log(`${store} n=${n}: report licenses --at in a fresh process right after a command (the read model catches up first)`);
  const afterWrite = async (tiny: boolean): Promise<number> => {
    const times: number[] = [];
    for (let run = 0; run < 3; run++) {
      await org.deactivateOne(tiny);
      times.push(runTool(where, reports[0]![1](tiny ? org.tinyOrgId : org.orgId), false));
    }
    return median(times);
  };
  const big = await afterWrite(false);
  const tiny = await afterWrite(true);
  const current = runTool(where, reports[0]![1](org.orgId), false);
  emit(
    measurement({
      bench: 'cli.report.after-write',
      store,
      n,
      unit: 'reports/s',
      ops: 1,
      seconds: big,
      runs: 3,
      note: `report licenses --at right after one command: ${big.toFixed(3)} s for the organization of ${org.learners} learners, ${tiny.toFixed(3)} s for the 10-learner one (after a command of its own); ${current.toFixed(3)} s once current`,
    }),
  );
};
