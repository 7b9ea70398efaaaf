import type { Command, CommandContext, Ledger } from '@learner-ledger/core';
import { now, seconds } from './measure.js';
import { type OrganizationWorkload, deactivateCommand, registerCommand } from './workload.js';

/**
 * The contended workload: one organization, every learner registered, then
 * 20% of them deactivated one command each (1.2 commands a learner), every
 * command dated by the ledger's own clock. Two phases, so that a learner is
 * registered before anyone deactivates them.
 */
export const contentionPhases = (w: OrganizationWorkload, learners = w.learners.length): Command[][] => {
  const registered = w.learners.slice(0, learners);
  const ids = new Set(registered.map((l) => l.learnerId));
  const leaving = [...w.profileDeactivations, ...w.draftBatches.flat()].filter((id) => ids.has(id));
  return [registered.map((l) => registerCommand(w, l)), leaving.map((id) => deactivateCommand(w, [id]))];
};

export const contentionContext = (phase: number, index: number): CommandContext => ({
  actor: { kind: 'admin', id: 'admin@bench.example' },
  channel: phase === 0 ? 'api' : 'learner-profile',
  commandId: `p${phase}-c${index}`,
});

/** What one writer (or several) saw of a load. */
export interface LoadStats {
  commands: number;
  events: number;
  /** Failed commands by error code. */
  failed: Record<string, number>;
  retries: number;
  latenciesMs: number[];
}

export const emptyStats = (): LoadStats => ({ commands: 0, events: 0, failed: {}, retries: 0, latenciesMs: [] });

export const mergeStats = (all: readonly LoadStats[]): LoadStats => {
  const merged = emptyStats();
  for (const s of all) {
    merged.commands += s.commands;
    merged.events += s.events;
    merged.retries += s.retries;
    for (const [code, n] of Object.entries(s.failed)) merged.failed[code] = (merged.failed[code] ?? 0) + n;
    for (const ms of s.latenciesMs) merged.latenciesMs.push(ms);
  }
  return merged;
};

export const failedCount = (stats: LoadStats): number => Object.values(stats.failed).reduce((a, b) => a + b, 0);

export const percentile = (values: readonly number[], p: number): number => {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
};

/**
 * Runs `commands` through the ledgers, `inFlight` commands at a time on each,
 * all taking the next command from one queue; records every command's latency
 * and outcome.
 */
export const runPhase = async (ledgers: readonly Ledger[], inFlight: number, commands: readonly Command[], phase: number, stats: LoadStats, indexOf = (i: number) => i): Promise<void> => {
  let next = 0;
  const worker = async (ledger: Ledger) => {
    for (;;) {
      const i = next++;
      if (i >= commands.length) return;
      const started = now();
      const result = await ledger.execute(commands[i]!, contentionContext(phase, indexOf(i)));
      stats.latenciesMs.push(seconds(started) * 1000);
      stats.commands++;
      if (result._tag === 'Left') {
        stats.failed[result.left.code] = (stats.failed[result.left.code] ?? 0) + 1;
        continue;
      }
      stats.events += result.right.events.length;
      stats.retries += result.right.retries;
    }
  };
  await Promise.all(ledgers.flatMap((ledger) => Array.from({ length: inFlight }, () => worker(ledger))));
};

/** Every phase in turn through the same ledgers; the seconds from the first command to the last answer. */
export const runLoad = async (ledgers: readonly Ledger[], inFlight: number, phases: readonly (readonly Command[])[]): Promise<{ stats: LoadStats; seconds: number }> => {
  const stats = emptyStats();
  const started = now();
  for (const [phase, commands] of phases.entries()) await runPhase(ledgers, inFlight, commands, phase, stats);
  return { stats, seconds: seconds(started) };
};
