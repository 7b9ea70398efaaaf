import * as E from 'fp-ts/lib/Either.js';
import {
  createLedger,
  decodeEvent,
  encodeEvent,
  InMemoryEventStore,
  listOrganizationIds,
  organizationStreamId,
  StoreUnavailableError,
  type AppendResult,
  type Command,
  type CommandResult,
  type DomainError,
  type EventStore,
  type ExpectedVersion,
  type Ledger,
  type NewStoredEvent,
} from '../src/index.js';
import { adminContext, FIXTURE_NOW } from '../src/testing/index.js';
import { sampleMetadata } from './sample-events.js';
import { acme, learner, onboard, team } from './support.js';

const right = <T>(result: E.Either<DomainError, T>): T => {
  if (E.isLeft(result)) throw new Error(`${result.left.code}: ${result.left.message}`);
  return result.right;
};
const left = <T>(result: E.Either<DomainError, T>): DomainError => {
  if (E.isRight(result)) throw new Error(`expected a refusal, got ${JSON.stringify(result.right, (_k, v) => (typeof v === 'bigint' ? String(v) : v))}`);
  return result.left;
};
const setUp = async (ledger: Ledger, commands: Command[]) => {
  for (const command of commands) right(await ledger.execute(command, adminContext()));
};
const forOrg = (orgId: string, commands: Command[]): Command[] => commands.map((c) => ({ ...c, orgId }));

/** Runs `before` ahead of each append it is armed for: a write by someone else landing between load and append. */
class InterleavingStore extends InMemoryEventStore {
  before: ((streamId: string) => Promise<void>) | undefined;
  appendCalls = 0;
  override async appendToStream(streamId: string, events: readonly NewStoredEvent[], options?: { expectedVersion?: ExpectedVersion }): Promise<AppendResult> {
    this.appendCalls++;
    const hook = this.before;
    if (hook) await hook(streamId);
    return super.appendToStream(streamId, events, options);
  }
}

