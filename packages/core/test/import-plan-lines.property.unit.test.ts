import { createHash } from 'node:crypto';
import fc from 'fast-check';
import type { ImportOperation } from '../src/index.js';
import { applyOrder, lineRecord, operationsOf, planBatches } from '../src/application/import/batches.js';
import type { FileIssue } from '../src/application/import/errors.js';
import { refuseLine, type PlanEntry } from '../src/application/import/plan.js';
import { PlanLines } from '../src/application/import/plan-lines.js';
import { LineIndex } from '../src/application/import/line-index.js';

/**
 * The plan's compact lines read exactly as the array of entries they
 * replace: the same entries in the same order, the same refusals, the same
 * apply order, and the same batches (command ids, operations, audit records)
 * as the array-based batching cut them — whatever mix of plain and kept
 * lines, refusals and batch sizes.
 */
const RUNS = 300;

type Entry = PlanEntry<never>;

const issue = (code: string): FileIssue<never> => ({ code: code as FileIssue<never>['code'], column: 'Learner ID', value: 'v', message: `refused: ${code}` });

const entryArb = (line: number): fc.Arbitrary<Entry> => {
  const id = fc.integer({ min: 0, max: 30 }).map((i) => `L${i}`);
  return fc.oneof(
    { weight: 6, arbitrary: id.map((learnerId): Entry => ({ line, learnerId, action: 'unchanged' })) },
    id.map((learnerId): Entry => ({ line, learnerId, action: 'unchanged', message: 'ids matched' })),
    id.map((learnerId): Entry => ({ line, learnerId, action: 'unchanged', ops: [] })),
    id.map((learnerId): Entry => ({ line, learnerId, action: 'skipped', message: 'blank row' })),
    id.map((learnerId): Entry => ({ line, learnerId, action: 'error', error: issue('MISSING_VALUE') })),
    id.map((learnerId): Entry => ({ line, learnerId, action: 'deactivate', ops: [{ op: 'deactivate', line, learnerId }] })),
    id.map((learnerId): Entry => ({
      line, learnerId, action: 'deactivate',
      ops: [{ op: 'update', line, learnerId, changes: { firstName: 'F' } }, { op: 'deactivate', line, learnerId }],
    })),
    id.map((learnerId): Entry => ({ line, learnerId, action: 'register', ops: [{ op: 'register', line, learnerId, email: `${learnerId}@acme.test`, firstName: 'F', lastName: 'L', teams: ['sales'], active: true }] })),
    id.map((learnerId): Entry => ({ line, learnerId, action: 'reactivate', ops: [{ op: 'reactivate', line, learnerId }] })),
    id.map((learnerId): Entry => ({
      line, learnerId, action: 'schedule', message: 'deactivation scheduled',
      ops: [{ op: 'schedule', line, learnerId, scheduleId: '', effectiveAt: '2026-03-01T06:00:00.000Z' }],
    })),
    id.map((learnerId): Entry => ({ line, learnerId, action: 'update', ops: [{ op: 'update', line, learnerId, changes: {}, add: ['sales'] }], matched: [] })),
  );
};

/** Lines of a file (line numbers from 2, some full-sync lines at 0 last), then refusals by position. */
const planArb = fc
  .integer({ min: 0, max: 60 })
  .chain((n) =>
    fc.record({
      entries: fc.tuple(...Array.from({ length: n }, (_, i) => entryArb(i + 2))).map((list) => list as Entry[]),
      fullSync: fc.array(fc.integer({ min: 0, max: 30 }), { maxLength: 4 }),
      refusals: fc.array(fc.record({ at: fc.nat(), code: fc.constantFrom('DUPLICATE_LEARNER_ID', 'DUPLICATE_EMAIL') }), { maxLength: 8 }),
      batchSize: fc.integer({ min: 1, max: 6 }),
      linesPerBatch: fc.integer({ min: 1, max: 12 }),
    }),
  )
  .map((plan) => ({
    ...plan,
    entries: [
      ...plan.entries,
      ...plan.fullSync.map((i): Entry => ({ line: 0, learnerId: `S${i}`, action: 'deactivate', message: 'not listed', ops: [{ op: 'deactivate', line: 0, learnerId: `S${i}` }] })),
    ],
  }));

/** A deep copy, so the model and the compact lines share nothing. */
const copy = (entry: Entry): Entry => structuredClone(entry);

const takesSeat = (ops: readonly ImportOperation[]): boolean => ops.some(({ op }) => op === 'register' || op === 'reactivate');

/** The apply order over an array of entries, as the import cut it before its lines were compact. */
const referenceOrder = (entries: readonly Entry[]): { changing: Entry[]; quiet: Entry[] } => {
  const first: Entry[] = [];
  const second: Entry[] = [];
  const quiet: Entry[] = [];
  for (const entry of entries) {
    if (!entry.ops || entry.ops.length === 0 || entry.action === 'error') quiet.push(entry);
    else if (takesSeat(entry.ops)) second.push(entry);
    else first.push(entry);
  }
  return { changing: [...first, ...second], quiet };
};

