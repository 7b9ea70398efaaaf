'use strict';
/**
 * One OS process writing a shared SQLite file through the core ledger.
 * Usage: node sqlite-writer.cjs <database file> <deliveries.json> [pause after N deliveries]
 * Prints `ready`, waits for a line on stdin, runs every delivery in order and
 * prints one JSON report per delivery (see workload.ts). With a pause point it
 * prints `paused` after N deliveries and waits for another line before going on.
 */
const { waitForGo, waitForLine, run } = require('./register.cjs');
const fs = require('node:fs');
const { createLedger } = require('@learner-ledger/core');
const { openSqliteEventStore } = require('@learner-ledger/sqlite');
const { deliver } = require('../workload.ts');

const [file, deliveriesFile, pauseAfter] = process.argv.slice(2);

run(async () => {
  const deliveries = JSON.parse(fs.readFileSync(deliveriesFile, 'utf8'));
  const store = openSqliteEventStore({ path: file, busyTimeoutMs: 30_000 });
  const ledger = createLedger({ store, maxRetries: 50 });
  await waitForGo();
  const started = Date.now();
  const pause = pauseAfter === undefined ? deliveries.length : Number(pauseAfter);
  const reports = await deliver(ledger, deliveries.slice(0, pause));
  if (pause < deliveries.length) {
    await waitForLine('paused');
    reports.push(...(await deliver(ledger, deliveries.slice(pause))));
  }
  await store.close();
  return { pid: process.pid, ms: Date.now() - started, reports };
});
