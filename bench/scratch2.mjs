import { createRequire } from 'node:module';
import { createLedger } from '@learner-ledger/core';
import { openPostgresEventStore } from '@learner-ledger/postgres';
const require = createRequire(import.meta.url);
const pgc = require('../packages/adapters/postgres/test/pg-cluster.cjs');
const N = 800;
const cluster = await pgc.startCluster({ durable: true });
const ctx = (i) => ({ actor: { kind: 'admin', id: 'a' }, channel: 'api', commandId: `c${i}` });
const reg = (org, i) => ({ type: 'RegisterLearner', orgId: org, learnerId: `L${i}`, email: `l${i}@x.test`, firstName: 'A', lastName: 'B', teams: [] });
try {
  const stores = await Promise.all(Array.from({ length: 8 }, () => openPostgresEventStore({ connectionString: cluster.url, schema: 'scratch', maxConnections: 4 })));
  const org = 'o';
  await createLedger({ store: stores[0] }).execute({ type: 'OnboardOrganization', orgId: org, name: 'X', seats: 1e6, timeZone: 'UTC' }, ctx('onb'));
  const ledgers = stores.map((store) => createLedger({ store }));
  let next = 0; const t0 = performance.now();
  await Promise.all(Array.from({ length: 64 }, (_, w) => (async () => { for (;;) { const i = next++; if (i >= N) return; await ledgers[w % 8].execute(reg(org, i), ctx(i)); } })()));
  console.log('8x8', Math.round(N / ((performance.now() - t0) / 1000)), '/s');
  await Promise.all(stores.map((s) => s.close()));
} finally { pgc.stopCluster(cluster); }