describe('ledger: idempotency by command id', () => {
  it('applies a command once; the second delivery returns the first events and writes nothing', async () => {
    const store = new InMemoryEventStore();
    const ledger = createLedger({ store });
    await setUp(ledger, acme());
    const command: Command = { type: 'DeactivateLearners', orgId: 'acme', learnerIds: ['0001', '0002'] };
    const first = right(await ledger.execute(command, adminContext({ commandId: 'cmd-42' })));
    expect(first.status).toBe('applied');
    const head = await store.headPosition();
    const second = right(await ledger.execute(command, adminContext({ commandId: 'cmd-42' })));
    expect(second.status).toBe('duplicate');
    expect(second.events).toEqual(first.events);
    expect([second.firstPosition, second.lastPosition]).toEqual([first.firstPosition, first.lastPosition]);
    expect(await store.headPosition()).toBe(head);
  });

  it('recognises the duplicate from another ledger instance sharing the store, after other commands', async () => {
    const store = new InMemoryEventStore();
    const a = createLedger({ store });
    const b = createLedger({ store });
    await setUp(a, acme());
    const register: Command = learner('0003');
    const first = right(await a.execute(register, adminContext({ commandId: 'reg-3' })));
    await setUp(a, [{ type: 'DeactivateLearners', orgId: 'acme', learnerIds: ['0003'] }]);
    const head = await store.headPosition();
    const again = right(await b.execute(register, adminContext({ commandId: 'reg-3' })));
    expect(again.status).toBe('duplicate');
    expect(again.events.map((e) => e.event)).toEqual(first.events.map((e) => e.event));
    expect(again.events.map((e) => e.metadata.eventId)).toEqual(first.events.map((e) => e.metadata.eventId));
    expect(await store.headPosition()).toBe(head);
    // The learner stays deactivated: the repeated registration did not resurrect them.
    expect(right(await b.state('acme')).learners.get('0003')!.status).toBe('inactive');
  });

  it('returns a duplicate when the repeat arrives while another instance raced it', async () => {
    const store = new InterleavingStore();
    const a = createLedger({ store });
    const b = createLedger({ store });
    await setUp(a, acme());
    right(await b.state('acme')); // b caches the organization as it is now
    const command: Command = learner('0003');
    // a writes the same command id between b's load and b's append.
    store.before = async () => {
      store.before = undefined;
      right(await a.execute(command, adminContext({ commandId: 'same' })));
    };
    const result = right(await b.execute(command, adminContext({ commandId: 'same' })));
    expect(result.status).toBe('duplicate');
    expect(result.retries).toBe(1);
    const registered = (await store.readStream(organizationStreamId('acme'))).events.filter((e) => e.type === 'LearnerRegistered' && (e.data as { learnerId: string }).learnerId === '0003');
    expect(registered).toHaveLength(1);
  });

  it('recognises duplicates and decides on fresh state without a cache too', async () => {
    const store = new InMemoryEventStore();
    const ledger = createLedger({ store, cacheStates: false });
    await setUp(ledger, acme(3));
    const first = right(await ledger.execute(learner('0003'), adminContext({ commandId: 'once' })));
    const head = await store.headPosition();
    expect(right(await ledger.execute(learner('0003'), adminContext({ commandId: 'once' }))).status).toBe('duplicate');
    expect(await store.headPosition()).toBe(head);
    expect(left(await ledger.execute(learner('0004'), adminContext())).code).toBe('LICENSE_POOL_EXHAUSTED');
    expect(first.streamVersion).toBe((await store.readStream(organizationStreamId('acme'))).currentVersion);
  });

  it('scopes command ids to their organization', async () => {
    const ledger = createLedger({ store: new InMemoryEventStore() });
    right(await ledger.execute(onboard('acme'), adminContext({ commandId: 'c-1' })));
    const other = right(await ledger.execute(onboard('acme-1'), adminContext({ commandId: 'c-1' })));
    expect(other.status).toBe('applied');
  });

  it('decides again a command that was refused or changed nothing', async () => {
    const ledger = createLedger({ store: new InMemoryEventStore() });
    await setUp(ledger, acme(2));
    expect(left(await ledger.execute(learner('0003'), adminContext({ commandId: 'r3' }))).code).toBe('LICENSE_POOL_EXHAUSTED');
    await setUp(ledger, [{ type: 'ResizeLicensePool', orgId: 'acme', seats: 3 }]);
    expect(right(await ledger.execute(learner('0003'), adminContext({ commandId: 'r3' }))).status).toBe('applied');
    const unchanged = right(await ledger.execute({ type: 'ReactivateLearner', orgId: 'acme', learnerId: '0003' }, adminContext({ commandId: 'u' })));
    expect(unchanged.status).toBe('unchanged');
    expect(unchanged.outcomes).toEqual([expect.objectContaining({ status: 'skipped', code: 'ALREADY_ACTIVE' })]);
  });
});

