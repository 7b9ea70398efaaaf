import * as E from 'fp-ts/lib/Either.js';
import { createLedger, InMemoryEventStore, InMemorySnapshotStore, type OrganizationSnapshot, type SnapshotStore } from '../src/index.js';
import { adminContext } from '../src/testing/index.js';
import { acme, learner } from './support.js';

/** A snapshot store that fails on demand. */
class FlakySnapshotStore implements SnapshotStore {
  readonly name = 'flaky';
  readonly inner = new InMemorySnapshotStore();
  failLoads = false;
  failSaves = false;
  async load(orgId: string): Promise<OrganizationSnapshot | undefined> {
    if (this.failLoads) throw new Error('snapshot table is locked');
    return this.inner.load(orgId);
  }
  async save(snapshot: OrganizationSnapshot): Promise<void> {
    if (this.failSaves) throw new Error('disk full');
    return this.inner.save(snapshot);
  }
}

const applied = async (result: Promise<E.Either<{ code: string; message: string }, { status: string }>>): Promise<string> => {
  const r = await result;
  if (E.isLeft(r)) throw new Error(`${r.left.code}: ${r.left.message}`);
  return r.right.status;
};

describe('ledger: snapshots never stand in the way of a command', () => {
  it('a failing save is counted and the command applies; the next due save succeeds', async () => {
    const snapshots = new FlakySnapshotStore();
    const ledger = createLedger({ store: new InMemoryEventStore(), snapshots, snapshotEvery: 2 });
    snapshots.failSaves = true;
    for (const command of acme(10)) expect(await applied(ledger.execute(command, adminContext()))).toBe('applied');
    await ledger.flushSnapshots();
    expect(ledger.snapshotCounters()).toMatchObject({ saved: 0 });
    expect(ledger.snapshotCounters().failedSaves).toBeGreaterThan(0);
    expect(ledger.snapshotCounters().lastProblem).toContain('disk full');
    snapshots.failSaves = false;
    expect(await applied(ledger.execute(learner('0003'), adminContext()))).toBe('applied');
    await ledger.flushSnapshots();
    expect(ledger.snapshotCounters().saved).toBe(1);
  });

  it('a failing load is counted and the organization is folded from its events', async () => {
    const store = new InMemoryEventStore();
    const snapshots = new FlakySnapshotStore();
    const writer = createLedger({ store, snapshots, snapshotEvery: 1 });
    for (const command of acme(10)) await applied(writer.execute(command, adminContext()));
    await writer.flushSnapshots();
    snapshots.failLoads = true;
    const reader = createLedger({ store, snapshots });
    const state = await reader.state('acme');
    expect(E.isRight(state) && state.right.learners.size).toBe(2);
    expect(reader.snapshotCounters()).toMatchObject({ loaded: 0, ignored: 1 });
    expect(reader.snapshotCounters().lastProblem).toContain('snapshot table is locked');
  });

  it('saves only once snapshotEvery events were folded past the last snapshot', async () => {
    const snapshots = new InMemorySnapshotStore();
    const ledger = createLedger({ store: new InMemoryEventStore(), snapshots, snapshotEvery: 1000 });
    for (const command of acme(10)) await applied(ledger.execute(command, adminContext()));
    await ledger.flushSnapshots();
    expect(snapshots.saves).toBe(0);
    expect(await snapshots.load('acme')).toBeUndefined();
    expect(() => createLedger({ store: new InMemoryEventStore(), snapshots, snapshotEvery: 0 })).toThrow(RangeError);
  });

  it('a save moves on while commands arrive one after another without the event loop coming round, and the snapshot it leaves is the state it was taken at', async () => {
    const snapshots = new InMemorySnapshotStore();
    const store = new InMemoryEventStore();
    const ledger = createLedger({ store, snapshots, snapshotEvery: 3 });
    let macrotasks = 0;
    const ticking = setInterval(() => macrotasks++, 0);
    try {
      for (const command of acme(40)) await applied(ledger.execute(command, adminContext()));
      for (let i = 3; i <= 30; i++) await applied(ledger.execute(learner(String(i).padStart(4, '0')), adminContext()));
      // Every await above resolved in the same turn of the event loop: saves ended all the same.
      expect(macrotasks).toBe(0);
      expect(ledger.snapshotCounters().saved).toBeGreaterThan(0);
    } finally {
      clearInterval(ticking);
    }
    await ledger.flushSnapshots();
    const reader = createLedger({ store, snapshots });
    const restored = await reader.state('acme');
    expect(reader.snapshotCounters()).toMatchObject({ loaded: 1, ignored: 0 });
    expect(E.isRight(restored) && restored.right.learners.size).toBe(30);
  });
});
