import { createHash } from 'node:crypto';
import type { EventStore, ImportLineRecord, ImportOperation } from '@learner-ledger/core';
import { asOfProjections, inactiveRoster, licenseCountAt, licenseUsage, ProjectionRunner, type ReadModelStore } from '@learner-ledger/projections';
import { LedgerDriver } from './ledger-driver.js';
import { type Measurement, measurement, median, now, seconds } from './measure.js';
import { seededRandom } from './prng.js';
import { MOVE_TO_INACTIVE } from './workload.js';

const DAY = 86_400_000;
export const LARGE_START = Date.parse('2026-01-05T15:00:00.000Z');
/** The days of the five waves of deactivations, each of 4% of the learners. */
export const WAVE_DAYS = [90, 150, 210, 270, 330];
const LINES = 2000;

export interface LargeOrganization {
  readonly orgId: string;
  /** A 10-learner organization in the same log, for what a report costs regardless of size. */
  readonly tinyOrgId: string;
  readonly learners: number;
  /** Learners inactive after each wave. */
  readonly inactiveAfterWave: readonly number[];
  /** Deactivates one more learner of the organization (or of the 10-learner one), a day after the last event. */
  readonly deactivateOne: (tiny?: boolean) => Promise<void>;
}

/**
 * Writes one large organization of `n` learners, registered by import
 * batches of 2,000 lines over its first 60 days, then five waves of
 * deactivations (4% of the learners each, Learner Draft commands of 50) over
 * the year; and a 10-learner organization beside it, its events interleaved.
 */
