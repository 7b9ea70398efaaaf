import { type OrganizationSnapshot, type SnapshotStore } from './port.js';

/** Snapshots in a Map: for tests and for in-memory event stores. */
export class InMemorySnapshotStore implements SnapshotStore {
  readonly name = 'memory';
  private readonly snapshots = new Map<string, OrganizationSnapshot>();
  /** How many snapshots `save` was asked to keep (for tests and diagnostics). */
  saves = 0;

  async load(orgId: string): Promise<OrganizationSnapshot | undefined> {
    return this.snapshots.get(orgId);
  }

  async save(snapshot: OrganizationSnapshot): Promise<void> {
    this.saves++;
    this.snapshots.set(snapshot.orgId, { ...snapshot });
  }

  delete(orgId: string): void {
    this.snapshots.delete(orgId);
  }
}
