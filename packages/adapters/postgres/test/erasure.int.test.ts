import { describeErasureContract } from '@learner-ledger/core/testing';
import { dropSchema, freshStore, withClient } from './support.js';

const SCHEMA = 'll_test_erasure';

/** Every row of every table of the schema, read on a connection of its own, as text (bytea as latin1). */
const rowsOf = (schema: string): Promise<string> =>
  withClient(async (client) => {
    const { rows: tables } = await client.query<{ table_name: string }>('SELECT table_name FROM information_schema.tables WHERE table_schema = $1', [schema]);
    const parts: string[] = [];
    for (const { table_name } of tables) {
      const { rows } = await client.query(`SELECT * FROM "${schema}"."${table_name}"`);
      parts.push(JSON.stringify(rows, (_key, value: unknown) => (Buffer.isBuffer(value) ? value.toString('latin1') : value)));
    }
    return parts.join('\n');
  });

describeErasureContract('postgres', async () => {
  const store = await freshStore(SCHEMA, { maxConnections: 3 });
  return {
    store,
    keys: store.personalDataKeys(),
    rowsAsText: () => rowsOf(SCHEMA),
    close: async () => {
      await store.close();
      await dropSchema(SCHEMA);
    },
  };
});
