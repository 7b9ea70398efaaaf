import { createHash } from 'node:crypto';
import type { EventStore, ImportLineRecord, ImportOperation } from '@learner-ledger/core';
import { licenseCountAt, licenseCountsProjection, type ReadModelStore } from '@learner-ledger/projections';
import { readModelOf } from './asof-cli.js';
import { buildReadModels } from './asof-large.js';
import { LedgerDriver } from './ledger-driver.js';
import { type Measurement, measurement, median, now, seconds } from './measure.js';
import { seededRandom } from './prng.js';
import { replayProjections } from './replay.js';
import { MOVE_TO_INACTIVE } from './workload.js';

export const ASOF_ORGANIZATIONS = 100;
const QUERIES = 11;
const DAY = 86_400_000;
const START = Date.parse('2026-01-05T15:00:00.000Z');

/**
 * Fills a store with 100 organizations of `perOrg` learners each (registered
 * by import batches on their first day, 20% deactivated in Learner Draft
 * commands over the following 90 days, organizations interleaved in the log),
 * then times as-of license-count queries for one organization against a
 * rebuild of the same projection over the whole log.
 */
export const runAsOf = async (store: EventStore, perOrg: number, n: number, emit: (m: Measurement) => void, log: (line: string) => void, orgPrefix = ''): Promise<void> => {
  log(`${store.name} n=${n}: as-of log (${ASOF_ORGANIZATIONS} organizations of ${perOrg} learners)`);
  let clock = START;
  const driver = new LedgerDriver(store, 99, () => new Date(clock).toISOString());
  const random = seededRandom(4242);
  const orgs = Array.from({ length: ASOF_ORGANIZATIONS }, (_, i) => `${orgPrefix}asof-org-${String(i + 1).padStart(3, '0')}`);
  const ids = (org: number) => Array.from({ length: perOrg }, (_, i) => `${org}-${String(i + 1).padStart(6, '0')}`);
  for (const [o, orgId] of orgs.entries()) {
    clock = START + o * 60_000;
    await driver.execute({ type: 'OnboardOrganization', orgId, name: `As-of Org ${o + 1}`, seats: perOrg, timeZone: 'America/Chicago' }, 'api');
    await driver.execute({ type: 'CreateTeam', orgId, name: 'Sales', teamId: 'sales' }, 'api');
    const importId = `register-${o + 1}`;
    const context = { actor: { kind: 'import' as const, id: importId }, importId };
    const sha256 = createHash('sha256').update(importId).digest('hex');
    await driver.execute(
      { type: 'RecordImportReceived', orgId, importId, fileName: 'learners.csv', sha256, format: 'data-services', targetTeamId: 'sales', rowCount: perOrg, schedule: 'now', dueAt: new Date(clock).toISOString(), options: { partial: false, fullSync: false, allowMassDeactivation: false, move: true } },
      'data-services',
      context,
    );
    const learnerIds = ids(o + 1);
    for (let i = 0; i < perOrg; i += 1000) {
      const chunk = learnerIds.slice(i, i + 1000);
      const operations: ImportOperation[] = chunk.map((learnerId, j) => ({ op: 'register', line: i + j + 2, learnerId, email: `${learnerId}@${orgId}.example`, firstName: 'Ada', lastName: 'Lovelace', teams: ['sales'] }));
      const lines: ImportLineRecord[] = chunk.map((learnerId, j) => ({ line: i + j + 2, learnerId, action: 'register' }));
      await driver.execute({ type: 'ApplyImportBatch', orgId, importId, operations, lines }, 'data-services', context);
    }
    await driver.execute({ type: 'FinishImport', orgId, importId, sha256, outcome: { applied: true, counts: { registered: perOrg, deactivated: 0, reactivated: 0, updated: 0, unchanged: 0, skipped: 0, errors: 0 } } }, 'data-services', context);
  }
  // Deactivations over 90 days, the organizations interleaved in the log.
  const toDeactivate = orgs.map((_, o) => ids(o + 1).filter(() => random.next() < 0.2));
  const chunks = toDeactivate.map((list) => {
    const out: string[][] = [];
    for (let i = 0; i < list.length; i += 50) out.push(list.slice(i, i + 50));
    return out;
  });
  const rounds = Math.max(...chunks.map((c) => c.length));
  for (let r = 0; r < rounds; r++) {
    clock = START + DAY + Math.floor((r * 89 * DAY) / Math.max(1, rounds));
    for (const [o, orgId] of orgs.entries()) {
      const chunk = chunks[o]![r];
      if (chunk) await driver.execute({ type: 'DeactivateLearners', orgId, learnerIds: chunk, move: MOVE_TO_INACTIVE }, 'learner-draft');
    }
  }

  const target = ASOF_ORGANIZATIONS / 2 - 1;
  const orgId = orgs[target]!;
  const expectedAtEnd = perOrg - toDeactivate[target]!.length;
  const ask = async (readModel?: ReadModelStore): Promise<number[]> => {
    const latencies: number[] = [];
    for (let q = 0; q < QUERIES; q++) {
      const day = new Date(START + Math.floor(((q + 1) * 95 * DAY) / QUERIES)).toISOString().slice(0, 10);
      const start = now();
      const answer = await licenseCountAt(store, orgId, day, readModel ? { readModel } : {});
      latencies.push(seconds(start));
      if (answer._tag === 'Left') throw new Error(`as-of query for ${orgId} on ${day} failed: ${answer.left.message}`);
      if (q === QUERIES - 1 && answer.right.inUse !== expectedAtEnd) throw new Error(`as-of query for ${orgId} on ${day}: ${answer.right.inUse} licenses in use, expected ${expectedAtEnd}`);
      if (readModel && answer.right.source !== 'read-model') throw new Error(`as-of query for ${orgId} on ${day} was answered by ${String(answer.right.source)}`);
    }
    return latencies;
  };
  const latencies = await ask();
  const head = Number(await store.headPosition());
  log(`${store.name} n=${n}: as-of baseline (rebuild of the license counts over all ${head} events)`);
  const start = now();
  await replayProjections(store, [licenseCountsProjection]);
  const full = { ops: 1, seconds: seconds(start), perSecond: 0, runs: 1 };
  emit(
    measurement({
      bench: 'asof.query',
      store: store.name,
      n,
      unit: 'queries/s',
      ops: 1,
      seconds: median(latencies),
      baseline: { ...full, perSecond: 1 / full.seconds },
      baselineName: `rebuilding the license counts of all ${ASOF_ORGANIZATIONS} organizations from position 0 (${head} events)`,
      runs: QUERIES,
      note: `median of ${QUERIES} as-of queries (min ${(Math.min(...latencies) * 1000).toFixed(1)} ms, max ${(Math.max(...latencies) * 1000).toFixed(1)} ms) for one organization of ${perOrg} learners in a log of ${head} events`,
    }),
  );

  const readModel = await readModelOf(store);
  if (!readModel) return;
  log(`${store.name} n=${n}: as-of queries from the read models (built from position 0 first)`);
  const build = await buildReadModels(store, readModel);
  await ask(readModel); // warm-up
  const fromModel = await ask(readModel);
  const fold = median(latencies);
  emit(
    measurement({
      bench: 'asof.count',
      store: store.name,
      n,
      unit: 'queries/s',
      ops: 1,
      seconds: median(fromModel),
      baseline: { ops: 1, seconds: fold, perSecond: 1 / fold, runs: QUERIES },
      baselineName: 'the same licenseCountAt folding the organization’s stream (asof.query)',
      runs: QUERIES,
      note: `p50 ${(median(fromModel) * 1000).toFixed(2)} ms (max ${(Math.max(...fromModel) * 1000).toFixed(2)} ms) from the read models, one organization of ${perOrg} learners in a log of ${head} events; read models built in ${build.seconds.toFixed(1)} s`,
    }),
  );
};
