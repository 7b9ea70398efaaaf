import { randomUUID } from 'node:crypto';
import * as E from 'fp-ts/lib/Either.js';
import { DateTime } from 'luxon';
import { adminContext } from '@learner-ledger/core/testing';
import { createLedger, organizationStreamId, type EventStore } from '@learner-ledger/core';
import { asOfProjections } from '../history/as-of-projections.js';
import type { LoadOptions, ProjectionDescription, ProjectionStore } from '../projection-store.js';
import { ProjectionRunner } from '../runner.js';
import { inactiveRoster, licenseCountAt, licenseSeries, licenseUsage, resolveInstant, teamRosters, type SeriesInterval } from '../queries.js';
import { isReadModelStore, type ReadModelStore } from '../read-model/port.js';
import { appendHistory, busyLicenseHistory, questionsFor, scriptedHistory } from './histories.js';
import { rebuiltTables, runIncrementally, storedTables } from './replay.js';
import { prng } from './scripts.js';

/** What the as-of contract needs of a projection store under test (the projection-store contract's setup gives it). */
export interface AsOfContractSetup {
  readonly store: EventStore;
  readonly projectionStore: () => ProjectionStore;
  readonly reopen: () => Promise<ProjectionStore> | ProjectionStore;
  readonly close: (projectionStore: ProjectionStore) => Promise<void> | void;
  readonly teardown: () => Promise<void>;
}

export interface AsOfContractOptions {
  /** Runs of the equality property (each on a fresh store). */
  readonly runs: number;
  /** The longest scripted history of a run (at least 10). */
  readonly maxScriptLength: number;
  /** Questions asked per organization and run. */
  readonly questions: number;
}

const readModelOf = (projectionStore: ProjectionStore): ReadModelStore => {
  if (!isReadModelStore(projectionStore)) throw new Error(`The ${projectionStore.name} projection store cannot answer as-of questions (no rowsAt, rowsBetween, lastRowBefore, checkpointOf)`);
  return projectionStore;
};

/** The answer without where it came from, after checking it came from the read model. */
const fromModel = <T extends object>(answer: E.Either<unknown, T>): E.Either<unknown, T> => {
  if (E.isLeft(answer)) return answer;
  const { source, position, ...rest } = answer.right as T & { source?: string; position?: string };
  expect([source, typeof position]).toEqual(['read-model', 'string']);
  return E.right(rest as T);
};

/** The answer without where it came from (either source). */
const fromModelOrFold = <T extends object>(answer: E.Either<unknown, T>): E.Either<unknown, T> => {
  if (E.isLeft(answer)) return answer;
  const { source: _source, position: _position, ...rest } = answer.right as T & { source?: string; position?: string };
  return E.right(rest as T);
};

/** A read model that records which organizations each load asked for (every call goes through to the store). */
interface RecordedLoad {
  readonly projection: string;
  readonly organizations: readonly string[] | undefined;
  /** `orgId/learnerId`, sorted. */
  readonly learners: readonly string[] | undefined;
}