describe('ledger: concurrent writers', () => {
  it('retries after another instance wrote, and decides on what it wrote', async () => {
    const store = new InterleavingStore();
    const a = createLedger({ store });
    const b = createLedger({ store });
    await setUp(a, acme(3));
    right(await b.state('acme'));
    store.before = async () => {
      store.before = undefined;
      right(await a.execute(learner('0003'), adminContext())); // takes the last seat
    };
    const refused = left(await b.execute(learner('0004'), adminContext()));
    expect(refused.code).toBe('LICENSE_POOL_EXHAUSTED');
    store.before = async () => {
      store.before = undefined;
      right(await a.execute({ type: 'CreateTeam', orgId: 'acme', name: 'Marketing' }, adminContext()));
    };
    const retried = right(await b.execute({ type: 'ChangeTeamMembership', orgId: 'acme', learnerId: '0001', add: ['support'] }, adminContext()));
    expect(retried.retries).toBe(1);
    expect(retried.status).toBe('applied');
    const after = right(await a.state('acme'));
    expect(after.learners.get('0001')!.teams).toEqual(['sales', 'support']);
    expect(after.teams.has('marketing')).toBe(true);
    expect(retried.events[0]!.streamVersion).toBe((await store.readStream(organizationStreamId('acme'))).currentVersion);
  });

  it('gives up with CONCURRENCY_CONFLICT after maxRetries, writing nothing of its own', async () => {
    const store = new InterleavingStore();
    const setup = createLedger({ store });
    await setUp(setup, acme());
    const ledger = createLedger({ store, maxRetries: 3 });
    let interference = 0;
    store.before = async (streamId) => {
      const version = (await store.readStream(streamId)).currentVersion;
      const event = encodeEvent(
        { type: 'ActivityRecorded', data: { learnerId: '0001', activityId: `noise-${interference++}`, kind: 'assignment', courseId: 'c' } },
        sampleMetadata({ commandId: `noise-${interference}` }),
      );
      await InMemoryEventStore.prototype.appendToStream.call(store, streamId, [event], { expectedVersion: version });
    };
    store.appendCalls = 0;
    const error = left(await ledger.execute({ type: 'DeactivateLearners', orgId: 'acme', learnerIds: ['0001'] }, adminContext({ commandId: 'loser' })));
    expect(error.code).toBe('CONCURRENCY_CONFLICT');
    expect(error.message).toMatch(/3 retries/);
    expect(store.appendCalls).toBe(4);
    store.before = undefined;
    const events = (await store.readStream(organizationStreamId('acme'))).events;
    expect(events.filter((e) => (e.metadata as { commandId: string }).commandId === 'loser')).toEqual([]);
    expect(events.filter((e) => e.type === 'ActivityRecorded')).toHaveLength(4);
  });
});

