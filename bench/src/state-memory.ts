import { type EventStore, type LearnerRecord, createLedger, normalizeEmail } from '@learner-ledger/core';
import { type Measurement, figure } from './measure.js';

/** Heap and array buffers in use after two full collections (needs --expose-gc). */
const memoryInUse = (): number => {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('state.bytesPerLearner needs node --expose-gc');
  gc();
  gc();
  const usage = process.memoryUsage();
  return usage.heapUsed + usage.arrayBuffers;
};

/**
 * The heap a folded organization costs, per learner: a fresh ledger folds the
 * organization from the store (no snapshot) and keeps it, as a process
 * serving commands does; measured as heap plus array buffers before and
 * after. The baseline is the same organization as plain JS Maps of plain
 * records (learners by id, ids by e-mail, every command id with its range),
 * the representation before the compact table, measured the same way.
 */
export const measureStateMemory = async (store: EventStore, orgId: string, n: number, emit: (m: Measurement) => void): Promise<void> => {
  const before = memoryInUse();
  const ledger = createLedger({ store, snapshots: false });
  const loaded = await ledger.state(orgId);
  if (loaded._tag === 'Left') throw new Error(`loading ${orgId}: ${loaded.left.message}`);
  const learners = loaded.right.learners.size;
  const compact = memoryInUse() - before;

  // The baseline: plain records (fresh strings, as a store read gives them) and the command ranges of the stream.
  const { events } = await store.readStream(`learner-ledger.org-${orgId}`);
  const plainBefore = memoryInUse();
  const plain = {
    learners: new Map<string, LearnerRecord>(),
    emails: new Map<string, string>(),
    commands: new Map<string, { from: number; to: number }>(),
  };
  for (const [learnerId, record] of loaded.right.learners) {
    plain.learners.set(learnerId, JSON.parse(JSON.stringify(record)) as LearnerRecord);
    plain.emails.set(normalizeEmail(record.email), learnerId);
  }
  for (const event of events) {
    const commandId = (event.metadata as { commandId: string }).commandId;
    const range = plain.commands.get(commandId);
    if (range) range.to = event.streamVersion;
    // A string of its own, as a store read gives it (the in-memory store's events would share theirs).
    else plain.commands.set(JSON.parse(JSON.stringify(commandId)) as string, { from: event.streamVersion, to: event.streamVersion });
  }
  const baseline = memoryInUse() - plainBefore;
  emit(
    figure({
      bench: 'state.bytesPerLearner',
      store: 'memory',
      n,
      value: compact / learners,
      unit: 'bytes/learner',
      baseline: baseline / learners,
      baselineName: 'plain JS Maps of plain records (learners, ids by e-mail, command ranges), measured the same way',
      note: `heap + array buffers of a folded organization of ${learners} learners and ${plain.commands.size} commands, after a full collection; lower is better`,
    }),
  );
  // Kept alive until both were measured.
  if (plain.learners.size !== learners || !ledger) throw new Error('unreachable');
};
