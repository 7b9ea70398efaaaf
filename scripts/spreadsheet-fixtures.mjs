#!/usr/bin/env node
/**
 * Regenerates the spreadsheet fixtures of the CSV adapter's tests
 * (packages/adapters/csv/test/fixtures/spreadsheet/): files written by
 * LibreOffice Calc itself, so the suite tests real spreadsheet output without
 * LibreOffice installed.
 *
 * The organization of `organization.json` is exported by the built library
 * (`npx tsc -b` first) in both formats, as XLSX and as CSV; LibreOffice
 * (headless, driven through its Python bridge by libreoffice-save.py) opens
 * each export as a user would, types the edit of `organization.json` into the
 * `Active` cell, and saves it:
 *
 * - `<format>.libreoffice.xlsx`: the XLSX export saved as XLSX — ids intact;
 * - `<format>.libreoffice-from-xlsx.csv`: the XLSX export saved as CSV — ids intact;
 * - `<format>.libreoffice-mangled.csv`: the CSV export opened with Calc's
 *   default column types and saved as CSV — `0042` → `42`, `1e5` → `100000`,
 *   `000123` → `123`.
 *
 * Needs `soffice` and Python's `uno` module (Debian: libreoffice-calc, python3-uno).
 * Usage: node scripts/spreadsheet-fixtures.mjs
 */
import { spawnSync } from 'node:child_process';
import { createWriteStream, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { finished } from 'node:stream/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLedger, InMemoryEventStore } from '../packages/core/dist/src/index.js';
import { exportLearners } from '../packages/adapters/csv/dist/src/index.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const fixtures = join(root, 'packages/adapters/csv/test/fixtures/spreadsheet');
const org = JSON.parse(readFileSync(join(fixtures, 'organization.json'), 'utf8'));
const PYTHON = process.env.LIBREOFFICE_PYTHON ?? '/usr/bin/python3';

const ledger = createLedger({ store: new InMemoryEventStore() });
const admin = { actor: { kind: 'admin', id: 'fixtures@acme.test' }, channel: 'api' };
const run = async (command) => {
  const result = await ledger.execute(command, admin);
  if (result._tag === 'Left') throw new Error(`${command.type}: ${JSON.stringify(result.left)}`);
};
await run({ type: 'OnboardOrganization', orgId: org.orgId, name: org.name, seats: org.seats, timeZone: org.timeZone });
await run({ type: 'CreateTeam', orgId: org.orgId, name: org.team });
for (const learner of org.learners) await run({ type: 'RegisterLearner', orgId: org.orgId, teams: [org.team.toLowerCase()], ...learner });

const work = mkdtempSync(join(tmpdir(), 'spreadsheet-fixtures-'));
try {
  const jobs = [];
  for (const format of ['data-services', 'learner-page']) {
    // The row of the edited learner: the export writes learners in the order they were registered, after the header.
    const row = org.learners.findIndex((l) => l.learnerId === org.edit.learnerId) + 2;
    const edits = [{ cell: `G${row}`, value: org.edit.active }];
    for (const fileType of ['xlsx', 'csv']) {
      const path = join(work, `${format}.${fileType}`);
      const output = createWriteStream(path);
      await exportLearners(ledger, { orgId: org.orgId, format, team: org.team, output, fileType });
      if (!output.writableFinished) await finished(output);
    }
    jobs.push({ input: join(work, `${format}.xlsx`), output: join(fixtures, `${format}.libreoffice.xlsx`), saveAs: 'xlsx', edits });
    jobs.push({ input: join(work, `${format}.xlsx`), output: join(fixtures, `${format}.libreoffice-from-xlsx.csv`), saveAs: 'csv', edits });
    jobs.push({ input: join(work, `${format}.csv`), output: join(fixtures, `${format}.libreoffice-mangled.csv`), saveAs: 'csv', edits });
  }
  writeFileSync(join(work, 'jobs.json'), JSON.stringify(jobs));
  const saved = spawnSync(PYTHON, [join(root, 'scripts/libreoffice-save.py'), join(work, 'jobs.json')], { stdio: 'inherit' });
  if (saved.status !== 0) throw new Error(`libreoffice-save.py exited with ${saved.status ?? saved.signal}`);
  console.log(`Wrote ${jobs.map((j) => j.output.slice(root.length + 1)).join('\n      ')}`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