describe('ledger: metadata', () => {
  it('puts the full metadata on every event', async () => {
    let n = 0;
    const ledger = createLedger({ store: new InMemoryEventStore(), newId: () => `id-${++n}` });
    await setUp(ledger, acme());
    const result = right(
      await ledger.execute(
        { type: 'DeactivateLearners', orgId: 'acme', learnerIds: ['0001'] },
        {
          commandId: 'cmd-7',
          correlationId: 'corr-7',
          causationId: 'cause-7',
          actor: { kind: 'import', id: 'imp-7' },
          channel: 'data-services',
          importId: 'imp-7',
          fileName: 'learners.csv',
          line: 12,
          now: '2026-03-05T10:11:12.000Z',
        },
      ),
    );
    expect(result.events).toHaveLength(3);
    const ids = new Set<string>();
    for (const { metadata } of result.events) {
      ids.add(metadata.eventId);
      expect(metadata).toEqual({
        eventId: expect.stringMatching(/^id-\d+$/),
        occurredAt: '2026-03-05T10:11:12.000Z',
        orgId: 'acme',
        commandId: 'cmd-7',
        correlationId: 'corr-7',
        causationId: 'cause-7',
        actor: { kind: 'import', id: 'imp-7' },
        channel: 'data-services',
        importId: 'imp-7',
        fileName: 'learners.csv',
        line: 12,
      });
    }
    expect(ids.size).toBe(3);
    // What the store holds decodes to the same metadata.
    const stored = (await ledger.store.readStream(organizationStreamId('acme'), { fromVersion: result.streamVersion - 2 })).events;
    expect(stored.map((e) => right(E.mapLeft((d: { message: string }) => ({ code: 'EVENT_DECODE_FAILED', message: d.message }) as DomainError)(decodeEvent(e))).metadata)).toEqual(
      result.events.map((e) => e.metadata),
    );
  });

  it('defaults ids and time: UUIDs, the clock, correlation and causation = the command id', async () => {
    const ledger = createLedger({ store: new InMemoryEventStore(), clock: () => '2026-07-01T00:00:00.000Z' });
    const result = right(await ledger.execute(onboard('acme'), { actor: { kind: 'admin', id: 'jo' }, channel: 'api' }));
    const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
    expect(result.commandId).toMatch(uuid);
    for (const { metadata } of result.events) {
      expect(metadata.eventId).toMatch(uuid);
      expect(metadata.occurredAt).toBe('2026-07-01T00:00:00.000Z');
      expect(metadata.correlationId).toBe(result.commandId);
      expect(metadata.causationId).toBe(result.commandId);
      expect(metadata).not.toHaveProperty('line');
      expect(metadata).not.toHaveProperty('importId');
    }
  });

  it('stores the command time as a UTC instant whatever its offset, and refuses a time without one', async () => {
    const store = new InMemoryEventStore();
    const ledger = createLedger({ store });
    const result = right(await ledger.execute(onboard('acme'), adminContext({ now: '2026-03-02T03:00:00-06:00' })));
    expect(result.events.map((e) => e.metadata.occurredAt)).toEqual(['2026-03-02T09:00:00.000Z', '2026-03-02T09:00:00.000Z']);
    for (const now of ['2026-03-02T09:00:00', '2026-03-02', 'yesterday', '2026-02-30T00:00:00Z']) {
      const error = left(await ledger.execute({ type: 'ResizeLicensePool', orgId: 'acme', seats: 5 }, adminContext({ now })));
      expect(error.code).toBe('INVALID_INSTANT');
      expect(error.message).toContain(JSON.stringify(now));
    }
    const clocked = createLedger({ store, clock: () => 'not a time' });
    expect(left(await clocked.execute({ type: 'ResizeLicensePool', orgId: 'acme', seats: 5 }, { actor: { kind: 'system', id: 's' }, channel: 'api' })).code).toBe('INVALID_INSTANT');
    expect(await store.headPosition()).toBe(2n);
  });

  it('gives each import line its own line number, and scheduled deactivations the scheduler as actor', async () => {
    const ledger = createLedger({ store: new InMemoryEventStore() });
    await setUp(ledger, acme());
    right(await ledger.execute({ type: 'RecordImportReceived', orgId: 'acme', importId: 'imp', fileName: 'f.csv', sha256: 'c'.repeat(64), format: 'data-services', targetTeamId: 'sales', rowCount: 2, schedule: 'now', dueAt: FIXTURE_NOW, options: { partial: false, fullSync: false, allowMassDeactivation: false, move: true } }, adminContext()));
    const batch = right(
      await ledger.execute(
        { type: 'ApplyImportBatch', orgId: 'acme', importId: 'imp', operations: [{ op: 'deactivate', line: 2, learnerId: '0001' }, { op: 'deactivate', line: 5, learnerId: '0002' }], lines: [] },
        adminContext({ actor: { kind: 'import', id: 'imp' }, channel: 'data-services', importId: 'imp', fileName: 'f.csv' }),
      ),
    );
    expect(batch.events.map((e) => e.metadata.line)).toEqual([2, 2, 2, 5, 5, 5]);
    expect(batch.events.every((e) => e.metadata.importId === 'imp' && e.metadata.fileName === 'f.csv')).toBe(true);

    await setUp(ledger, [{ type: 'ReactivateLearner', orgId: 'acme', learnerId: '0001' }]);
    right(await ledger.execute({ type: 'ScheduleDeactivation', orgId: 'acme', scheduleId: 's1', learnerIds: ['0001'], effectiveAt: '2026-03-10' }, adminContext({ channel: 'learner-profile', commandId: 'sched' })));
    const due = right(await ledger.execute({ type: 'ProcessDueDeactivations', orgId: 'acme' }, adminContext({ now: '2026-03-11T00:00:00.000Z', actor: { kind: 'system', id: 'cron' }, commandId: 'tick' })));
    expect(due.events.map((e) => e.event.type)).toEqual(['TeamMembershipChanged', 'LearnerDeactivated', 'LicenseReleased', 'ScheduledDeactivationCompleted']);
    for (const { metadata } of due.events) {
      expect(metadata.actor).toEqual({ kind: 'system', id: 'scheduler' });
      expect(metadata.channel).toBe('learner-profile'); // the channel the deactivation was scheduled through
      expect(metadata.causationId).toBe('s1');
      expect(metadata.commandId).toBe('tick');
    }
  });
});

