import * as E from 'fp-ts/lib/Either.js';
import fc from 'fast-check';
import {
  createLedger,
  InMemoryEventStore,
  StoreUnavailableError,
  type Command,
  type CommandResult,
  type DomainError,
  type EventStore,
  type LockedDecision,
  type NewStoredEvent,
  type StoredEvent,
} from '../src/index.js';
import { adminContext } from '../src/testing/index.js';
import { LogAuditor } from './log-auditor.js';

/**
 * Several ledgers, each queueing and group-committing its own commands, write
 * one organization of an in-memory store (with or without the store's lock);
 * fast-check's scheduler orders every read and append of every ledger, and
 * some appends fail: before writing, or after writing with the answer lost.
 * Audited from the raw log: the invariants hold at every command, no command
 * is lost or applied twice, and every answer matches what the log holds.
 */
const NUM_RUNS = 120;
const ORG = 'acme';
const LEARNERS = ['P1', 'P2', 'P3', 'N1', 'N2'];

type Fault = 'none' | 'before' | 'after';

const commandArb: fc.Arbitrary<Command> = fc.oneof(
  fc.constantFrom(...LEARNERS).map((id): Command => ({ type: 'RegisterLearner', orgId: ORG, learnerId: id, email: `${id}@acme.test`, firstName: 'N', lastName: id, teams: ['sales'] })),
  fc.uniqueArray(fc.constantFrom(...LEARNERS), { minLength: 1, maxLength: 3 }).map((ids): Command => ({ type: 'DeactivateLearners', orgId: ORG, learnerIds: ids, partial: true })),
  fc.constantFrom(...LEARNERS).map((id): Command => ({ type: 'ReactivateLearner', orgId: ORG, learnerId: id })),
  fc.integer({ min: 1, max: 4 }).map((seats): Command => ({ type: 'ResizeLicensePool', orgId: ORG, seats })),
);

const taskArb = fc.record({ writer: fc.nat({ max: 2 }), command: commandArb, again: fc.option(fc.nat({ max: 2 }), { freq: 3 }) });

/** The inner store behind the scheduler, with the faults the run drew (one per append, in order); counts appends of several commands. */
const scheduled = (inner: InMemoryEventStore, s: fc.Scheduler, faults: Fault[], grouped: { appends: number }): EventStore => {
  const gate = <T>(label: string, call: () => Promise<T>) => s.schedule(Promise.resolve(label), label).then(call);
  const count = (events: readonly NewStoredEvent[]) => {
    if (new Set(events.map((e) => (e.metadata as { commandId: string }).commandId)).size > 1) grouped.appends++;
  };
  const fault = async <T>(append: () => Promise<T>): Promise<T> => {
    const next = faults.shift() ?? 'none';
    if (next === 'before') throw new StoreUnavailableError('memory', 'connection refused; nothing was written');
    const result = await append();
    if (next === 'after') throw new StoreUnavailableError('memory', 'connection lost after the commit');
    return result;
  };
  const locked = inner.appendLocked?.bind(inner);
  return {
    name: inner.name,
    capabilities: inner.capabilities,
    appendToStream: (streamId, events, options) =>
      gate(`append ${streamId}`, () =>
        fault(() => {
          count(events);
          return inner.appendToStream(streamId, events, options);
        }),
      ),
    ...(locked
      ? {
          appendLocked: <T>(streamId: string, after: number, decide: (tail: readonly StoredEvent[]) => LockedDecision<T>) =>
            gate(`locked ${streamId}`, () =>
              fault(() =>
                locked(streamId, after, (tail) => {
                  const decision = decide(tail);
                  count(decision.events);
                  return decision;
                }),
              ),
            ),
        }
      : {}),
    readStream: (streamId, options) => gate(`read ${streamId}`, () => inner.readStream(streamId, options)),
    listStreams: (options) => inner.listStreams(options),
    readAll: (options) => inner.readAll(options),
    headPosition: () => inner.headPosition(),
    waitForEvents: (after, options) => inner.waitForEvents(after, options),
    close: () => inner.close(),
  };
};

const commandIdOf = (event: StoredEvent): string => (event.metadata as { commandId: string }).commandId;

