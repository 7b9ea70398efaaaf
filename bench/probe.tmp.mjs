import { openStoreAt } from '@learner-ledger/cli';
import { createSqliteProjectionStore } from '@learner-ledger/sqlite';
import { writeLargeOrganization, buildReadModels, measureLargeOrganization } from './dist/src/asof-large.js';
import fs from 'node:fs';
const n = Number(process.argv[2] ?? 10000);
const file = `/tmp/probe-${n}.db`;
const fresh = !fs.existsSync(file);
const store = await openStoreAt({ kind: 'sqlite', path: file });
let t = Date.now();
let org;
if (fresh) { org = await writeLargeOrganization(store, n, ''); console.error('write', (Date.now() - t) / 1000, 's', await store.headPosition()); fs.writeFileSync(file + '.json', JSON.stringify(org)); }
else org = JSON.parse(fs.readFileSync(file + '.json', 'utf8'));
const rm = createSqliteProjectionStore(store);
if (fresh || process.argv[3] === 'rebuild') { for (const p of (await import('@learner-ledger/projections')).asOfProjections) await rm.reset((await import('@learner-ledger/projections')).describeProjection(p)); const b = await buildReadModels(store, rm); console.error('build', b.events, b.seconds.toFixed(1), 's', Math.round(b.events / b.seconds), 'ev/s'); }
await measureLargeOrganization(store, rm, org, n, (m) => console.log(m.bench, m.note), (l) => console.error(l));
await store.close();
