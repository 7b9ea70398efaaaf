import { copyFileSync, rmSync, writeFileSync } from 'node:fs';
import { createLedger, type OrganizationState } from '@learner-ledger/core';
import { mulberry32 } from '@learner-ledger/core/testing';
import { importLearners } from '@learner-ledger/csv';
import { openSqliteEventStore, type SqliteEventStore } from '@learner-ledger/sqlite';
import { auditLog, readLog, rightOf, scaled, sleep, startChild, temporaryDirectory, TIMEOUT, type LogAudit } from './support.js';

/**
 * Puts a fresh copy of `source` at `db`. The WAL and shared-memory files of the earlier run go first: a read-only
 * watcher cannot checkpoint the WAL when it closes last, and frames left there would be replayed onto the new copy.
 */
const restartFrom = (source: string, db: string): void => {
  rmSync(`${db}-wal`, { force: true });
  rmSync(`${db}-shm`, { force: true });
  copyFileSync(source, db);
};

/**
 * A child process imports a large Data Services file into SQLite and is
 * killed with SIGKILL at random points. After every kill the file must open
 * cleanly with no half-applied command, and re-running the same import must
 * complete what was missing without duplicating a single event.
 */
const ORG = 'crash';
const NOW = '2026-03-02T15:00:00.000Z';
const ROWS = scaled(20_000, 200_000);
const RUNS = scaled(3, 6);
const HEADER = 'Learner ID,First Name,Last Name,Email,Employee ID,Teams,Active';

const id = (n: number) => `C${String(n).padStart(7, '0')}`;
const row = (n: number, active: string) => `${id(n)},First${n},"Last, ${n}",${id(n).toLowerCase()}@crash.test,E${String(n).padStart(6, '0')},Sales,${active}`;

/** Half the rows: learners already there (some go inactive, some come back); the other half: new learners. */
const files = (rows: number) => {
  const existing = rows / 2;
  const setup = [HEADER, ...Array.from({ length: existing }, (_, n) => row(n, n % 7 === 3 ? 'FALSE' : 'TRUE'))].join('\n') + '\n';
  const crash =
    [
      HEADER,
      ...Array.from({ length: existing }, (_, n) => row(n, n % 5 === 0 ? 'FALSE' : 'TRUE')),
      ...Array.from({ length: rows - existing }, (_, k) => row(existing + k, 'TRUE')),
    ].join('\n') + '\n';
  return { setup, crash };
};

const stateOf = async (store: SqliteEventStore): Promise<OrganizationState> => rightOf(await createLedger({ store }).state(ORG));
const learners = (state: OrganizationState) => [...state.learners.values()].map((l) => ({ ...l, teams: [...l.teams].sort() })).sort((a, b) => (a.learnerId < b.learnerId ? -1 : 1));
const LEARNER_EVENTS = ['LearnerRegistered', 'LicenseAssigned', 'LearnerDeactivated', 'LicenseReleased', 'LearnerReactivated', 'TeamMembershipChanged'];

/** Every audited line of one import, counted by line number. */
const auditedLines = async (store: SqliteEventStore, importId: string): Promise<Map<number, number>> => {
  const counts = new Map<number, number>();
  for (const event of await readLog(store)) {
    if (event.type !== 'ImportLinesRecorded' || (event.data as { importId: string }).importId !== importId) continue;
    for (const line of (event.data as { lines: { line: number }[] }).lines) counts.set(line.line, (counts.get(line.line) ?? 0) + 1);
  }
  return counts;
};

