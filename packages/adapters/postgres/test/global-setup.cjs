// Jest global setup: give every PostgreSQL test a real server (see pg-cluster.cjs).
const { startCluster, stopCluster } = require('./pg-cluster.cjs');

module.exports = async function globalSetup() {
  if (process.env.DATABASE_URL) return;
  const cluster = await startCluster();
  globalThis.__LEARNER_LEDGER_PG__ = cluster;
  // If the run ends without the global teardown (a crash, process.exit), still stop the server.
  process.once('exit', () => stopCluster(cluster));
  process.env.DATABASE_URL = cluster.url;
  process.env.LEARNER_LEDGER_TEST_PG_STARTED = '1';
};
