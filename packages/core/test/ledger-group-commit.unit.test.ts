import * as E from 'fp-ts/lib/Either.js';
import {
  AppendOutcomeUnknownError,
  createLedger,
  InMemoryEventStore,
  organizationStreamId,
  type AppendResult,
  type Command,
  type CommandResult,
  type DomainError,
  type EventStore,
  type ExpectedVersion,
  type Ledger,
  type NewStoredEvent,
} from '../src/index.js';
import { adminContext } from '../src/testing/index.js';
import { acme, learner } from './support.js';

const right = <T>(result: E.Either<DomainError, T>): T => {
  if (E.isLeft(result)) throw new Error(`${result.left.code}: ${result.left.message}`);
  return result.right;
};
const left = <T>(result: E.Either<DomainError, T>): DomainError => {
  if (E.isRight(result)) throw new Error('expected a refusal');
  return result.left;
};
const setUp = async (ledger: Ledger, commands: Command[]) => {
  for (const command of commands) right(await ledger.execute(command, adminContext()));
};

/** Counts appends and lets a test fail the next ones. */
class CountingStore extends InMemoryEventStore {
  appends: number[] = [];
  failNext: unknown[] = [];
  override async appendToStream(streamId: string, events: readonly NewStoredEvent[], options?: { expectedVersion?: ExpectedVersion }): Promise<AppendResult> {
    this.appends.push(events.length);
    const failure = this.failNext.shift();
    if (failure !== undefined) throw failure;
    return super.appendToStream(streamId, events, options);
  }
}

const stream = async (store: EventStore) => (await store.readStream(organizationStreamId('acme'))).events;

describe('ledger: group commit', () => {
  it('appends the commands queued for one organization together, each answered with its own events, versions and positions', async () => {
    const store = new CountingStore();
    const ledger = createLedger({ store });
    await setUp(ledger, acme(10));
    store.appends = [];
    const commands: [Command, string][] = [
      [learner('0003'), 'r3'],
      [learner('0004', { teams: ['sales'] }), 'r4'],
      [{ type: 'DeactivateLearners', orgId: 'acme', learnerIds: ['ghost'] }, 'bad'],
      [{ type: 'DeactivateLearners', orgId: 'acme', learnerIds: ['0003'] }, 'd3'],
      [learner('0003'), 'r3'],
      [{ type: 'ReactivateLearner', orgId: 'acme', learnerId: '0001' }, 'noop'],
    ];
    const results = await Promise.all(commands.map(([command, commandId]) => ledger.execute(command, adminContext({ commandId }))));
    // One append for the whole queue: the refused and unchanged commands add nothing, the repeated id is a duplicate.
    expect(store.appends).toEqual([2 + 3 + 3]);
    const [r3, r4, bad, d3, again, noop] = results;
    expect(left(bad!).code).toBe('LEARNER_NOT_FOUND');
    expect(right(noop!).status).toBe('unchanged');
    const applied = [right(r3!), right(r4!), right(d3!)];
    expect(applied.map((r) => r.status)).toEqual(['applied', 'applied', 'applied']);
    expect(applied.map((r) => r.events.length)).toEqual([2, 3, 3]);
    const log = await stream(store);
    for (const result of applied) {
      const mine = log.filter((e) => (e.metadata as { commandId: string }).commandId === result.commandId);
      expect(mine.map((e) => e.streamVersion)).toEqual(result.events.map((e) => e.streamVersion));
      expect([result.firstPosition, result.lastPosition]).toEqual([mine[0]!.globalPosition, mine[mine.length - 1]!.globalPosition]);
      expect(result.streamVersion).toBe(mine[mine.length - 1]!.streamVersion);
    }
    // The deactivation was decided on the registration queued before it.
    expect(right(d3!).events.map((e) => e.event.type)).toEqual(['TeamMembershipChanged', 'LearnerDeactivated', 'LicenseReleased']);
    const duplicate = right(again!);
    expect(duplicate).toMatchObject({ status: 'duplicate', firstPosition: applied[0]!.firstPosition, lastPosition: applied[0]!.lastPosition, outcomes: applied[0]!.outcomes });
    expect(right(await ledger.state('acme')).licensesInUse).toBe(3);
  });

  it('reports none of a batch applied when its append fails, leaves the cache as it was, and decides again what was decided on top of it', async () => {
    const store = new CountingStore();
    const ledger = createLedger({ store });
    await setUp(ledger, acme(3)); // one seat free
    store.failNext = [new Error('disk full')];
    const [first, second] = await Promise.all([
      ledger.execute(learner('0003'), adminContext({ commandId: 'takes-the-seat' })),
      ledger.execute(learner('0004'), adminContext({ commandId: 'refused-on-top' })),
    ]);
    const failure = left(first!);
    expect(failure.code).toBe('STORE_FAILURE');
    expect(failure.subject).toBe('takes-the-seat');
    // Refused only because of the failed registration: decided again, the seat is free.
    expect(right(second!).status).toBe('applied');
    expect((await stream(store)).filter((e) => (e.metadata as { commandId: string }).commandId === 'takes-the-seat')).toEqual([]);
    const state = right(await ledger.state('acme'));
    expect([state.learners.has('0003'), state.learners.has('0004'), state.licensesInUse]).toEqual([false, true, 3]);
  });

  it('bounds a batch by its events: a large command goes alone, the commands behind it follow in the next append', async () => {
    const store = new CountingStore();
    const ledger = createLedger({ store, groupCommit: { maxEvents: 4 } });
    await setUp(ledger, acme(10));
    store.appends = [];
    const results = await Promise.all([
      ledger.execute({ type: 'DeactivateLearners', orgId: 'acme', learnerIds: ['0001', '0002'] }, adminContext()),
      ledger.execute(learner('0003'), adminContext()),
      ledger.execute(learner('0004'), adminContext()),
      ledger.execute(learner('0005'), adminContext()),
    ]);
    expect(results.every(E.isRight)).toBe(true);
    expect(store.appends).toEqual([6, 4, 2]);
    const single = createLedger({ store, groupCommit: { maxCommands: 1 } });
    store.appends = [];
    await Promise.all([single.execute(learner('0006'), adminContext()), single.execute(learner('0007'), adminContext())]);
    expect(store.appends).toEqual([2, 2]);
  });

  it('maps an append of unknown outcome to STORE_FAILURE with the command id to run it again', async () => {
    const store = new CountingStore();
    const ledger = createLedger({ store });
    await setUp(ledger, acme());
    store.failNext = [new AppendOutcomeUnknownError('memory', ['acme'], 'the answer was lost; it landed whole or not at all')];
    const failure = left(await ledger.execute(learner('0003'), adminContext({ commandId: 'lost-answer' })));
    expect(failure).toMatchObject({ code: 'STORE_FAILURE', subject: 'lost-answer' });
    expect(failure.message).toMatch(/the answer was lost.*command id lost-answer/);
    expect(right(await ledger.execute(learner('0003'), adminContext({ commandId: 'lost-answer' }))).status).toBe('applied');
  });
});

