import { InMemoryEventStore, type EventStore } from '@learner-ledger/core';
import { runCli, type CliIo } from '../src/index.js';

export interface CliRun {
  readonly code: number;
  readonly out: string;
  readonly err: string;
  /** stdout parsed as the one JSON document it must be. */
  json<T = any>(): T;
}

/**
 * Runs the CLI in-process against one in-memory store shared by every call
 * (the store outlives each call, as a database file would).
 */
export const cliHarness = (options: { now?: () => string; env?: Record<string, string>; cwd?: string; tty?: boolean } = {}) => {
  const store = new InMemoryEventStore();
  const shared: EventStore = Object.create(store, { close: { value: async () => undefined } });
  const run = async (...argv: string[]): Promise<CliRun> => {
    let out = '';
    let err = '';
    const io: CliIo = {
      stdout: (text) => {
        out += text;
      },
      stderr: (text) => {
        err += text;
      },
      env: options.env ?? {},
      cwd: options.cwd ?? process.cwd(),
      stderrIsTTY: options.tty ?? false,
      clock: options.now ?? (() => '2026-03-02T09:00:00.000Z'),
      openStore: async () => shared,
    };
    const code = await runCli(argv, io);
    return { code, out, err, json: () => JSON.parse(out) };
  };
  return { run, store };
};

/** Onboards `acme` (10 seats, America/Chicago) with Sales and Support and four learners. */
export const seedAcme = async (run: (...argv: string[]) => Promise<CliRun>, seats = 10) => {
  const steps = [
    ['org', 'create', 'acme', '--name', 'Acme Corp', '--seats', String(seats), '--time-zone', 'America/Chicago'],
    ['team', 'create', 'acme', 'Sales'],
    ['team', 'create', 'acme', 'Support'],
    ['learner', 'register', 'acme', '0001', '--email', 'ada@acme.test', '--first-name', 'Ada', '--last-name', 'Lovelace', '--team', 'Sales'],
    ['learner', 'register', 'acme', '0002', '--email', 'alan@acme.test', '--first-name', 'Alan', '--last-name', 'Turing', '--team', 'sales', '--team', 'Support'],
    ['learner', 'register', 'acme', '0003', '--email', 'grace@acme.test', '--first-name', 'Grace', '--last-name', 'Hopper', '--team', 'Support'],
    ['learner', 'register', 'acme', '0004', '--email', 'edsger@acme.test', '--first-name', 'Edsger', '--last-name', 'Dijkstra'],
  ];
  for (const step of steps) {
    const result = await run(...step);
    if (result.code !== 0) throw new Error(`${step.join(' ')} failed (${result.code}): ${result.err}`);
  }
};
