import { describeLedgerContract } from '@learner-ledger/core/testing';
import { openKurrentDbEventStore } from '../src/index.js';

/**
 * The ledger contract against a real KurrentDB / EventStoreDB server given by
 * KURRENTDB_CONNECTION_STRING. Without one, the suite says so loudly and
 * skips: there is no fake server. The server is shared: every test writes
 * organizations of its own.
 */
const connectionString = process.env.KURRENTDB_CONNECTION_STRING;

if (!connectionString) {
  // Written straight to stderr: Jest hides the console output of a file whose tests are all skipped.
  process.stderr.write(
    '\n*** KURRENTDB LEDGER CONTRACT TESTS SKIPPED: set KURRENTDB_CONNECTION_STRING=kurrentdb://localhost:2113?tls=false to run them against a real server ***\n\n',
  );
  test.skip('KurrentDB ledger contract (needs KURRENTDB_CONNECTION_STRING pointing at a real KurrentDB/EventStoreDB server)', () => undefined);
} else {
  describeLedgerContract('kurrentdb', async () => {
    const store = await openKurrentDbEventStore({ connectionString });
    return {
      store,
      // Another client connection: what a second process sees.
      reopen: async () => {
        const again = await openKurrentDbEventStore({ connectionString });
        return { store: again, close: () => again.close() };
      },
    };
  });
}
