import { createRequire } from 'node:module';
import { createLedger } from '@learner-ledger/core';
import { openPostgresEventStore } from '@learner-ledger/postgres';
const require = createRequire(import.meta.url);
const pgc = require('../packages/adapters/postgres/test/pg-cluster.cjs');
const durable = process.argv[2] === 'durable';
const N = Number(process.argv[3] ?? 500);
const cluster = await pgc.startCluster({ durable });
const ctx = (i) => ({ actor: { kind: 'admin', id: 'a' }, channel: 'api', commandId: `c${i}` });
const reg = (org, i) => ({ type: 'RegisterLearner', orgId: org, learnerId: `L${i}`, email: `l${i}@x.test`, firstName: 'A', lastName: 'B', teams: [] });
const run = async (label, ledgers, inFlight, org) => {
  const setup = createLedger({ store: ledgers[0].store });
  await setup.execute({ type: 'OnboardOrganization', orgId: org, name: 'X', seats: 1e6, timeZone: 'UTC' }, ctx(`${org}-onboard`));
  let next = 0; let failed = 0; const lat = [];
  const t0 = performance.now();
  const worker = async (ledger) => { for (;;) { const i = next++; if (i >= N) return; const s = performance.now(); const r = await ledger.execute(reg(org, i), ctx(`${org}-${i}`)); lat.push(performance.now() - s); if (r._tag === 'Left') failed++; } };
  await Promise.all(Array.from({ length: inFlight }, (_, w) => worker(ledgers[w % ledgers.length])));
  const s = (performance.now() - t0) / 1000;
  lat.sort((a, b) => a - b);
  console.log(label, { commandsPerSec: Math.round(N / s), failed, p99: lat[Math.floor(lat.length * 0.99)].toFixed(1) });
};
try {
  const stores = await Promise.all(Array.from({ length: 8 }, () => openPostgresEventStore({ connectionString: cluster.url, schema: 'scratch', maxConnections: 2 })));
  await run('1 ledger x8', [createLedger({ store: stores[0] })], 8, 'o1');
  await run('8 ledgers x1', stores.map((store) => createLedger({ store })), 8, 'o2');
  await run('8 ledgers x1, no lock', stores.map((store) => createLedger({ store, waitForLock: false, maxRetries: 1000 })), 8, 'o3');
  await run('8 ledgers x8', stores.map((store) => createLedger({ store })), 64, 'o4');
  await run('1 ledger x1', [createLedger({ store: stores[0] })], 1, 'o5');
  await Promise.all(stores.map((s) => s.close()));
} finally { pgc.stopCluster(cluster); }
