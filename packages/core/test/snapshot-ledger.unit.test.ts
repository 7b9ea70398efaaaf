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
});