describe('ledger: writers that wait for the store lock', () => {
  /** An in-memory store with the lock, counting locked and optimistic appends. */
  const lockingStore = () => {
    const store = new InMemoryEventStore({ lockedAppends: true });
    const counts = { locked: 0, optimistic: 0 };
    const locked = store.appendLocked!;
    const wrapped: EventStore = Object.assign(Object.create(store) as EventStore, {
      appendLocked: (...args: Parameters<typeof locked>) => {
        counts.locked++;
        return locked(...args);
      },
      appendToStream: (...args: Parameters<EventStore['appendToStream']>) => {
        counts.optimistic++;
        return store.appendToStream(...args);
      },
    });
    return { store: wrapped, counts };
  };

  it('after a lost race, decides under the lock: many ledgers, no command fails for contention', async () => {
    const { store, counts } = lockingStore();
    await setUp(createLedger({ store }), acme(200));
    const ledgers = Array.from({ length: 8 }, () => createLedger({ store, maxRetries: 3 }));
    await Promise.all(ledgers.map((ledger) => ledger.state('acme')));
    const results = await Promise.all(
      Array.from({ length: 160 }, (_, i) => ledgers[i % ledgers.length]!.execute(learner(`L${i}`), adminContext({ commandId: `c${i}` }))),
    );
    expect(results.filter(E.isLeft).map((r) => r.left.code)).toEqual([]);
    expect(counts.locked).toBeGreaterThan(0);
    expect(right(await createLedger({ store }).state('acme')).learners.size).toBe(162);
    // Each ledger lost at most its first race: the lock kept every later batch from racing.
    expect(results.map((r) => right(r).retries).filter((n) => n > 1)).toEqual([]);
  });

  it('appends optimistically while it is the only writer', async () => {
    const { store, counts } = lockingStore();
    const ledger = createLedger({ store });
    await setUp(ledger, acme(10));
    await Promise.all([ledger.execute(learner('0003'), adminContext()), ledger.execute(learner('0004'), adminContext())]);
    expect(counts).toEqual({ locked: 0, optimistic: 6 });
  });
});

describe('ledger: time within an organization', () => {
  const at = (time: string) => () => `2026-03-02T${time}:00.000Z`;

  it('never dates an event before the last one: a writer whose clock is behind decides at the last instant and records its reading', async () => {
    const store = new InMemoryEventStore();
    const early = createLedger({ store, clock: at('08:00') });
    const late = createLedger({ store, clock: at('12:00') });
    right(await early.execute(acme(1)[0]!, adminContext({ now: undefined })));
    right(await early.execute(learner('A'), adminContext({ now: undefined })));
    right(await late.execute({ type: 'DeactivateLearners', orgId: 'acme', learnerIds: ['A'] }, adminContext({ now: undefined })));
    const behind: CommandResult = right(await early.execute(learner('B'), adminContext({ now: undefined })));
    for (const { metadata } of behind.events) expect(metadata).toMatchObject({ occurredAt: '2026-03-02T12:00:00.000Z', clockReading: '2026-03-02T08:00:00.000Z' });
    const occurred = (await stream(store)).map((e) => (e.metadata as { occurredAt: string }).occurredAt);
    expect(occurred).toEqual([...occurred].sort());
    // A clock that is not behind is recorded as it is, with no reading beside it.
    const ahead = right(await late.execute(learner('C', { active: false }), adminContext({ now: undefined })));
    expect(ahead.events[0]!.metadata.clockReading).toBeUndefined();
    // An instant the caller gives is the caller's to vouch for: taken as given.
    const given = right(await early.execute(learner('D', { active: false }), adminContext({ now: '2026-03-01T00:00:00.000Z' })));
    expect(given.events[0]!.metadata.occurredAt).toBe('2026-03-01T00:00:00.000Z');
  });
});
