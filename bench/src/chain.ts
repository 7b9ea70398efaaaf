import { createLedger, verifyChain, type Command, type EventStore } from '@learner-ledger/core';
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

const once = async (store: EventStore, learners: number, chain: boolean): Promise<Run> => {
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
  const verification = await verifyChain(store, orgId);
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
  const runs: Record<'on' | 'off', Run[]> = { on: [], off: [] };
  for (let run = 0; run < repeat; run++) {
    for (const chain of run % 2 === 0 ? [true, false] : [false, true]) {
      const label = `chain_${run}_${chain ? 'on' : 'off'}`;
      const store = await kit.open(label);
      try {
        runs[chain ? 'on' : 'off'].push(await once(store, learners, chain));
      } finally {
        await store.close();
      }
      log(`${kit.name} chain ${chain ? 'on ' : 'off'} run ${run + 1}/${repeat}: done`);
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
  const verify = medianOf(runs.on.map((r) => r.verify!));
  emit(measurement({ bench: 'chain.verify', store: kit.name, n: learners, ops: verify.ops, seconds: verify.ops / verify.perSecond, unit: 'events', runs: repeat, note: 'audit verify: every event read, re-hashed and its link checked' }));
};
