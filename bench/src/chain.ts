import { createLedger, SealedEventStore, verifyChain, type Command, type EventStore } from '@learner-ledger/core';
import { measurement, median, now, seconds, type Measurement, type Rate } from './measure.js';
import { replayProjections } from './replay.js';
import type { StoreKit } from './stores.js';
import { contextFor, deactivateCommand, idGenerator, organizationWorkload, registerCommand, setupCommands, steppingClock } from './workload.js';

/**
 * What the hash chain costs: the same commands written with and without it
 * (one learner a command: the command path), then the log replayed
 * (projections from position 0, and a ledger folding the organization from
 * its first event), runs alternating which goes first. The figure is the
 * rate with the chain; its baseline, the rate without. Each case's CPU
 * time (the process's, user and system) is taken too: on a machine shared
 * with other jobs, wall-clock rates swing with their load, the work done
 * much less.
 *
 * A third variant writes the same commands with the chain and with the
 * learners' personal fields sealed under their keys (a `SealedEventStore`
 * over the store's key table), as the command-line tool writes them: its
 * figures (`sealing.*`) have the chain without sealing as their baseline.
 */
interface Run {
  readonly commands: Timed;
  readonly replay: Timed;
  readonly fold: Timed;
  readonly verify?: Rate;
}

/** A rate, and the CPU seconds the process spent on it. */
interface Timed extends Rate {
  readonly cpuSeconds: number;
}

const rate = (ops: number, secs: number): Rate => ({ ops, seconds: secs, perSecond: ops / secs, runs: 1 });

const cpuNow = (): number => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
};

/** Times `work` (which answers how many ops it did) by the clock and by CPU. */
const timed = async (work: () => Promise<number>): Promise<Timed> => {
  const started = now();
  const cpu = cpuNow();
  const ops = await work();
  const cpuSeconds = cpuNow() - cpu;
  return { ...rate(ops, seconds(started)), cpuSeconds };
};

const commandsOf = (learners: number): { orgId: string; setup: Command[]; measured: Command[] } => {
  const w = organizationWorkload(learners);
  const registrations = w.learners.map((learner) => registerCommand(w, learner));
  // One learner in ten leaves, one deactivation a command (move, deactivate, release).
  const deactivations = w.learners.filter((_, i) => i % 10 === 0).map((learner) => deactivateCommand(w, [learner.learnerId]));
  return { orgId: w.orgId, setup: setupCommands(w), measured: [...registrations, ...deactivations] };
};

/** How a run writes: without the chain, with it, or with it and the personal fields sealed. */
type Variant = 'off' | 'on' | 'sealed';

const once = async (raw: EventStore, learners: number, variant: Variant): Promise<Run> => {
  const chain = variant !== 'off';
  const keys = variant === 'sealed' ? raw.personalDataKeys?.() : undefined;
  if (variant === 'sealed' && !keys) throw new Error(`the ${raw.name} store keeps no personal-data keys`);
  const store = keys ? new SealedEventStore(raw, keys) : raw;
  const { orgId, setup, measured } = commandsOf(learners);
  const clock = steppingClock();
  const newId = idGenerator(11);
  const ledger = createLedger({ store, clock, newId, chain, snapshots: false });
  for (const command of setup) await ledger.execute(command, contextFor('api', clock(), newId()));
  const commands = await timed(async () => {
    for (const command of measured) {
      const result = await ledger.execute(command, contextFor('learner-profile', clock(), newId()));
      if (result._tag === 'Left') throw new Error(`${command.type} was refused: ${result.left.message}`);
    }
    return measured.length;
  });
  const replay = await timed(() => replayProjections(store));
  const fold = await timed(async () => {
    const folded = await createLedger({ store, snapshots: false, chain }).state(orgId);
    if (folded._tag === 'Left') throw new Error(folded.left.message);
    return replay.ops;
  });
  if (!chain) return { commands, replay, fold };
  const verifyStarted = now();
  // The chain covers the events as written (sealed fields and all).
  const verification = await verifyChain(raw, orgId);
  if (verification.mismatch) throw new Error(verification.mismatch.message);
  return { commands, replay, fold, verify: rate(verification.events, seconds(verifyStarted)) };
};

