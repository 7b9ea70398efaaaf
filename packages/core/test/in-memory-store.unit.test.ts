import { InMemoryEventStore } from '../src/index.js';
import { describeEventStoreContract, describeLockedAppendContract } from '../src/testing/index.js';

describeEventStoreContract('in-memory', async () => ({ store: new InMemoryEventStore(), multiStreamAppends: 'atomic' }));
describeEventStoreContract('in-memory, with locked appends', async () => ({ store: new InMemoryEventStore({ lockedAppends: true }), multiStreamAppends: 'atomic' }));
describeLockedAppendContract('in-memory', async () => ({ store: new InMemoryEventStore({ lockedAppends: true }) }));
