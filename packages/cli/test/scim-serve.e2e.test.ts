import { randomUUID } from 'node:crypto';
import * as path from 'node:path';
import { tempDir } from './e2e-support.js';
import { describeScimServeEndToEnd } from './scim-serve-suite.js';

describeScimServeEndToEnd('SQLite', async () => {
  const folder = tempDir('learner-ledger-scim-sqlite-');
  return { location: `sqlite:${path.join(folder.dir, 'ledger.db')}`, dispose: folder.remove };
});

/** A fresh schema of the test server (the `schema` query parameter of the store location). */
describeScimServeEndToEnd('PostgreSQL', async () => {
  const url = process.env['DATABASE_URL'];
  if (!url) throw new Error('DATABASE_URL is not set: the jest global setup starts a PostgreSQL server and sets it');
  const location = new URL(url);
  location.searchParams.set('schema', `scim_e2e_${randomUUID().replace(/-/g, '').slice(0, 12)}`);
  return { location: location.toString(), dispose: () => undefined };
});