describe('ledger: tenant isolation', () => {
  const both = async () => {
    const store = new InMemoryEventStore();
    const ledger = createLedger({ store });
    await setUp(ledger, acme());
    await setUp(ledger, forOrg('acme-1', [...acme(), team('Marketing'), learner('0003')]));
    return { store, ledger };
  };

  it('keeps organizations whose ids are prefixes of each other apart', async () => {
    const { store, ledger } = await both();
    right(await ledger.execute({ type: 'DeactivateLearners', orgId: 'acme-1', learnerIds: ['0001', '0002'] }, adminContext()));
    const a = right(await ledger.state('acme'));
    const b = right(await ledger.state('acme-1'));
    expect([a.licensesInUse, b.licensesInUse]).toEqual([2, 1]);
    expect(a.learners.get('0001')!.status).toBe('active');
    expect(a.learners.has('0003')).toBe(false);
    expect(a.teams.has('marketing')).toBe(false);
    // A fresh ledger reading from the store sees the same.
    const fresh = right(await createLedger({ store }).state('acme'));
    expect(fresh.learners.get('0001')!.status).toBe('active');
    expect(fresh.learners.size).toBe(2);
    for (const orgId of ['acme', 'acme-1']) {
      const events = (await store.readStream(organizationStreamId(orgId))).events;
      expect(events.every((e) => (e.metadata as { orgId: string }).orgId === orgId)).toBe(true);
    }
    expect(await listOrganizationIds(store)).toEqual(['acme', 'acme-1']);
  });

  it('refuses to change org A through org B', async () => {
    const { store, ledger } = await both();
    const head = await store.headPosition();
    expect(left(await ledger.execute({ type: 'DeactivateLearners', orgId: 'acme', learnerIds: ['0003'] }, adminContext())).code).toBe('LEARNER_NOT_FOUND');
    expect(left(await ledger.execute({ type: 'ChangeTeamMembership', orgId: 'acme', learnerId: '0001', add: ['marketing'] }, adminContext())).code).toBe('UNKNOWN_TEAM');
    expect(left(await ledger.execute({ type: 'RecordActivity', orgId: 'acme', learnerId: '0003', activityId: 'a', kind: 'completion', courseId: 'c' }, adminContext())).code).toBe('LEARNER_NOT_FOUND');
    expect(left(await ledger.execute({ type: 'ResizeLicensePool', orgId: 'acme-2', seats: 5 }, adminContext())).code).toBe('ORGANIZATION_NOT_FOUND');
    for (const orgId of ['acme/../acme-1', 'acme*', '', ' acme', 'acme\n']) {
      expect(left(await ledger.execute({ type: 'ResizeLicensePool', orgId, seats: 5 }, adminContext())).code).toBe('INVALID_ORGANIZATION_ID');
      expect(left(await ledger.state(orgId)).code).toBe('INVALID_ORGANIZATION_ID');
    }
    expect(await store.headPosition()).toBe(head);
  });

  it('reads one organization through the exact stream id, never a prefix', async () => {
    const { store } = await both();
    const batch = await store.readAll({ streamIds: [organizationStreamId('acme')], maxCount: 10_000 });
    expect(batch.events.length).toBeGreaterThan(0);
    expect(new Set(batch.events.map((e) => e.streamId))).toEqual(new Set([organizationStreamId('acme')]));
  });
});