export const writeLargeOrganization = async (store: EventStore, n: number, orgPrefix: string): Promise<LargeOrganization> => {
  let clock = LARGE_START;
  const driver = new LedgerDriver(store, 1234, () => new Date(clock).toISOString());
  const orgId = `${orgPrefix}asof-big`;
  const tinyOrgId = `${orgPrefix}asof-tiny`;
  const ids = Array.from({ length: n }, (_, i) => `B${String(i + 1).padStart(7, '0')}`);
  await driver.execute({ type: 'OnboardOrganization', orgId, name: `Big Org (${n} learners)`, seats: n, timeZone: 'America/Chicago' }, 'api');
  await driver.execute({ type: 'CreateTeam', orgId, name: 'Sales', teamId: 'sales' }, 'api');
  await driver.execute({ type: 'OnboardOrganization', orgId: tinyOrgId, name: 'Tiny Org', seats: 10, timeZone: 'America/Chicago' }, 'api');
  for (let i = 0; i < 10; i++) await driver.execute({ type: 'RegisterLearner', orgId: tinyOrgId, learnerId: `T${i}`, email: `t${i}@tiny.example`, firstName: 'Ada', lastName: 'Tiny' }, 'api');
  const importId = 'register-all';
  const context = { actor: { kind: 'import' as const, id: importId }, importId };
  const sha256 = createHash('sha256').update(`${orgId}-${n}`).digest('hex');
  await driver.execute(
    { type: 'RecordImportReceived', orgId, importId, fileName: 'learners.csv', sha256, format: 'data-services', targetTeamId: 'sales', rowCount: n, schedule: 'now', dueAt: new Date(clock).toISOString(), options: { partial: false, fullSync: false, allowMassDeactivation: false, move: true } },
    'data-services',
    context,
  );
  const batches = Math.ceil(n / LINES);
  for (let b = 0; b < batches; b++) {
    clock = LARGE_START + Math.floor((b * 60 * DAY) / batches) + 60_000;
    const chunk = ids.slice(b * LINES, (b + 1) * LINES);
    const operations: ImportOperation[] = chunk.map((learnerId, j) => ({ op: 'register', line: b * LINES + j + 2, learnerId, email: `${learnerId}@big.example`, firstName: 'Ada', lastName: 'Lovelace', teams: ['sales'] }));
    const lines: ImportLineRecord[] = chunk.map((learnerId, j) => ({ line: b * LINES + j + 2, learnerId, action: 'register' }));
    await driver.execute({ type: 'ApplyImportBatch', orgId, importId, operations, lines }, 'data-services', context);
  }
  await driver.execute({ type: 'FinishImport', orgId, importId, sha256, outcome: { applied: true, counts: { registered: n, deactivated: 0, reactivated: 0, updated: 0, unchanged: 0, skipped: 0, errors: 0 } } }, 'data-services', context);
  const order = [...ids];
  const random = seededRandom(77);
  for (let i = order.length - 1; i > 0; i--) {
    const j = random.int(i + 1);
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  const perWave = Math.floor(n / 25);
  const inactiveAfterWave: number[] = [];
  for (const [w, day] of WAVE_DAYS.entries()) {
    const wave = order.slice(w * perWave, (w + 1) * perWave);
    for (let i = 0; i < wave.length; i += 50) {
      clock = LARGE_START + day * DAY + (i / 50) * 60_000;
      await driver.execute({ type: 'DeactivateLearners', orgId, learnerIds: wave.slice(i, i + 50), move: MOVE_TO_INACTIVE }, 'learner-draft');
    }
    await driver.execute({ type: 'DeactivateLearners', orgId: tinyOrgId, learnerIds: [`T${w}`], move: MOVE_TO_INACTIVE }, 'learner-draft');
    inactiveAfterWave.push((w + 1) * perWave);
  }
  let next = WAVE_DAYS.length * perWave;
  let nextTiny = WAVE_DAYS.length;
  const deactivateOne = async (tiny = false) => {
    clock += DAY;
    const learnerIds = tiny ? [`T${nextTiny++}`] : [order[next++]!];
    await driver.execute({ type: 'DeactivateLearners', orgId: tiny ? tinyOrgId : orgId, learnerIds, move: MOVE_TO_INACTIVE }, 'learner-profile');
  };
  return { orgId, tinyOrgId, learners: n, inactiveAfterWave, deactivateOne };
};

/** Builds the as-of read models from position 0; returns the events read and the seconds it took. */
export const buildReadModels = async (store: EventStore, readModel: ReadModelStore): Promise<{ events: number; seconds: number }> => {
  const start = now();
  const runner = new ProjectionRunner({ store, projections: asOfProjections, projectionStore: readModel, batchSize: 10_000 });
  await runner.catchUp();
  return { events: Number(await store.headPosition()), seconds: seconds(start) };
};

/** Median latency of `work` over `runs` runs (after one warm-up run), and the latencies. */
export const latency = async (runs: number, work: (run: number) => Promise<void>): Promise<{ p50: number; min: number; max: number }> => {
  await work(-1);
  const times: number[] = [];
  for (let run = 0; run < runs; run++) {
    const start = now();
    await work(run);
    times.push(seconds(start));
  }
  return { p50: median(times), min: Math.min(...times), max: Math.max(...times) };
};

const ok = <T>(answer: { _tag: 'Left'; left: { message: string } } | { _tag: 'Right'; right: T }): T => {
  if (answer._tag === 'Left') throw new Error(answer.left.message);
  return answer.right;
};

const ms = (s: number) => `${(s * 1000).toFixed(2)} ms`;

/**
 * As-of figures on the large organization, each beside the same answer by
 * folding the organization's stream: licenseCountAt at instants across the
 * year, a 365-day daily series with peaks, and the inactive roster at the
 * instant closest to 10,000 inactive learners.
 */
export const measureLargeOrganization = async (store: EventStore, readModel: ReadModelStore, org: LargeOrganization, n: number, emit: (m: Measurement) => void, log: (line: string) => void): Promise<void> => {
  const head = Number(await store.headPosition());
  const common = { store: store.name, n, unit: 'queries/s', ops: 1 } as const;
  const instants = Array.from({ length: 21 }, (_, q) => new Date(LARGE_START + Math.floor((q * 364 * DAY) / 20) + 3_600_000).toISOString());
  const foldRuns = n >= 1_000_000 ? 1 : n >= 100_000 ? 3 : 7;

  log(`${store.name} n=${n}: as-of licenseCountAt on one organization of ${n} learners (${head} events in the log)`);
  const count = await latency(instants.length, async (q) => void ok(await licenseCountAt(store, org.orgId, instants[Math.max(0, q)]!, { readModel })));
  // The fold's runs at instants spread over the year (the first of them mid-year when there is one run); its warm-up at the first instant.
  const foldAt = (q: number): string => (q < 0 ? instants[0]! : instants[Math.round(((q + 1) * (instants.length - 1)) / (foldRuns + 1))]!);
  const countFold = await latency(foldRuns, async (q) => void ok(await licenseCountAt(store, org.orgId, foldAt(q))));
  emit(measurement({ ...common, bench: 'asof.count.large', seconds: count.p50, runs: instants.length, baseline: { ops: 1, seconds: countFold.p50, perSecond: 1 / countFold.p50, runs: foldRuns }, baselineName: 'the same answers by folding the organization’s stream', note: `p50 ${ms(count.p50)} (min ${ms(count.min)}, max ${ms(count.max)}) from the read model; fold p50 ${ms(countFold.p50)}` }));

  log(`${store.name} n=${n}: 365-day daily series with peaks`);
  const range = { every: 'day' as const, from: '2026-01-01', to: '2026-12-31' };
  const series = await latency(7, async () => void ok(await licenseUsage(store, org.orgId, { ...range, readModel })));
  const seriesFold = await latency(Math.min(3, foldRuns), async () => void ok(await licenseUsage(store, org.orgId, range)));
  emit(measurement({ ...common, bench: 'asof.series365', seconds: series.p50, runs: 7, baseline: { ops: 1, seconds: seriesFold.p50, perSecond: 1 / seriesFold.p50, runs: 3 }, baselineName: 'the same series by folding the organization’s stream once', note: `p50 ${ms(series.p50)} for 365 periods with peaks; fold ${ms(seriesFold.p50)}` }));

  const wave = org.inactiveAfterWave.reduce((best, count, i) => (Math.abs(count - 10_000) < Math.abs(org.inactiveAfterWave[best]! - 10_000) ? i : best), 0);
  const at = new Date(LARGE_START + (WAVE_DAYS[wave]! + 10) * DAY).toISOString();
  log(`${store.name} n=${n}: inactive roster as of ${at} (${org.inactiveAfterWave[wave]} inactive)`);
  let size = 0;
  const roster = await latency(7, async () => void (size = ok(await inactiveRoster(store, org.orgId, { at, readModel })).learners.length));
  const rosterFold = await latency(Math.min(3, foldRuns), async () => void ok(await inactiveRoster(store, org.orgId, { at })));
  emit(measurement({ ...common, bench: 'asof.roster', seconds: roster.p50, runs: 7, baseline: { ops: 1, seconds: rosterFold.p50, perSecond: 1 / rosterFold.p50, runs: 3 }, baselineName: 'the same roster by folding the organization’s stream', note: `p50 ${ms(roster.p50)} for ${size} inactive learners; fold ${ms(rosterFold.p50)}` }));
};
