import type { EventStore, GlobalPosition } from '@learner-ledger/core';
import { readLog } from './support.js';
import { dumpTables, learnerDirectoryProjection, licenseCountOf, licenseCountsProjection, ProjectionRunner, type LicenseCountsState } from '@learner-ledger/projections';

/**
 * Catch-up readers that run while writers write: a raw reader polling the
 * global log, and a projection runner following it. `stop()` waits until
 * both have reached `head`, then reports what they saw.
 */
export const startFollowers = (store: EventStore, options: { batchSize?: number } = {}) => {
  const seen: GlobalPosition[] = [];
  let stopRequested = false;
  const raw = (async () => {
    let after = 0n;
    for (;;) {
      const batch = await store.readAll({ after, maxCount: options.batchSize ?? 200 });
      for (const event of batch.events) seen.push(event.globalPosition);
      after = batch.lastPosition;
      if (batch.events.length === 0) {
        if (stopRequested && after >= (await store.headPosition())) return;
        await store.waitForEvents(after, { timeoutMs: 50 });
      }
    }
  })();
  const runner = new ProjectionRunner({ store, projections: [licenseCountsProjection, learnerDirectoryProjection], batchSize: options.batchSize ?? 200 });
  const controller = new AbortController();
  const following = runner.follow({ signal: controller.signal, pollIntervalMs: 50 });
  const samples: { rawSeen: number; projected: bigint }[] = [];
  const watch = setInterval(() => samples.push({ rawSeen: seen.length, projected: runner.checkpoint(licenseCountsProjection.name) }), 10);
  return {
    seen,
    runner,
    /** How many distinct partial positions (after `from`, before `head`) the raw reader and the runner were seen at, sampled every 10 ms. */
    partialPositionsSeen: (from: bigint, head: bigint) => ({
      raw: new Set(samples.map((s) => s.rawSeen).filter((n) => n > Number(from) && n < Number(head))).size,
      projected: new Set(samples.map((s) => s.projected).filter((p) => p > from && p < head)).size,
    }),
    /**
     * Resolves once the raw reader has seen `position` and both projections are
     * checkpointed there, with where they are then (while writers are paused at
     * `position`, exactly there).
     */
    async reached(position: GlobalPosition): Promise<{ raw: bigint; projected: readonly bigint[] }> {
      while (BigInt(seen.length) < position || runner.checkpoint(licenseCountsProjection.name) < position || runner.checkpoint(learnerDirectoryProjection.name) < position) {
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      return { raw: BigInt(seen.length), projected: [runner.checkpoint(licenseCountsProjection.name), runner.checkpoint(learnerDirectoryProjection.name)] };
    },
    async stop(head: GlobalPosition) {
      clearInterval(watch);
      stopRequested = true;
      await raw;
      while (runner.checkpoint(licenseCountsProjection.name) < head || runner.checkpoint(learnerDirectoryProjection.name) < head) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      controller.abort();
      await following;
    },
  };
};

/** Checks the followers against the log: every position seen once, and the projections equal a rebuild from zero. */
export const checkFollowers = async (store: EventStore, followers: ReturnType<typeof startFollowers>, head: GlobalPosition, orgId: string, expected: { seats: number; inUse: number }) => {
  const { seen, runner } = followers;
  if (seen.length !== Number(head)) throw new Error(`the catch-up reader saw ${seen.length} events, the log holds ${head}`);
  seen.forEach((position, index) => {
    if (position !== BigInt(index + 1)) throw new Error(`the catch-up reader saw position ${position} as its ${index + 1}th event (skipped or repeated)`);
  });
  // Exactly once: each projection applied as many events as the log holds of the types it reads.
  const log = await readLog(store);
  for (const projection of [licenseCountsProjection, learnerDirectoryProjection] as const) {
    const reads = new Set<string>(projection.reads);
    const expectedCount = log.filter((e) => reads.has(e.type)).length;
    const applied = runner.stats().projections.find((p) => p.name === projection.name)!.eventsApplied;
    if (applied !== expectedCount) throw new Error(`projection ${projection.name} applied ${applied} events while following; the log holds ${expectedCount} of the types it reads`);
  }
  const followed = runner.state<LicenseCountsState>(licenseCountsProjection);
  const count = licenseCountOf(followed, orgId);
  if (count.inUse !== expected.inUse || count.seats !== expected.seats) throw new Error(`the followed projection says ${JSON.stringify(count)}, the log ${JSON.stringify(expected)}`);
  const rebuilt = new ProjectionRunner({ store, projections: [licenseCountsProjection, learnerDirectoryProjection] });
  await rebuilt.catchUp();
  for (const projection of [licenseCountsProjection, learnerDirectoryProjection] as const) {
    const a = JSON.stringify(dumpTables(projection as never, runner.state(projection.name)));
    const b = JSON.stringify(dumpTables(projection as never, rebuilt.state(projection.name)));
    if (a !== b) throw new Error(`projection ${projection.name} followed during the writes differs from its rebuild from position 0`);
  }
  return { eventsApplied: runner.stats().projections.map((p) => ({ name: p.name, eventsApplied: p.eventsApplied })) };
};
