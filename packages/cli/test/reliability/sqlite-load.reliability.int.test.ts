import { writeFileSync } from 'node:fs';
import { createLedger } from '@learner-ledger/core';
import { openSqliteEventStore } from '@learner-ledger/sqlite';
import { checkFollowers, startFollowers } from './follower.js';
import { checkLoadRun } from './load-check.js';
import { rightOf, scaled, startChild, temporaryDirectory, TIMEOUT, type ChildRun } from './support.js';
import { LOAD_ORG, setupCommands, writerDeliveries, type DeliveryReport, type WorkloadShape } from './workload.js';

/**
 * Several OS processes share one SQLite file and race contended commands on
 * one organization whose seats are nearly exhausted, while this process
 * follows the log with a catch-up reader and a projection runner.
 */
/** Resolves once the child printed `line`; rejects if it exits first. */
const printed = (child: ChildRun<unknown>, line: string): Promise<void> =>
  new Promise<void>((resolve, reject) => {
    const check = () => {
      if (child.lines.includes(line)) resolve();
    };
    child.child.stdout.on('data', check);
    check();
    void child.exited.then(({ code, signal, stderr }) => reject(new Error(`writer exited with ${code ?? signal} before printing ${line}: ${stderr}`)));
  });

describe('reliability: SQLite file shared by several writer processes', () => {
  const temp = temporaryDirectory();
  afterAll(() => temp.remove());

  const shapes: WorkloadShape[] = scaled(
    [{ seed: 1, seats: 30, writers: 4, commandsPerWriter: 400 }],
    [
      { seed: 1, seats: 30, writers: 4, commandsPerWriter: 5000 },
      { seed: 2, seats: 200, writers: 6, commandsPerWriter: 5000 },
    ],
  );

  test.each(shapes)('seed $seed: $writers processes × $commandsPerWriter commands on $seats seats: nothing lost, nothing doubled, the invariants at every position', async (shape) => {
    const file = temp.file(`load-${shape.seed}.db`);
    const store = openSqliteEventStore({ path: file, busyTimeoutMs: 30_000 });
    const ledger = createLedger({ store });
    const setupIds = new Set<string>();
    for (const [i, command] of setupCommands(shape).entries()) {
      setupIds.add(`setup-${i}`);
      rightOf(await ledger.execute(command, { commandId: `setup-${i}`, actor: { kind: 'admin', id: 'setup@load.test' }, channel: 'api' }));
    }
    const lists = writerDeliveries(shape);
    const writers = lists.map((deliveries, w) => {
      const path = temp.file(`deliveries-${shape.seed}-${w}.json`);
      writeFileSync(path, JSON.stringify(deliveries));
      // Each writer pauses half-way, so the readers can be shown at a position in the middle of the writes.
      return startChild<{ pid: number; ms: number; reports: DeliveryReport[] }>('sqlite-writer', [file, path, String(Math.floor(deliveries.length / 2))]);
    });
    await Promise.all(writers.map((w) => w.ready));
    const setupHead = await store.headPosition();
    const followers = startFollowers(store);
    const started = Date.now();
    writers.forEach((w) => w.child.stdin.write('go\n'));
    await Promise.all(writers.map((w) => printed(w, 'paused')));
    const pausedHead = await store.headPosition();
    const atPause = await followers.reached(pausedHead);
    writers.forEach((w) => w.child.stdin.end('go on\n'));
    const results = await Promise.all(writers.map((w) => w.report));
    const writingMs = Date.now() - started;
    const head = await store.headPosition();
    await followers.stop(head);
    const whileWriting = followers.partialPositionsSeen(setupHead, head);

    const { audit, figures } = await checkLoadRun(store, results.flatMap((r) => r.reports), setupIds, LOAD_ORG);
    const org = audit.organizations.get(LOAD_ORG)!;
    const projections = await checkFollowers(store, followers, head, LOAD_ORG, { seats: org.seats, inUse: org.inUse });

    console.log(`[reliability] sqlite load seed ${shape.seed}: ${JSON.stringify({ processes: shape.writers, writingMs, ...figures, followersAtPause: Number(pausedHead), partialPositionsSeenWhileWriting: whileWriting, projections })}`);
    // The run was really contended: writers in different processes lost races and retried, some deliveries were duplicates, seats ran out.
    expect(new Set(results.map((r) => r.pid)).size).toBe(shape.writers);
    expect(figures.retries).toBeGreaterThan(0);
    expect(figures.duplicates).toBeGreaterThan(0);
    expect(figures.refused['LICENSE_POOL_EXHAUSTED'] ?? 0).toBeGreaterThan(0);
    expect(figures.maxInUse).toBe(shape.seats);
    // The readers read a growing log: while every writer was paused half-way they were exactly at the head, a position in the middle of the writes.
    expect(pausedHead).toBeGreaterThan(setupHead);
    expect(head).toBeGreaterThan(pausedHead);
    expect(atPause).toEqual({ raw: pausedHead, projected: [pausedHead, pausedHead] });
    // The ledger, reloaded from the file, agrees with the log.
    const reloaded = rightOf(await createLedger({ store }).state(LOAD_ORG));
    expect(reloaded.licensesInUse).toBe(org.inUse);
    await store.close();
  }, TIMEOUT);
});
