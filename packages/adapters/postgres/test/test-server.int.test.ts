import { databaseUrl, withClient } from './support.js';

// The PostgreSQL tests run against a real server: the one the jest global setup started, or DATABASE_URL's.
test('the test server is a real PostgreSQL server, reachable from every test worker', async () => {
  expect(databaseUrl()).toMatch(/^postgres(ql)?:\/\//);
  const { rows } = await withClient((client) => client.query<{ version: string; num: string }>(`SELECT version() AS version, current_setting('server_version_num') AS num`));
  expect(rows[0]!.version).toMatch(/^PostgreSQL \d+/);
  expect(Number(rows[0]!.num)).toBeGreaterThanOrEqual(120000);
});