const medianOf = (runs: readonly Rate[]): Rate => {
  const mid = median(runs.map((r) => r.perSecond));
  const closest = [...runs].sort((a, b) => Math.abs(a.perSecond - mid) - Math.abs(b.perSecond - mid))[0]!;
  return { ...closest, perSecond: mid, runs: runs.length };
};

/** Runs the chain cases on one store and emits one figure each: commands, replay, fold (with vs without the chain), verify. */
export const chainCost = async (kit: StoreKit, learners: number, repeat: number, emit: (m: Measurement) => void, log: (line: string) => void): Promise<void> => {
  const runs: Record<Variant, Run[]> = { on: [], off: [], sealed: [] };
  const orders: readonly (readonly Variant[])[] = [
    ['on', 'off', 'sealed'],
    ['off', 'sealed', 'on'],
    ['sealed', 'on', 'off'],
  ];
  for (let run = 0; run < repeat; run++) {
    for (const variant of orders[run % orders.length]!) {
      const store = await kit.open(`chain_${run}_${variant}`);
      try {
        runs[variant].push(await once(store, learners, variant));
      } finally {
        await store.close();
      }
      log(`${kit.name} chain ${variant} run ${run + 1}/${repeat}: done`);
    }
  }
  const note = 'baseline: the same without the chain; ratio ≥ 0.9 is the target';
  // CPU seconds an op, median over runs: the ratio without ÷ with is the wall-clock ratio's counterpart, little moved by other jobs.
  const cpuPerOp = (timings: readonly Timed[]): number => median(timings.map((t) => t.cpuSeconds / t.ops));
  for (const [bench, pick, unit] of [
    ['chain.commands', (r: Run) => r.commands, 'commands'],
    ['chain.replay', (r: Run) => r.replay, 'events'],
    ['chain.fold', (r: Run) => r.fold, 'events'],
  ] as const) {
    const on = medianOf(runs.on.map(pick));
    const cpuOn = cpuPerOp(runs.on.map(pick));
    const cpuOff = cpuPerOp(runs.off.map(pick));
    const cpu = `CPU ${(cpuOn * 1e6).toFixed(1)} µs/${unit.slice(0, -1)} with, ${(cpuOff * 1e6).toFixed(1)} without: CPU ratio ${(cpuOff / cpuOn).toFixed(3)}`;
    emit(measurement({ bench, store: kit.name, n: learners, ops: on.ops, seconds: on.ops / on.perSecond, unit, baseline: medianOf(runs.off.map(pick)), baselineName: 'without the chain', runs: repeat, note: `${note}; ${cpu}` }));
  }
  // What sealing adds: the chain with sealing against the chain alone.
  for (const [bench, pick, unit] of [
    ['sealing.commands', (r: Run) => r.commands, 'commands'],
    ['sealing.fold', (r: Run) => r.fold, 'events'],
  ] as const) {
    const sealed = medianOf(runs.sealed.map(pick));
    const cpuSealed = cpuPerOp(runs.sealed.map(pick));
    const cpuOn = cpuPerOp(runs.on.map(pick));
    const cpu = `CPU ${(cpuSealed * 1e6).toFixed(1)} µs/${unit.slice(0, -1)} sealed, ${(cpuOn * 1e6).toFixed(1)} not: CPU ratio ${(cpuOn / cpuSealed).toFixed(3)}`;
    emit(
      measurement({
        bench,
        store: kit.name,
        n: learners,
        ops: sealed.ops,
        seconds: sealed.ops / sealed.perSecond,
        unit,
        baseline: medianOf(runs.on.map(pick)),
        baselineName: 'the chain without sealing',
        runs: repeat,
        note: `personal fields sealed under each learner's key, as the command-line tool writes them; ${cpu}`,
      }),
    );
  }
  const verify = medianOf(runs.on.map((r) => r.verify!));
  emit(measurement({ bench: 'chain.verify', store: kit.name, n: learners, ops: verify.ops, seconds: verify.ops / verify.perSecond, unit: 'events', runs: repeat, note: 'audit verify: every event read, re-hashed and its link checked' }));
};