describe('group commit under concurrent writers', () => {
  it(`loses no command, applies none twice, answers each as the log holds it (${NUM_RUNS} runs)`, async () => {
    const totals = { deliveries: 0, applied: 0, duplicates: 0, failed: 0, groupedAppends: 0 };
    await fc.assert(
      fc.asyncProperty(
        fc.scheduler(),
        fc.boolean(),
        fc.array(taskArb, { minLength: 2, maxLength: 14 }),
        fc.array(fc.constantFrom<Fault>('none', 'none', 'none', 'before', 'after'), { maxLength: 10 }),
        fc.record({ maxCommands: fc.integer({ min: 1, max: 6 }), maxEvents: fc.integer({ min: 1, max: 12 }) }),
        async (s, lockedAppends, tasks, faults, groupCommit) => {
          const inner = new InMemoryEventStore({ lockedAppends });
          const setup = createLedger({ store: inner });
          const prelude: Command[] = [
            { type: 'OnboardOrganization', orgId: ORG, name: 'Acme', seats: 2, timeZone: 'UTC' },
            { type: 'CreateTeam', orgId: ORG, name: 'Sales' },
            ...['P1', 'P2', 'P3'].map((id, i): Command => ({ type: 'RegisterLearner', orgId: ORG, learnerId: id, email: `${id}@acme.test`, firstName: 'P', lastName: id, teams: i < 1 ? ['sales'] : [], active: i < 1 })),
          ];
          for (const command of prelude) if (E.isLeft(await setup.execute(command, adminContext()))) throw new Error('prelude refused');
          const audit = new LogAuditor(inner);
          await audit.catchUp();
          const grouped = { appends: 0 };
          const store = scheduled(inner, s, [...faults], grouped);
          const writers = Array.from({ length: 3 }, () => createLedger({ store, groupCommit }));
          const deliveries = tasks.flatMap((task, index) => {
            audit.issued.set(`t-${index}`, task.command);
            const one = { commandId: `t-${index}`, command: task.command, writer: task.writer };
            return task.again === null ? [one] : [one, { ...one, writer: task.again }];
          });
          const results: E.Either<DomainError, CommandResult>[] = await s.waitFor(
            Promise.all(deliveries.map((d) => writers[d.writer]!.execute(d.command, adminContext({ commandId: d.commandId })))),
          );

          await audit.catchUp(); // throws at the first broken invariant
          const events = (await inner.readAll({ maxCount: 10_000 })).events.filter((e) => e.streamId.endsWith(ORG));
          const applied = new Map<string, CommandResult>();
          const failed = new Set<string>();
          for (const [i, result] of results.entries()) {
            const { commandId } = deliveries[i]!;
            totals.deliveries++;
            if (E.isLeft(result)) {
              expect(['LICENSE_POOL_EXHAUSTED', 'LEARNER_NOT_FOUND', 'DUPLICATE_LEARNER_ID', 'DUPLICATE_EMAIL', 'SEATS_BELOW_IN_USE', 'STORE_FAILURE']).toContain(result.left.code);
              if (result.left.code === 'STORE_FAILURE') {
                expect(result.left.subject).toBe(commandId);
                failed.add(commandId);
                totals.failed++;
              }
              continue;
            }
            const r = result.right;
            if (r.status === 'duplicate') totals.duplicates++;
            if (r.status !== 'applied') continue;
            totals.applied++;
            expect(applied.has(commandId)).toBe(false);
            applied.set(commandId, r);
            // Its events are in the log exactly where it says, under its command id, and nowhere else.
            const mine = events.filter((e) => commandIdOf(e) === commandId);
            expect(mine.map((e) => [e.streamVersion, e.globalPosition])).toEqual(r.events.map((e, k) => [e.streamVersion, r.firstPosition + BigInt(k)]));
            expect(r.lastPosition).toBe(r.firstPosition + BigInt(r.events.length - 1));
          }
          // Every command in the log was answered as applied, or its answer was lost with the connection.
          for (const commandId of new Set(events.map(commandIdOf))) {
            if (commandId.startsWith('t-')) expect(applied.has(commandId) || failed.has(commandId)).toBe(true);
          }
          // Duplicates point at the application this run reported, when it reported one.
          for (const result of results) {
            if (E.isRight(result) && result.right.status === 'duplicate' && applied.has(result.right.commandId)) {
              expect(result.right.firstPosition).toBe(applied.get(result.right.commandId)!.firstPosition);
            }
          }
          totals.groupedAppends += grouped.appends;
          const state = await createLedger({ store: inner }).state(ORG);
          if (E.isLeft(state)) throw new Error(state.left.message);
          expect(state.right.licensesInUse).toBe(audit.activeCount(ORG));
        },
      ),
      { numRuns: NUM_RUNS },
    );
    // eslint-disable-next-line no-console
    console.log(`group commit property: ${NUM_RUNS} runs, ${JSON.stringify(totals)}`);
    // Over 30 seeds (the scheduler makes each seed's figures repeat exactly): applied 270-341 (mean 308, sd 19), failed 124-195,
    // duplicates 166-214, grouped appends 44-80 (mean 60, sd 8.5): every bound 7 sd or more below the mean.
    expect(totals.applied).toBeGreaterThan(NUM_RUNS);
    expect(totals.failed).toBeGreaterThan(0);
    expect(totals.duplicates).toBeGreaterThan(0);
    expect(totals.groupedAppends).toBeGreaterThan(0);
  });
});