/** The batches over an array of entries, as the import cut them before its lines were compact. */
const referenceBatches = (importId: string, entries: readonly Entry[], batchSize: number, linesPerBatch: number) => {
  const { changing, quiet } = referenceOrder(entries);
  const groups: { entries: Entry[]; operations: ImportOperation[] }[] = [];
  let group: Entry[] = [];
  let operations: ImportOperation[] = [];
  for (const list of [changing, quiet]) {
    for (const entry of list) {
      const ops = list === changing ? operationsOf(importId, entry) : [];
      if ((operations.length > 0 && operations.length + ops.length > batchSize) || group.length >= linesPerBatch) {
        groups.push({ entries: group, operations });
        group = [];
        operations = [];
      }
      group.push(entry);
      for (const op of ops) operations.push(op);
    }
  }
  if (group.length > 0) groups.push({ entries: group, operations });
  return groups.map(({ entries: g, operations: ops }) => {
    const lines = g.map(lineRecord);
    const digest = createHash('sha256');
    digest.update(importId);
    for (const line of lines) digest.update(`|${line.line}:${line.learnerId}:${line.action}`);
    return { commandId: `${importId}:batch:${digest.digest('hex').slice(0, 32)}`, entries: g, operations: ops, lines };
  });
};

const isPlain = (e: Entry): boolean => e.action === 'unchanged' && e.ops === undefined && e.message === undefined && e.error === undefined && e.matched === undefined;

describe('compact plan lines', () => {
  it('read, refuse, order and batch exactly as the array of entries they replace', () => {
    fc.assert(
      fc.property(planArb, ({ entries, refusals, batchSize, linesPerBatch }) => {
        const model = entries.map(copy);
        const lines = new PlanLines<never>();
        const pushed = entries.map(copy);
        for (const entry of pushed) lines.push(entry);
        for (const { at, code } of refusals) {
          if (model.length === 0) break;
          const index = at % model.length;
          refuseLine(model[index]!, issue(code));
          lines.refuse(index, issue(code));
        }
        expect(lines.length).toBe(model.length);
        expect([...lines]).toEqual(model);
        for (let i = 0; i < model.length; i++) {
          expect(lines.at(i)).toEqual(model[i]);
          expect(lines.line(i)).toBe(model[i]!.line);
          expect(lines.learnerId(i)).toBe(model[i]!.learnerId);
          // A line pushed with more than its number and id is the very object pushed, refusals included.
          if (!isPlain(entries[i]!)) expect(lines.keptAt(i)).toBe(pushed[i]);
        }
        expect([...lines.keptInOrder()].map(([i]) => i)).toEqual(model.flatMap((e, i) => (isPlain(e) ? [] : [i])));
        expect(lines.keptCount).toBe(model.filter((e) => !isPlain(e)).length);

        const order = applyOrder(lines);
        const reference = referenceOrder(model);
        expect(order.changing).toEqual(reference.changing);
        expect([...order.quiet].map((i) => lines.at(i))).toEqual(reference.quiet);

        const importId = 'imp-1';
        const plan = planBatches(importId, lines, batchSize, linesPerBatch);
        const batches = [...plan.batches];
        const expected = referenceBatches(importId, model, batchSize, linesPerBatch);
        expect(plan.count).toBe(expected.length);
        expect(plan.rows).toBe(model.length);
        expect(batches).toEqual(expected);
        // Rebuilt from its own entries (a resumed import's pending lines), the plan reads the same.
        expect([...PlanLines.of(lines)]).toEqual(model);
      }),
      { numRuns: RUNS },
    );
  });

  it('a refusal of a line that is not there is an error, not a silent new line', () => {
    const lines = PlanLines.of<never>([{ line: 2, learnerId: 'L1', action: 'unchanged' }]);
    expect(() => lines.refuse(1, issue('DUPLICATE_LEARNER_ID'))).toThrow(RangeError);
    expect(() => lines.refuse(-1, issue('DUPLICATE_LEARNER_ID'))).toThrow(RangeError);
    expect([...lines]).toEqual([{ line: 2, learnerId: 'L1', action: 'unchanged' }]);
  });

  it('grows past its first column of line numbers without losing one', () => {
    const entries = Array.from({ length: 5000 }, (_, i): Entry => (i % 7 === 0 ? { line: i + 2, learnerId: `L${i}`, action: 'deactivate', ops: [{ op: 'deactivate', line: i + 2, learnerId: `L${i}` }] } : { line: i + 2, learnerId: `L${i}`, action: 'unchanged' }));
    const lines = PlanLines.of<never>(entries.map(copy));
    expect([...lines]).toEqual(entries);
    expect(lines.keptCount).toBe(Math.ceil(5000 / 7));
  });
});

describe('the index of lines by learner id', () => {
  it('answers as a Map of the same pairs, last set winning, through growth and keys apart from their line', () => {
    const step = fc.record({ id: fc.integer({ min: 0, max: 4000 }), set: fc.boolean(), other: fc.option(fc.integer({ min: 0, max: 4000 }), { freq: 8 }), probe: fc.integer({ min: 0, max: 4000 }) });
    fc.assert(
      fc.property(fc.array(step, { minLength: 1500, maxLength: 3000 }), (steps) => {
        const lines = new PlanLines<never>();
        const index = new LineIndex<never>(lines);
        const model = new Map<string, number>();
        for (const { id, set, other, probe } of steps) {
          const learnerId = `L${id}`;
          const at = lines.length;
          // As the planner does: the key set while the line is planned, the line pushed after.
          if (set) {
            const key = other === null ? learnerId : `L${other}`;
            index.set(key, at, learnerId);
            model.set(key, at);
          }
          lines.push({ line: at + 2, learnerId, action: 'unchanged' });
          const key = `L${probe}`;
          if (index.get(key) !== model.get(key) || index.has(key) !== model.has(key)) return false;
        }
        for (const [key, value] of model) if (index.get(key) !== value) return false;
        return true;
      }),
      { numRuns: 40 },
    );
  });
});
