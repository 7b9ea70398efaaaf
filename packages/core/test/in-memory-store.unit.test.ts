import { InMemoryEventStore } from '../src/index.js';
import { describeEventStoreContract } from '../src/testing/index.js';

describeEventStoreContract('in-memory', async () => ({ store: new InMemoryEventStore(), multiStreamAppends: 'atomic' }));
