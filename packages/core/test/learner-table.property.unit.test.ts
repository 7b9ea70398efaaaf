import * as E from 'fp-ts/lib/Either.js';
import fc from 'fast-check';
import { evolve, type DomainEvent, type LearnerRecord } from '../src/index.js';
import { CommandIndex } from '../src/ledger/command-index.js';
import { LearnerTable } from '../src/organization/learner-table.js';
import { draftOf, emptyFoldedState, frozenCopy } from '../src/organization/state.js';
import { decodeSnapshot } from '../src/snapshots/snapshot-decode.js';
import { captureSnapshot, encodeSnapshot } from '../src/snapshots/snapshot-encode.js';
import { copyReference, EMAILS, emptyReference, foldReference, LEARNER_IDS, learnerEventArb, learnersSeenIn, referenceSeen } from './reference-learners.js';

/**
 * The compact learner table (columns, text arena, interned lists, hash
 * indexes that compare against the arena) folds learner events exactly like
 * plain Maps do: with ids and e-mails that collide by case, by Unicode
 * normalization or in their bytes, lone surrogates, long text. So do a draft
 * over it, a frozen copy of it, and the table a snapshot of it restores.
 */
const NUM_RUNS = 120;
const PROBES = [...LEARNER_IDS, ...EMAILS, 'ghost', ''];

