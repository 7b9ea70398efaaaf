import * as path from 'node:path';
import type { EventStore } from '@learner-ledger/core';
import type { StoreLocation } from './store.js';

/**
 * Everything the CLI touches outside itself, so it can run inside a test:
 * output streams, environment, working directory and the clock.
 */
export interface CliIo {
  /** Standard output: results (exactly one JSON document with `--json`). */
  readonly stdout: (text: string) => void;
  /** Standard error: messages for people, progress bars. */
  readonly stderr: (text: string) => void;
  /** True once the reader of standard output has gone away (a closed pipe): commands that stream output stop early. */
  readonly stdoutClosed?: () => boolean;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Relative paths (store files, CSV files, charts) are resolved against this folder. */
  readonly cwd: string;
  /** Progress bars are drawn only when standard error is a terminal. */
  readonly stderrIsTTY?: boolean;
  /** Width of the terminal behind standard error. */
  readonly stderrColumns?: number;
  /** The current instant (ISO, UTC). Default: the system clock. */
  readonly clock?: () => string;
  /** How a person runs this tool again (in hints): `learner-ledger`, or `node path/to/bin.js` when started that way. */
  readonly programName?: string;
  /** Resolves (with its name) when a long-running command (`scim serve`) is asked to stop; by default on SIGTERM or SIGINT. */
  readonly untilShutdown?: () => Promise<string>;
  /** Opens a store; by default the adapter package for the location's kind. Tests pass shared stores here. */
  readonly openStore?: (location: StoreLocation) => Promise<EventStore>;
}

/** Whether the reader of standard output or standard error went away (`learner-ledger export … | head -1`). */
const closed = { stdout: false, stderr: false };
let watching = false;

/**
 * A closed pipe ends the output quietly: the reader chose to stop reading, so
 * further output is dropped instead of crashing on EPIPE. Another write error
 * on stdout (a full disk behind `> file`) is said once on stderr and makes the
 * exit code 1.
 */
const watchOutputs = (): void => {
  if (watching) return;
  watching = true;
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    const first = !closed.stdout;
    closed.stdout = true;
    if (!first || error.code === 'EPIPE') return;
    process.exitCode = 1;
    if (!closed.stderr) process.stderr.write(`learner-ledger: error: cannot write to standard output: ${error.message}\n`);
  });
  process.stderr.on('error', () => {
    closed.stderr = true;
  });
};

/**
 * The real process: `process.stdout`, `process.stderr`, `process.env`, `process.cwd()`.
 * The first call adds error listeners to `process.stdout` and `process.stderr`, so a closed pipe ends the output quietly.
 */
export const processIo = (): CliIo => {
  watchOutputs();
  return {
    stdout: (text) => {
      if (!closed.stdout) process.stdout.write(text);
    },
    stderr: (text) => {
      if (!closed.stderr) process.stderr.write(text);
    },
    stdoutClosed: () => closed.stdout,
    env: process.env,
    cwd: process.cwd(),
    stderrIsTTY: process.stderr.isTTY === true,
    stderrColumns: process.stderr.columns,
    programName: programNameOf(process.argv[1], process.cwd()),
  };
};

/** `node packages/cli/dist/src/bin.js` when the script was started by path, else `learner-ledger`. */
export const programNameOf = (script: string | undefined, cwd: string): string => {
  if (script === undefined || path.basename(script) !== 'bin.js') return 'learner-ledger';
  const relative = path.relative(cwd, script);
  return `node ${relative.startsWith('..') || path.isAbsolute(relative) ? script : relative}`;
};