describe('reliability: crash in the middle of an import into SQLite', () => {
  const temp = temporaryDirectory();
  afterAll(() => temp.remove());
  const csv = temp.file('learners.csv');
  const setupDb = temp.file('setup.db');
  let reference: { importId: string; audit: LogAudit; state: OrganizationState; head: bigint; setupHead: bigint; ms: number; lines: Map<number, number> };

  beforeAll(async () => {
    const { setup, crash } = files(ROWS);
    writeFileSync(csv, crash);
    const store = openSqliteEventStore({ path: setupDb });
    const ledger = createLedger({ store });
    rightOf(await ledger.execute({ type: 'OnboardOrganization', orgId: ORG, name: 'Crash Test Corp', seats: ROWS + 100, timeZone: 'Europe/Berlin' }, { actor: { kind: 'admin', id: 'setup' }, channel: 'api', commandId: 'setup-onboard' }));
    rightOf(await ledger.execute({ type: 'CreateTeam', orgId: ORG, name: 'Sales' }, { actor: { kind: 'admin', id: 'setup' }, channel: 'api', commandId: 'setup-team' }));
    const seeded = await importLearners(ledger, { orgId: ORG, input: (async function* () { yield Buffer.from(setup); })(), fileName: 'setup.csv', targetTeam: 'Sales', now: '2026-03-01T10:00:00.000Z' });
    expect(seeded.status).toBe('applied');
    const setupHead = await store.headPosition();
    await store.close();

    // The reference: the same import, run to its end without a crash.
    const refDb = temp.file('reference.db');
    copyFileSync(setupDb, refDb);
    const child = startChild<{ ms: number; status: string; importId: string }>('sqlite-import', [refDb, csv, ORG, 'Sales', NOW]);
    const done = await child.report;
    expect(done.status).toBe('applied');
    const refStore = openSqliteEventStore({ path: refDb });
    reference = { importId: done.importId, audit: await auditLog(refStore), state: await stateOf(refStore), head: await refStore.headPosition(), setupHead, ms: done.ms, lines: await auditedLines(refStore, done.importId) };
    expect(reference.lines.size).toBe(ROWS);
    await refStore.close();
  }, TIMEOUT);

  /** Starts the import in a child and SIGKILLs it once the log has grown to `killAt` (or after `killAfterMs`). Returns how far it got. */
  const importUntilKilled = async (db: string, plan: { killAt?: bigint; killAfterMs?: number }): Promise<{ killed: boolean; headAtKill: bigint; ms?: number }> => {
    const watcher = openSqliteEventStore({ path: db, readonly: true });
    const child = startChild<{ status: string; ms: number }>('sqlite-import', [db, csv, ORG, 'Sales', NOW]);
    let started: number | undefined;
    let exited = false;
    void child.exited.then(() => (exited = true));
    try {
      for (;;) {
        if (exited) return { killed: false, headAtKill: await watcher.headPosition(), ms: (await child.report).ms };
        const head = await watcher.headPosition();
        if (started === undefined && child.lines.includes('started')) started = Date.now();
        const due = plan.killAt !== undefined ? head >= plan.killAt : started !== undefined && Date.now() - started >= plan.killAfterMs!;
        if (due) {
          child.child.kill('SIGKILL');
          const { signal } = await child.exited;
          return { killed: signal === 'SIGKILL', headAtKill: head };
        }
        await sleep(plan.killAt !== undefined ? 2 : 10);
      }
    } finally {
      await watcher.close();
    }
  };

  /** What must hold after any crash: the file opens, passes SQLite's integrity check and the log audit, and every command it holds is whole. */
  const checkAfterCrash = async (db: string, compareWithReference: boolean): Promise<{ head: bigint; commands: number; compared: number }> => {
    const store = openSqliteEventStore({ path: db });
    try {
      expect(store.database.pragma('integrity_check', { simple: true })).toBe('ok');
      const audit = await auditLog(store);
      let compared = 0;
      if (compareWithReference) {
        for (const [commandId, logged] of audit.commands) {
          const whole = reference.audit.commands.get(commandId);
          if (!whole) throw new Error(`command ${commandId} is in the crashed log but not in the reference run`);
          expect({ commandId, types: logged.types }).toEqual({ commandId, types: whole.types });
          compared++;
        }
      }
      return { head: audit.head, commands: audit.commands.size, compared };
    } finally {
      await store.close();
    }
  };

  const checkComplete = async (db: string): Promise<void> => {
    const store = openSqliteEventStore({ path: db });
    try {
      const audit = await auditLog(store);
      expect(learners(await stateOf(store))).toEqual(learners(reference.state));
      for (const type of LEARNER_EVENTS) expect({ type, count: audit.countsByType.get(type) ?? 0 }).toEqual({ type, count: reference.audit.countsByType.get(type) ?? 0 });
      const lines = await auditedLines(store, reference.importId);
      expect(lines.size).toBe(ROWS);
      const twice = [...lines].filter(([, count]) => count !== 1);
      if (twice.length > 0) {
        const where: string[] = [];
        for (const event of await readLog(store)) {
          if (event.type !== 'ImportLinesRecorded') continue;
          const hit = (event.data as { lines: { line: number; action: string }[] }).lines.filter((l) => l.line === twice[0]![0] || l.line === twice.at(-1)![0]);
          if (hit.length > 0) where.push(`${event.globalPosition} ${(event.metadata as { commandId: string }).commandId} ${JSON.stringify(hit)}`);
        }
        throw new Error(`${twice.length} lines audited more than once, e.g. ${JSON.stringify(twice.slice(0, 5))}: ${where.join('; ')}`);
      }
    } finally {
      await store.close();
    }
  };

  const figures: unknown[] = [];
  afterAll(() => {
    console.log(`[reliability] crash mid-import: ${JSON.stringify({ rows: ROWS, runs: RUNS, referenceMs: reference.ms, referenceEvents: Number(reference.head - reference.setupHead), figures }, (_k, v) => (typeof v === 'bigint' ? Number(v) : v))}`);
  });

  // Each run is killed once or twice (odd runs again while the re-run resumes), alternately after a random time since the
  // process opened the store (while reading the file, or anywhere in the appends) and once the log reaches a random position.
  test.each(Array.from({ length: RUNS }, (_, run) => ({ run, kills: run % 2 === 1 ? 2 : 1 })))(
    'run $run: SIGKILL $kills time(s) at random points, then a re-run completes it: nothing half-applied, missing or duplicated',
    async ({ run, kills: killCount }) => {
      const random = mulberry32(ROWS * 31 + run);
      const db = temp.file(`run-${run}.db`);
      copyFileSync(setupDb, db);
      const kills: unknown[] = [];
      let head = reference.setupHead;
      let attempts = 0;
      // Timed kills are drawn within the duration of the last import that ran to its end: the reference run at first, then
      // any attempt that finished before its kill (the machine got faster than when the reference ran).
      let pace = reference.ms;
      let finished = false;
      for (let k = 0; k < killCount; k++) {
        const remaining = Number(reference.head - head);
        // Kills by time land anywhere, inside a transaction too; kills by position land right after a commit.
        const plan = (run + k) % 2 === 0 ? { killAfterMs: Math.floor(random() * (k === 0 ? 0.9 : 0.5) * pace) } : { killAt: head + 1n + BigInt(Math.floor(random() * (remaining - 1))) };
        const outcome = await importUntilKilled(db, plan);
        if (!outcome.killed) {
          // The import finished before its kill came (a timed kill on a faster run): start over, or, if this was the re-run, it is simply done.
          expect(++attempts).toBeLessThan(5);
          if (outcome.ms !== undefined) pace = Math.min(pace, outcome.ms);
          kills.push({ plan: 'killAt' in plan ? `head >= ${plan.killAt}` : `${plan.killAfterMs} ms`, finishedBeforeTheKill: true });
          if (k > 0) {
            finished = true;
            break;
          }
          restartFrom(setupDb, db);
          k--;
          continue;
        }
        const check = await checkAfterCrash(db, k === 0);
        head = check.head;
        kills.push({ plan: 'killAt' in plan ? `head >= ${plan.killAt}` : `${plan.killAfterMs} ms`, headAtKill: outcome.headAtKill, headAfter: check.head, commands: check.commands, comparedWithReference: check.compared });
      }
      // A kill that came after the import's last commit leaves nothing to do: the re-run finds it applied.
      const complete = finished || head === reference.head;
      const report = await startChild<{ status: string; importId: string; appends: number }>('sqlite-import', [db, csv, ORG, 'Sales', NOW]).report;
      expect(report).toMatchObject({ status: complete ? 'already-applied' : 'applied', importId: reference.importId });
      await checkComplete(db);
      if (run === RUNS - 1) {
        const again = await startChild<{ status: string; appends: number }>('sqlite-import', [db, csv, ORG, 'Sales', NOW]).report;
        expect(again).toMatchObject({ status: 'already-applied', appends: 0 });
      }
      figures.push({ run, kills, resumedAppends: report.appends });
      rmSync(db, { force: true });
    },
    TIMEOUT,
  );

  test('the store is never left unable to tell the crashed import from a new one', async () => {
    // A second, different file for the same team after a crash: the crashed import is resumed by its own file only.
    const db = temp.file('other.db');
    copyFileSync(setupDb, db);
    const midway = reference.setupHead + (reference.head - reference.setupHead) / 2n;
    await importUntilKilled(db, { killAt: midway });
    const store = openSqliteEventStore({ path: db });
    const ledger = createLedger({ store });
    const other = await importLearners(ledger, {
      orgId: ORG,
      input: (async function* () { yield Buffer.from(`${HEADER}\n${row(ROWS + 5, 'TRUE')}\n`); })(),
      fileName: 'other.csv',
      targetTeam: 'Sales',
      now: NOW,
    });
    expect(other.status).toBe('applied');
    const state = rightOf(await ledger.state(ORG));
    expect(state.learners.has(id(ROWS + 5))).toBe(true);
    const crashed = [...state.imports.values()].filter((record) => record.status === 'received');
    expect(crashed).toHaveLength(1);
    await store.close();
  }, TIMEOUT);
});
