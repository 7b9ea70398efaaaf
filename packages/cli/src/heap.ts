import * as v8 from 'node:v8';
import { switchedOff, type Env } from './env.js';

/**
 * How far the heap may grow past what it held live after a full collection
 * before the next one, in percent. V8 picks between 10% and 300% from the
 * collector's speed and the heap's limit; with Node's default limit of a
 * few gigabytes it takes the high end, so a large import that holds 250 MB
 * live peaks near 740 MB of RSS. At 30% the same import peaks near 460 MB,
 * for 10-20% more CPU (the collector runs more often).
 */
export const HEAP_GROWING_PERCENT = 30;

const FLAG = '--heap-growing-percent';

/** Whether node was started with `--heap-growing-percent` (a V8 flag NODE_OPTIONS does not take: only on node's command line). */
const setByUser = (execArgv: readonly string[]): boolean =>
  execArgv.some((arg) => arg === FLAG || arg.startsWith(`${FLAG}=`) || arg === '--heap_growing_percent' || arg.startsWith('--heap_growing_percent='));

/**
 * The V8 flag the command-line tool sets for its own process, or undefined:
 * when node was started with its own `--heap-growing-percent`, or when
 * `LEARNER_LEDGER_TIGHT_HEAP` is `off` (or `0`, `false`, `no`), which
 * leaves the growth to V8. Pure.
 */
export const heapGrowthFlag = (execArgv: readonly string[], env: Env): string | undefined => {
  if (setByUser(execArgv)) return undefined;
  if (switchedOff(env, 'LEARNER_LEDGER_TIGHT_HEAP')) return undefined;
  return `${FLAG}=${HEAP_GROWING_PERCENT}`;
};

/**
 * Keeps this process's heap within {@link HEAP_GROWING_PERCENT} of what it
 * holds live, unless the user chose otherwise (see {@link heapGrowthFlag});
 * answers the flag set, if any. V8 reads it each time a full collection
 * sets the next limit, so it takes effect from the next full collection on
 * (the limit in force when it is set stands until then). For the
 * command-line tool's own process (and a bench that imports as the tool
 * does), not for a library embedded in someone else's.
 */
export const keepHeapNearLive = (execArgv: readonly string[] = process.execArgv, env: Env = process.env): string | undefined => {
  const flag = heapGrowthFlag(execArgv, env);
  if (flag !== undefined) v8.setFlagsFromString(flag);
  return flag;
};