const recordingLoads = (model: ReadModelStore): { readonly model: ReadModelStore; readonly loads: RecordedLoad[] } => {
  const loads: RecordedLoad[] = [];
  const proxy = new Proxy(model, {
    get(target, property) {
      if (property === 'load')
        return (projection: ProjectionDescription, options?: LoadOptions) => {
          loads.push({ projection: projection.name, organizations: options?.organizations, learners: options?.learners?.map(([orgId, learnerId]) => `${orgId}/${learnerId}`).sort() });
          return target.load(projection, options);
        };
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
  return { model: proxy, loads };
};

/** Every as-of read model holds what a rebuild of the log as it is gives, with its checkpoint at the log's head. */
const expectEqualToRebuild = async (store: EventStore, model: ProjectionStore): Promise<void> => {
  for (const projection of asOfProjections) {
    const stored = await storedTables(model, projection);
    expect(stored.tables).toEqual(await rebuiltTables(store, projection));
    expect(stored.checkpoint).toBe(await store.headPosition());
  }
};

const orgOf = (event: { readonly metadata: unknown }): string => (event.metadata as { orgId: string }).orgId;

const CLOCK = () => '2030-01-01T00:00:00.000Z';

/** An organization's license count, inactive roster and team rosters as of `at` (now when undefined) come from the read model and equal the fold's. */
const expectAnswersOfFold = async (store: EventStore, model: ReadModelStore, orgId: string, at: string | undefined): Promise<void> => {
  expect([orgId, at, fromModel(await licenseCountAt(store, orgId, at, { clock: CLOCK, readModel: model }))]).toEqual([orgId, at, await licenseCountAt(store, orgId, at, { clock: CLOCK })]);
  const query = { ...(at !== undefined ? { at } : {}), clock: CLOCK };
  expect([orgId, at, fromModel(await inactiveRoster(store, orgId, { ...query, readModel: model }))]).toEqual([orgId, at, await inactiveRoster(store, orgId, query)]);
  expect([orgId, at, fromModel(await teamRosters(store, orgId, { ...query, readModel: model }))]).toEqual([orgId, at, await teamRosters(store, orgId, query)]);
};
const NOT_INSTANTS = ['2026-02-30', '31/03/2026', '2026-13-01', 'soon'];

/**
 * The as-of contract: the time-indexed read models ({@link asOfProjections})
 * kept in a projection store answer every as-of question exactly as a fold
 * of the organization's stream does — for any history (also one whose
 * `occurredAt` goes back), any instant, any zone and any date string — and
 * are rebuilt from 0 exactly as they were maintained. Uses the Jest globals
 * and fast-check, which the calling test project provides.
 */
export const describeAsOfContract = (name: string, factory: () => Promise<AsOfContractSetup>, options: AsOfContractOptions): void => {
  const withSetup = async (work: (setup: AsOfContractSetup) => Promise<void>): Promise<void> => {
    const setup = await factory();
    try {
      await work(setup);
    } finally {
      await setup.teardown();
    }
  };

  describe(`as-of read models: ${name}`, () => {
    test('answers equal the fold for any history (occurredAt going back too), any instant, any zone and any date string; maintained incrementally = rebuilt from 0', async () => {
      const { default: fc } = await import('fast-check');
      const seen = { questions: 0, periods: 0, disordered: 0 };
      await fc.assert(
        fc.asyncProperty(
          fc.integer({ min: 1, max: 2 ** 31 - 1 }),
          fc.integer({ min: 10, max: options.maxScriptLength }),
          fc.constantFrom(0, 0.1, 0.3),
          fc.integer({ min: 0, max: 2 }),
          async (seed, length, disorder, restarts) => {
            await withSetup(async ({ store, projectionStore, reopen, close }) => {
              const history = await scriptedHistory(seed, length, disorder);
              const half = Math.floor(history.events.length / 2);
              await appendHistory(store, history.events.slice(0, half));
              const first = await runIncrementally({ store, projections: asOfProjections, openProjectionStore: reopen, closeProjectionStore: close, seed, restarts });
              await close(first.projectionStore);
              // The rest arrives after the read models were last maintained: the first question catches them up (read-your-writes).
              await appendHistory(store, history.events.slice(half));
              const model = readModelOf(projectionStore());
              const r = prng(seed);
              for (const [orgId, zone] of history.zones) {
                const all = questionsFor(history.events, orgId, zone, seed);
                const asked = [...Array.from({ length: options.questions }, () => r.pick(all)), ...NOT_INSTANTS, undefined];
                for (const at of asked) {
                  await expectAnswersOfFold(store, model, orgId, at);
                  seen.questions++;
                }
                for (let i = 0; i < 3; i++) {
                  const time = (text: string) => resolveInstant(text, zone, 'start')?.toMillis() ?? 0;
                  const [a, b] = [r.pick(all), r.pick(all)].sort((x, y) => time(x) - time(y));
                  const range = { every: r.pick<SeriesInterval>(['day', 'week', 'month']), from: a!, to: b! };
                  const usage = await licenseUsage(store, orgId, range);
                  expect([orgId, range, fromModel(await licenseUsage(store, orgId, { ...range, readModel: model }))]).toEqual([orgId, range, usage]);
                  expect([orgId, range, fromModel(await licenseSeries(store, orgId, { ...range, readModel: model }))]).toEqual([orgId, range, await licenseSeries(store, orgId, range)]);
                  if (E.isRight(usage)) seen.periods += usage.right.periods.length;
                }
              }
              await expectEqualToRebuild(store, model);
              if (disorder > 0) seen.disordered++;
            });
          },
        ),
        { numRuns: options.runs },
      );
      // eslint-disable-next-line no-console
      console.log(`as-of read models (${name}): ${seen.questions} questions and ${seen.periods} series periods answered alike; ${seen.disordered} runs with occurredAt going back`);
      expect(seen.questions).toBeGreaterThan(0);
      // Up to 100 s measured for PostgreSQL on a heavily loaded machine: a time limit of its own above the 120 s default.
    }, 300_000);

    test('series with peaks equal the fold: changes on local midnights and a millisecond either side, several at one instant, whole and partial days', async () => {
      const { default: fc } = await import('fast-check');
      let periods = 0;
      await fc.assert(
        fc.asyncProperty(fc.integer({ min: 1, max: 2 ** 31 - 1 }), fc.integer({ min: 5, max: options.maxScriptLength }), fc.constantFrom(0, 0.15), async (seed, commands, disorder) => {
          await withSetup(async ({ store, projectionStore }) => {
            const history = await busyLicenseHistory(seed, commands, disorder);
            await appendHistory(store, history.events);
            const model = readModelOf(projectionStore());
            const zone = history.zones.get('usage')!;
            const r = prng(seed);
            const day = (ms: number) => DateTime.fromMillis(ms, { zone }).toISODate()!;
            const instant = () => new Date(history.first + Math.floor(r.next() * (history.last - history.first))).toISOString();
            const ranges: [string, string][] = [[day(history.first - 86_400_000), day(history.last)], ...Array.from({ length: 3 }, () => [instant(), instant()].sort() as [string, string])];
            for (const [from, to] of ranges) {
              for (const every of ['day', 'week', 'month'] as const) {
                const range = { every, from, to };
                const usage = await licenseUsage(store, 'usage', range);
                expect([range, fromModel(await licenseUsage(store, 'usage', { ...range, readModel: model }))]).toEqual([range, usage]);
                expect([range, fromModel(await licenseSeries(store, 'usage', { ...range, readModel: model }))]).toEqual([range, await licenseSeries(store, 'usage', range)]);
                if (E.isRight(usage)) periods += usage.right.periods.length;
              }
            }
          });
        }),
        { numRuns: options.runs },
      );
      expect(periods).toBeGreaterThan(0);
    });

    test('after new events of one organization, a question restores that organization alone, and of it the learners the events name, to catch the model up; every organization\'s rows stay equal to a rebuild', async () => {
      const { default: fc } = await import('fast-check');
      let scoped = 0;
      await fc.assert(
        fc.asyncProperty(fc.integer({ min: 1, max: 2 ** 31 - 1 }), fc.integer({ min: 10, max: options.maxScriptLength }), fc.constantFrom(0, 0.2), async (seed, length, disorder) => {
          await withSetup(async ({ store, projectionStore }) => {
            const history = await scriptedHistory(seed, length, disorder);
            const r = prng(seed ^ 0x5f3759df);
            const cut = 1 + Math.floor(r.next() * (history.events.length - 1));
            await appendHistory(store, history.events.slice(0, cut));
            const { model, loads } = recordingLoads(readModelOf(projectionStore()));
            for (const projection of asOfProjections) await new ProjectionRunner({ store, projections: [projection], projectionStore: model }).catchUp();
            // Of the events after the cut, those of one organization come first; the others later.
            const written = r.pick([...history.zones.keys()]);
            const rest = history.events.slice(cut);
            await appendHistory(store, rest.filter((event) => orgOf(event) === written));
            loads.length = 0;
            const zone = history.zones.get(written)!;
            for (const at of [...questionsFor(history.events, written, zone, seed).slice(0, 4), undefined]) {
              await expectAnswersOfFold(store, model, written, at);
            }
            const newOfWritten = rest.filter((event) => orgOf(event) === written);
            if (newOfWritten.length > 0) {
              // One catch-up per projection, for the written organization and the learners its new events name only.
              const named = [...new Set(newOfWritten.flatMap((event) => (typeof (event.data as { learnerId?: unknown }).learnerId === 'string' ? [`${written}/${(event.data as { learnerId: string }).learnerId}`] : [])))].sort();
              expect([...loads].sort((a, b) => (a.projection < b.projection ? -1 : 1))).toEqual(
                asOfProjections.map((projection) => ({ projection: projection.name, organizations: [written], learners: named })).sort((a, b) => (a.projection < b.projection ? -1 : 1)),
              );
              scoped++;
            } else expect(loads).toEqual([]);
            // The organizations not restored keep what they held: the tables equal a rebuild of the log as it is.
            await expectEqualToRebuild(store, model);
            await appendHistory(store, rest.filter((event) => orgOf(event) !== written));
            for (const [orgId] of history.zones) {
              await expectAnswersOfFold(store, model, orgId, undefined);
            }
            await expectEqualToRebuild(store, model);
          });
        }),
        { numRuns: options.runs },
      );
      expect(scoped).toBeGreaterThan(0);
    }, 300_000);

    test('read-your-writes: a question right after a command sees it; behind, the model is caught up first, or the fold answers when asked to; each answer says which', async () => {
      await withSetup(async ({ store, projectionStore }) => {
        const ledger = createLedger({ store });
        const context = adminContext({ now: '2026-03-02T15:00:00.000Z' });
        const run = async (command: Parameters<typeof ledger.execute>[0]) => {
          const result = await ledger.execute(command, context);
          if (E.isLeft(result)) throw new Error(result.left.message);
        };
        await run({ type: 'OnboardOrganization', orgId: 'acme', name: 'Acme', seats: 5, timeZone: 'America/Chicago' });
        const model = readModelOf(projectionStore());
        const first = await licenseCountAt(store, 'acme', undefined, { clock: CLOCK, readModel: model });
        expect(first).toEqual(E.right({ orgId: 'acme', at: CLOCK(), seats: 5, inUse: 0, available: 5, source: 'read-model', position: String(await store.headPosition()) }));
        await run({ type: 'RegisterLearner', orgId: 'acme', learnerId: 'a', email: 'a@acme.test', firstName: 'A', lastName: 'A' });
        const last = (await store.readStream(organizationStreamId('acme'), { fromVersion: 1 })).events.at(-1)!.globalPosition;
        expect(await licenseCountAt(store, 'acme', undefined, { clock: CLOCK, readModel: model, whenBehind: 'fold' })).toEqual(
          E.right({ orgId: 'acme', at: CLOCK(), seats: 5, inUse: 1, available: 4, source: 'fold', position: String(last) }),
        );
        expect(await licenseCountAt(store, 'acme', undefined, { clock: CLOCK, readModel: model })).toEqual(
          E.right({ orgId: 'acme', at: CLOCK(), seats: 5, inUse: 1, available: 4, source: 'read-model', position: String(last) }),
        );
        expect(E.isRight(await inactiveRoster(store, 'acme', { readModel: model }))).toBe(true);
        // Another organization's writes do not make acme's model stale.
        await run({ type: 'OnboardOrganization', orgId: 'globex', name: 'Globex', seats: 2 });
        const roster = await inactiveRoster(store, 'acme', { clock: CLOCK, readModel: model, whenBehind: 'fold' });
        expect(E.isRight(roster) && roster.right.source).toBe('read-model');
        expect(await licenseCountAt(store, 'nobody', undefined, { readModel: model })).toEqual(E.left(expect.objectContaining({ code: 'ORGANIZATION_NOT_FOUND' })));
      });
    });

    test('a log the read model cannot read to the end (an event of another application it cannot decode, before the organization\'s last one): the fold answers and says so, never the model that stopped behind', async () => {
      await withSetup(async ({ store, projectionStore }) => {
        const ledger = createLedger({ store });
        const context = adminContext({ now: '2026-03-02T15:00:00.000Z' });
        const run = async (command: Parameters<typeof ledger.execute>[0]) => {
          const result = await ledger.execute(command, context);
          if (E.isLeft(result)) throw new Error(result.left.message);
        };
        await run({ type: 'OnboardOrganization', orgId: 'acme', name: 'Acme', seats: 5 });
        const model = readModelOf(projectionStore());
        expect(await licenseCountAt(store, 'acme', undefined, { clock: CLOCK, readModel: model })).toEqual(E.right(expect.objectContaining({ inUse: 0, source: 'read-model' })));
        const metadata = { eventId: randomUUID(), occurredAt: '2026-03-02T15:30:00.000Z', orgId: 'other', commandId: 'x', correlationId: 'x', causationId: 'x', actor: { kind: 'system', id: 'other-app' }, channel: 'api' };
        await store.appendToStream('other-app-0', [{ eventId: metadata.eventId, type: 'LearnerTeleported', schemaVersion: 1, data: { learnerId: 'a' }, metadata }]);
        await run({ type: 'RegisterLearner', orgId: 'acme', learnerId: 'a', email: 'a@acme.test', firstName: 'A', lastName: 'A' });
        const last = String((await store.readStream(organizationStreamId('acme'), { fromVersion: 1 })).events.at(-1)!.globalPosition);
        expect(await licenseCountAt(store, 'acme', undefined, { clock: CLOCK, readModel: model })).toEqual(E.right({ orgId: 'acme', at: CLOCK(), seats: 5, inUse: 1, available: 4, source: 'fold', position: last }));
        const roster = await inactiveRoster(store, 'acme', { clock: CLOCK, readModel: model });
        expect(E.isRight(roster) && [roster.right.source, roster.right.position]).toEqual(['fold', last]);
        const range = { every: 'day' as const, from: '2026-03-01', to: '2026-03-03' };
        const usage = await licenseUsage(store, 'acme', { ...range, readModel: model });
        expect(E.isRight(usage) && [usage.right.source, usage.right.position]).toEqual(['fold', last]);
        expect(fromModelOrFold(usage)).toEqual(await licenseUsage(store, 'acme', range));
      });
    });
  });
};
