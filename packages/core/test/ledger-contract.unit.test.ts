import { InMemoryEventStore, InMemorySnapshotStore } from '../src/index.js';
import { describeLedgerContract } from '../src/testing/index.js';

describeLedgerContract('in-memory', async () => ({ store: new InMemoryEventStore(), snapshots: new InMemorySnapshotStore() }), { snapshots: true });
