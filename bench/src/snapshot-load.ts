import { type EventStore, type Ledger, organizationStreamId, serializeOrganizationState } from '@learner-ledger/core';
import type { CommandPauses } from './ledger-driver.js';
import { type Measurement, figure } from './measure.js';
import type { SnapshotChildInput, SnapshotChildResult } from './snapshot-child.js';
import type { StoreLocation } from './stores.js';
import { runJsonChild } from './json-child.js';

const runChild = (input: SnapshotChildInput, heapMb: number): Promise<SnapshotChildResult> => runJsonChild('snapshot-child.js', input, { heapMb, what: 'snapshot load' });

/** The size the old JSON snapshot had: the state's plain form and every command's range, as JSON text. */
const jsonSnapshotBytes = async (ledger: Ledger, store: EventStore, orgId: string): Promise<number> => {
  const state = await ledger.state(orgId);
  if (state._tag === 'Left') throw new Error(state.left.message);
  let bytes = Buffer.byteLength(JSON.stringify(serializeOrganizationState(state.right)));
  const commands = new Map<string, [number, number]>();
  const { events } = await store.readStream(organizationStreamId(orgId));
  for (const event of events) {
    const commandId = (event.metadata as { commandId: string }).commandId;
    const range = commands.get(commandId);
    if (range) range[1] = event.streamVersion;
    else commands.set(commandId, [event.streamVersion, event.streamVersion]);
  }
  for (const [commandId, [from, to]] of commands) bytes += Buffer.byteLength(JSON.stringify([commandId, from, to])) + 1;
  return bytes;
};

/**
 * The snapshot figures of one store at one size, once the workload is
 * written: the longest pause a command saw while a snapshot was being saved
 * (from the command path), the snapshot's bytes a learner, and the seconds a
 * fresh process needs to start from it (against folding the stream).
 */
export const snapshotFigures = async (options: {
  readonly store: EventStore;
  readonly ledger: Ledger;
  readonly pauses: CommandPauses;
  readonly location: StoreLocation | undefined;
  readonly orgId: string;
  readonly n: number;
  readonly emit: (m: Measurement) => void;
  readonly log: (line: string) => void;
  /** Also time the fold without the snapshot in a fresh process (the baseline). */
  readonly foldBaseline: boolean;
}): Promise<void> => {
  const { store, ledger, pauses, location, orgId, n, emit, log } = options;
  await ledger.flushSnapshots();
  const snapshots = store.snapshotStore?.();
  if (!snapshots || !location) return;
  const common = { bench: '', store: store.name, n };
  if (pauses.duringSaves > 0) {
    emit(
      figure({
        ...common,
        bench: 'snapshot.save',
        value: pauses.longestDuringSave,
        unit: 'ms (longest command)',
        baseline: pauses.longestOutsideSaves,
        baselineName: 'the longest command while no snapshot was being saved',
        note: `${pauses.duringSaves} of ${pauses.duringSaves + pauses.outsideSaves} commands of the command path ran while a snapshot was being saved; lower is better`,
      }),
    );
  }
  const snapshot = await snapshots.load(orgId);
  if (!snapshot) return log(`${store.name} n=${n}: no snapshot was saved`);
  const { currentVersion } = await store.readStream(organizationStreamId(orgId), { fromVersion: snapshot.streamVersion, maxCount: 1 });
  log(`${store.name} n=${n}: snapshot of ${(snapshot.bytes.length / 1e6).toFixed(1)} MB at version ${snapshot.streamVersion} of ${currentVersion}; loading it in a fresh process`);
  const jsonBytes = await jsonSnapshotBytes(ledger, store, orgId);
  emit(
    figure({
      ...common,
      bench: 'snapshot.bytes',
      value: snapshot.bytes.length / n,
      unit: 'bytes/learner',
      baseline: jsonBytes / n,
      baselineName: 'the JSON snapshot of the same organization (state and command record)',
      note: `${snapshot.bytes.length} bytes; lower is better`,
    }),
  );
  const heapMb = n >= 1_000_000 ? 16_384 : 4096;
  const fromSnapshot = await runChild({ location, orgId, snapshots: true }, heapMb);
  if (fromSnapshot.loaded !== 1 || fromSnapshot.learners !== n) throw new Error(`the fresh process did not start from the snapshot: ${JSON.stringify(fromSnapshot)}`);
  const folded = options.foldBaseline ? await runChild({ location, orgId, snapshots: false }, heapMb) : undefined;
  emit(
    figure({
      ...common,
      bench: 'snapshot.load',
      value: fromSnapshot.seconds,
      unit: 's (fresh process)',
      ...(folded ? { baseline: folded.seconds, baselineName: 'the same fresh process folding the stream from its first event' } : {}),
      peakRssMb: fromSnapshot.peakRssMb,
      note:
        `from process start to the state in hand; the load itself ${fromSnapshot.loadSeconds.toFixed(2)} s (restore and catch up ${currentVersion - snapshot.streamVersion} events)` +
        `${folded ? `, folding ${folded.loadSeconds.toFixed(2)} s (peak RSS ${folded.peakRssMb} MB)` : ''}; lower is better`,
    }),
  );
};
