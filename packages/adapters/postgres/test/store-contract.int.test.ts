import { describeEventStoreContract, describeLockedAppendContract } from '@learner-ledger/core/testing';
import { freshStore } from './support.js';

// The one store contract, twice: appends as one statement, and appends through COPY.
describeEventStoreContract('postgres', async () => ({ store: await freshStore('ll_test_contract'), multiStreamAppends: 'atomic' }));
describeEventStoreContract('postgres (every append through COPY)', async () => ({
  store: await freshStore('ll_test_contract_copy', { copyThreshold: 1 }),
  multiStreamAppends: 'atomic',
}));
describeLockedAppendContract('postgres', async () => ({ store: await freshStore('ll_test_locked_contract') }));
describeLockedAppendContract('postgres (every append through COPY)', async () => ({ store: await freshStore('ll_test_locked_contract_copy', { copyThreshold: 1 }) }));
