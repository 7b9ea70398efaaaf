'use strict';
/**
 * One OS process importing a learners file into a SQLite file through the CSV
 * adapter (the test kills it with SIGKILL at random points).
 * Usage: node sqlite-import.cjs <database file> <csv file> <org id> <target team> <now> [batch size]
 * Prints `started` once the store is open, then the import report (summary) as JSON.
 */
const { run } = require('./register.cjs');
const { createLedger } = require('@learner-ledger/core');
const { openSqliteEventStore } = require('@learner-ledger/sqlite');
const { importLearners } = require('@learner-ledger/csv');

const [file, csv, orgId, targetTeam, now, batchSize] = process.argv.slice(2);

run(async () => {
  const store = openSqliteEventStore({ path: file, busyTimeoutMs: 30_000 });
  const ledger = createLedger({ store });
  process.stdout.write('started\n');
  const started = Date.now();
  const report = await importLearners(ledger, {
    orgId,
    input: csv,
    targetTeam,
    allowMassDeactivation: true,
    now,
    ...(batchSize ? { batchSize: Number(batchSize) } : {}),
  });
  await store.close();
  return { ms: Date.now() - started, status: report.status, importId: report.importId, counts: report.counts, appends: report.appends, errors: report.errors.slice(0, 5) };
});
