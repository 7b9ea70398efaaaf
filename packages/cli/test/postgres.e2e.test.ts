import { randomUUID } from 'node:crypto';
import { describeCliEndToEnd } from './e2e-suite.js';

/** A fresh schema of the test server for each suite (the `schema` query parameter of the store location). */
describeCliEndToEnd('PostgreSQL', async () => {
  const url = process.env['DATABASE_URL'];
  if (!url) throw new Error('DATABASE_URL is not set: the jest global setup starts a PostgreSQL server and sets it');
  const location = new URL(url);
  location.searchParams.set('schema', `cli_e2e_${randomUUID().replace(/-/g, '').slice(0, 12)}`);
  return { location: location.toString(), dispose: () => undefined };
});
