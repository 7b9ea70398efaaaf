import { describeEventStoreContract, describeLockedAppendContract } from '@learner-ledger/core/testing';
import { openSqliteEventStore } from '../src/index.js';
import { temporaryDirectory } from './support.js';

describeEventStoreContract('sqlite file', async () => {
  const temp = temporaryDirectory();
  const store = openSqliteEventStore({ path: temp.file(), pollIntervalMs: 10 });
  return {
    store,
    multiStreamAppends: 'atomic',
    teardown: async () => {
      await store.close();
      temp.remove();
    },
  };
});

describeEventStoreContract('sqlite :memory:', async () => ({ store: openSqliteEventStore({ path: ':memory:' }), multiStreamAppends: 'atomic' }));

describeLockedAppendContract('sqlite file', async () => {
  const temp = temporaryDirectory();
  const store = openSqliteEventStore({ path: temp.file() });
  return {
    store,
    teardown: async () => {
      await store.close();
      temp.remove();
    },
  };
});
