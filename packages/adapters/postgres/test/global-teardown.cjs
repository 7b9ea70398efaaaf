const { stopCluster } = require('./pg-cluster.cjs');

module.exports = async function globalTeardown() {
  const cluster = globalThis.__LEARNER_LEDGER_PG__;
  if (cluster) stopCluster(cluster);
};