describe('ledger: failures as values', () => {
  it('reports a store failure as STORE_FAILURE naming the command id, and a bad import hash as INVALID_EVENT writing nothing', async () => {
    const store = new InMemoryEventStore();
    const ledger = createLedger({ store });
    await setUp(ledger, acme());
    const head = await store.headPosition();
    const invalid = left(
      await ledger.execute(
        { type: 'RecordImportReceived', orgId: 'acme', importId: 'imp', fileName: 'f.csv', sha256: 'not-a-hash', format: 'data-services', targetTeamId: 'sales', rowCount: 1, schedule: 'now', dueAt: FIXTURE_NOW, options: { partial: false, fullSync: false, allowMassDeactivation: false, move: true } },
        adminContext(),
      ),
    );
    expect(invalid.code).toBe('INVALID_EVENT');
    expect(invalid.message).toContain('data.sha256');
    expect(await store.headPosition()).toBe(head);

    const broken: EventStore = Object.assign(Object.create(store) as EventStore, {
      appendToStream: async () => {
        throw new StoreUnavailableError('memory', 'disk on fire');
      },
    });
    const failing = createLedger({ store: broken });
    const error = left(await failing.execute({ type: 'ResizeLicensePool', orgId: 'acme', seats: 9 }, adminContext()));
    expect(error.code).toBe('STORE_FAILURE');
    expect(error.message).toMatch(/disk on fire/);
    // Whether the append landed is unknown to the caller: the error names the command id to re-run it with.
    expect(error.subject).toMatch(/^[0-9a-f-]{36}$/);
    expect(error.message).toContain(`command id ${error.subject}`);
    expect(await store.headPosition()).toBe(head);
  });

  it('hands out state views that later commands do not change', async () => {
    const ledger = createLedger({ store: new InMemoryEventStore() });
    await setUp(ledger, acme());
    const before = right(await ledger.state('acme'));
    await setUp(ledger, [{ type: 'DeactivateLearners', orgId: 'acme', learnerIds: ['0001'] }, learner('0003', { teams: ['support'] })]);
    expect(before.licensesInUse).toBe(2);
    expect(before.learners.get('0001')).toEqual(expect.objectContaining({ status: 'active', teams: ['sales'] }));
    expect(before.learners.has('0003')).toBe(false);
    expect(before.learners.size).toBe(2);
    const after = right(await ledger.state('acme'));
    expect(after.licensesInUse).toBe(2);
    expect(after.learners.get('0001')).toEqual(expect.objectContaining({ status: 'inactive', teams: ['inactive-learners'] }));
    expect(after.learners.size).toBe(3);
  });

  it('applies a command at most once when the store wrote it but reported a failure', async () => {
    const store = new InterleavingStore();
    const ledger = createLedger({ store });
    await setUp(ledger, acme());
    let lostAcknowledgement = true;
    const inner = InMemoryEventStore.prototype.appendToStream;
    store.appendToStream = async (streamId, events, options) => {
      const result = await inner.call(store, streamId, events, options);
      if (lostAcknowledgement) {
        lostAcknowledgement = false;
        throw new StoreUnavailableError('memory', 'connection lost after commit');
      }
      return result;
    };
    const command: Command = { type: 'DeactivateLearners', orgId: 'acme', learnerIds: ['0001'] };
    const failure = left(await ledger.execute(command, adminContext()));
    expect(failure.code).toBe('STORE_FAILURE');
    const head = await store.headPosition();
    const rerun = right(await ledger.execute(command, adminContext({ commandId: failure.subject! })));
    expect(rerun.status).toBe('duplicate');
    expect(rerun.events.map((e) => e.event.type)).toEqual(['TeamMembershipChanged', 'LearnerDeactivated', 'LicenseReleased']);
    expect(await store.headPosition()).toBe(head);
    expect(right(await ledger.state('acme')).licensesInUse).toBe(1);
  });

  it('keeps its cached state untouched by changes made to a state view', async () => {
    const ledger = createLedger({ store: new InMemoryEventStore() });
    await setUp(ledger, acme());
    const view = right(await ledger.state('acme'));
    view.learners.delete('0001');
    view.seats = 0;
    const result: CommandResult = right(await ledger.execute({ type: 'DeactivateLearners', orgId: 'acme', learnerIds: ['0001'] }, adminContext()));
    expect(result.status).toBe('applied');
    expect(right(await ledger.state('acme')).seats).toBe(3);
  });
});
