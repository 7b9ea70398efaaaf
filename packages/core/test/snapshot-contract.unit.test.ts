import { InMemoryEventStore, InMemorySnapshotStore } from '../src/index.js';
import { describeSnapshotStoreContract } from '../src/testing/index.js';

describeSnapshotStoreContract('in-memory', async () => ({ store: new InMemoryEventStore(), snapshots: new InMemorySnapshotStore() }));