describe('learner table', () => {
  it(`folds learner events like plain maps (${NUM_RUNS} runs)`, () => {
    fc.assert(
      fc.property(fc.array(learnerEventArb, { maxLength: 80 }), (events) => {
        const state = emptyFoldedState();
        const reference = emptyReference();
        for (const event of events) {
          evolve(state, event);
          foldReference(reference, event);
        }
        expect(learnersSeenIn(state, PROBES)).toEqual(referenceSeen(reference, PROBES));
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it(`a draft folds like a copy and leaves its base as it was; a frozen copy never sees later folds (${NUM_RUNS} runs)`, () => {
    fc.assert(
      fc.property(fc.array(learnerEventArb, { maxLength: 50 }), fc.array(learnerEventArb, { maxLength: 30 }), fc.boolean(), (before, after, nested) => {
        const state = emptyFoldedState();
        const reference = emptyReference();
        for (const event of before) {
          evolve(state, event);
          foldReference(reference, event);
        }
        const frozen = frozenCopy(state);
        const draft = nested ? draftOf(draftOf(state)) : draftOf(state);
        const drafted = copyReference(reference);
        for (const event of after) {
          evolve(draft, event);
          foldReference(drafted, event);
        }
        expect(learnersSeenIn(draft, PROBES)).toEqual(referenceSeen(drafted, PROBES));
        expect(learnersSeenIn(state, PROBES)).toEqual(referenceSeen(reference, PROBES));
        // The base moves on; the frozen copy stays where it was taken.
        for (const event of after) evolve(state, event);
        expect(learnersSeenIn(state, PROBES)).toEqual(referenceSeen(drafted, PROBES));
        expect(learnersSeenIn(frozen, PROBES)).toEqual(referenceSeen(reference, PROBES));
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it(`a snapshot of any state restores the same learners and indexes (${NUM_RUNS} runs)`, async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(learnerEventArb, { maxLength: 60 }), fc.array(learnerEventArb, { maxLength: 10 }), async (events, later) => {
        const state = emptyFoldedState();
        const reference = emptyReference();
        const commands = new CommandIndex();
        events.forEach((event, i) => {
          evolve(state, event);
          foldReference(reference, event);
          commands.track(`c-${Math.floor(i / 2)}`, i + 1);
        });
        const capture = captureSnapshot(state, commands);
        // Folding on after the capture changes nothing the snapshot holds.
        for (const event of later) evolve(state, event);
        const decoded = await decodeSnapshot(await encodeSnapshot(capture, { rowsPerTurn: 7 }));
        expect(E.isRight(decoded)).toBe(true);
        if (E.isLeft(decoded)) return;
        expect(learnersSeenIn(decoded.right.state, PROBES)).toEqual(referenceSeen(reference, PROBES));
        expect(decoded.right.commands.size).toBe(commands.size);
        expect(decoded.right.commands.lastVersion).toBe(events.length);
        // And the restored table folds on like the reference.
        const continued = copyReference(reference);
        for (const event of later) {
          evolve(decoded.right.state, event);
          foldReference(continued, event);
        }
        expect(learnersSeenIn(decoded.right.state, PROBES)).toEqual(referenceSeen(continued, PROBES));
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('keeps a learner whose text is bigger than an arena page, and compacts text rewritten many times', async () => {
    const state = emptyFoldedState();
    const huge = 'ü'.repeat(40_000); // 80,000 bytes of UTF-8: a record bigger than a 64 KB page
    const register = (learnerId: string, firstName: string): DomainEvent => ({
      type: 'LearnerRegistered',
      data: { learnerId, email: `${learnerId}@x.io`, firstName, lastName: 'B', employeeId: null, status: 'active' },
    });
    for (const event of [register('a', 'Ada'), register('big', huge), register('c', 'Cy')]) evolve(state, event);
    expect(state.learners.get('big')?.firstName).toBe(huge);
    // Rewrite one learner's names until the rewritten records outgrow the live ones several times over.
    for (let i = 0; i < 3000; i++) evolve(state, { type: 'LearnerProfileUpdated', data: { learnerId: 'a', changes: { lastName: `Name ${i} ${'z'.repeat(900)}` } } });
    expect(state.learners.byteSize).toBeLessThan(8_000_000);
    const all = [...state.learners.values()].map((learner: LearnerRecord) => [learner.learnerId, learner.firstName.length, learner.lastName.slice(0, 9)]);
    expect(all).toEqual([
      ['a', 3, 'Name 2999'],
      ['big', 40_000, 'B'],
      ['c', 2, 'B'],
    ]);
    expect(state.learnerIdsByEmail.get('big@x.io')).toBe('big');
    const decoded = await decodeSnapshot(await encodeSnapshot(captureSnapshot(state, new CommandIndex())));
    expect(E.isRight(decoded) && decoded.right.state.learners.get('big')?.firstName).toBe(huge);
  });

  it('moves an e-mail index entry with its learner when the e-mail changes, and points an address only at the learner who has it', () => {
    const state = emptyFoldedState();
    for (const learnerId of ['a', 'b']) {
      evolve(state, { type: 'LearnerRegistered', data: { learnerId, email: `${learnerId}@x.io`, firstName: 'F', lastName: 'L', employeeId: null, status: 'active' } });
    }
    state.learners.update('a', { email: 'New@X.io' });
    expect(state.learnerIdsByEmail.get('a@x.io')).toBeUndefined();
    expect(state.learnerIdsByEmail.get('new@x.io')).toBe('a');
    expect([...state.learnerIdsByEmail.entries()]).toEqual([
      ['new@x.io', 'a'],
      ['b@x.io', 'b'],
    ]);
    expect(() => state.learnerIdsByEmail.set('b@x.io', 'a')).toThrow(/does not have/);
    expect(state.learnerIdsByEmail.get('b@x.io')).toBe('b');
  });

  it('deletes a learner like a map: gone by id, still in the e-mail index, back at the end when added again', () => {
    const table = LearnerTable.empty();
    const learner = (learnerId: string): LearnerRecord => ({
      learnerId,
      email: `${learnerId}@x.io`,
      firstName: 'F',
      lastName: 'L',
      employeeId: null,
      status: 'active',
      licenseId: null,
      teams: [],
      teamsBeforeDeactivation: [],
      activityCount: 0,
    });
    for (const id of ['a', 'b', 'c']) table.add(learner(id));
    table.pointEmail('a@x.io', 'a');
    expect(table.delete('a')).toBe(true);
    expect(table.delete('a')).toBe(false);
    expect([...table.keys()]).toEqual(['b', 'c']);
    expect(table.size).toBe(2);
    expect(table.get('a')).toBeUndefined();
    expect(table.emailRow('a@x.io')).toBe(0);
    table.add({ ...learner('a'), firstName: 'Again' });
    expect([...table.keys()]).toEqual(['b', 'c', 'a']);
    expect(table.get('a')?.firstName).toBe('Again');
  });
});
