import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createLedger, type Command } from '@learner-ledger/core';
import { adminContext, editSnapshotState } from '@learner-ledger/core/testing';
import { createSqliteSnapshotStore, openSqliteEventStore } from '@learner-ledger/sqlite';
import { runCli, type CliIo } from '../src/index.js';

/** The CLI over a real SQLite file, in-process: the ledger it builds uses the file's snapshots. */
describe('CLI: organization snapshots on a SQLite store', () => {
  let dir: string;
  let file: string;
  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'll-cli-snapshots-'));
    file = path.join(dir, 'ledger.db');
    const store = openSqliteEventStore({ path: file });
    const ledger = createLedger({ store, snapshots: createSqliteSnapshotStore(store), snapshotEvery: 1 });
    const commands: Command[] = [
      { type: 'OnboardOrganization', orgId: 'acme', name: 'Acme', seats: 5, timeZone: 'UTC' },
      { type: 'RegisterLearner', orgId: 'acme', learnerId: 'L1', email: 'l1@acme.test', firstName: 'Ada', lastName: 'One' },
      { type: 'RegisterLearner', orgId: 'acme', learnerId: 'L2', email: 'l2@acme.test', firstName: 'Bob', lastName: 'Two' },
    ];
    for (const [i, command] of commands.entries()) {
      const result = await ledger.execute(command, adminContext({ commandId: `setup-${i}` }));
      if (result._tag === 'Left') throw new Error(result.left.message);
    }
    await ledger.flushSnapshots();
    await store.close();
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const run = async (env: Record<string, string>, ...argv: string[]) => {
    let out = '';
    let err = '';
    const io: CliIo = {
      stdout: (text) => {
        out += text;
      },
      stderr: (text) => {
        err += text;
      },
      env: { LEARNER_LEDGER_STORE: file, ...env },
      cwd: dir,
      stderrIsTTY: false,
      clock: () => '2026-03-02T09:00:00.000Z',
    };
    const code = await runCli(argv, io);
    return { code, out, err, json: () => JSON.parse(out) };
  };

  it('recognises a command id applied before the snapshot as a duplicate', async () => {
    const result = await run({}, 'learner', 'register', 'acme', 'L1', '--email', 'l1@acme.test', '--first-name', 'Ada', '--last-name', 'One', '--command-id', 'setup-1', '--json');
    expect(result.code).toBe(0);
    expect(result.json()).toMatchObject({ result: 'duplicate' });
    const report = await run({}, 'report', 'licenses', 'acme', '--json');
    expect(report.json()).toMatchObject({ seats: 5, inUse: 2, available: 3 });
  });

  it('starts from the snapshot in the file, and folds the stream with LEARNER_LEDGER_SNAPSHOTS=off', async () => {
    // A snapshot that matches the stream but says 50 seats: only a ledger that reads it can answer 50.
    const store = openSqliteEventStore({ path: file });
    const snapshots = createSqliteSnapshotStore(store);
    const snapshot = await snapshots.load('acme');
    await snapshots.save(
      await editSnapshotState(snapshot!, (state) => {
        state.seats = 50;
      }),
    );
    await store.close();
    expect((await run({}, 'report', 'licenses', 'acme', '--json')).json()).toMatchObject({ seats: 50, inUse: 2 });
    expect((await run({ LEARNER_LEDGER_SNAPSHOTS: 'off' }, 'report', 'licenses', 'acme', '--json')).json()).toMatchObject({ seats: 5, inUse: 2 });
  });

  it('writes and reports with snapshots exactly as without them', async () => {
    const on = await run({}, 'learner', 'deactivate', 'acme', 'L1', '--json');
    expect(on.code).toBe(0);
    const withSnapshots = (await run({}, 'report', 'licenses', 'acme', '--json')).json();
    const without = (await run({ LEARNER_LEDGER_SNAPSHOTS: 'off' }, 'report', 'licenses', 'acme', '--json')).json();
    expect(withSnapshots).toEqual(without);
    expect(withSnapshots).toMatchObject({ seats: 5, inUse: 1, available: 4 });
  });
});
