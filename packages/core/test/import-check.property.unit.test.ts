import fc from 'fast-check';
import * as E from 'fp-ts/lib/Either.js';
import { decide, decideImportOperations, draftOf, type Command, type ImportOperation, type OrganizationState, type Outcome } from '../src/index.js';
import { eventsOf, foldEvents } from '../src/testing/index.js';
import { NOW, ctx } from './support.js';

/**
 * The check an import runs before it writes anything asks the decider the
 * same questions the applied batches will: deciding a file's operations in
 * batches, one after another on one draft, gives every line the outcome one
 * `ApplyImportBatch` with `partial` gives it, and leaves the organization
 * itself as it was.
 */
const RUNS = 200;

const opArb = (line: number): fc.Arbitrary<ImportOperation[]> =>
  fc.oneof(
    fc.record({ id: fc.integer({ min: 0, max: 9 }), mail: fc.integer({ min: 0, max: 9 }), active: fc.boolean() }).map(({ id, mail, active }) => [
      { op: 'register' as const, line, learnerId: `N${id}`, email: `m${mail}@acme.test`, firstName: 'F', lastName: 'L', teams: active ? ['sales'] : [], active },
    ]),
    fc.integer({ min: 0, max: 5 }).map((id) => [{ op: 'deactivate' as const, line, learnerId: `L${id}` }]),
    fc.integer({ min: 0, max: 5 }).map((id) => [{ op: 'reactivate' as const, line, learnerId: `L${id}` }]),
    fc.record({ id: fc.integer({ min: 0, max: 5 }), mail: fc.integer({ min: 0, max: 9 }) }).map(({ id, mail }) => [{ op: 'update' as const, line, learnerId: `L${id}`, changes: { email: `m${mail}@acme.test` } }]),
    // One line, two operations: a profile change and a deactivation.
    fc.record({ id: fc.integer({ min: 0, max: 5 }), mail: fc.integer({ min: 0, max: 9 }) }).map(({ id, mail }) => [
      { op: 'update' as const, line, learnerId: `L${id}`, changes: { email: `m${mail}@acme.test` } },
      { op: 'deactivate' as const, line, learnerId: `L${id}` },
    ]),
  );

const fileArb = fc.integer({ min: 1, max: 25 }).chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => opArb(i + 2))).map((lines) => lines.flat()));

const organization = (seats: number, inactive: readonly boolean[]): OrganizationState => {
  const commands: Command[] = [
    { type: 'OnboardOrganization', orgId: 'acme', name: 'Acme', seats, timeZone: 'UTC' },
    { type: 'CreateTeam', orgId: 'acme', name: 'Sales' },
    ...inactive.map((off, i): Command => ({ type: 'RegisterLearner', orgId: 'acme', learnerId: `L${i}`, email: `l${i}@acme.test`, firstName: 'F', lastName: 'L', teams: off ? [] : ['sales'], active: !off })),
    { type: 'RecordImportReceived', orgId: 'acme', importId: 'imp-1', fileName: 'f.csv', sha256: 'ab'.repeat(32), format: 'data-services', targetTeamId: 'sales', rowCount: 1, schedule: 'now', dueAt: NOW, options: { partial: true, fullSync: false, allowMassDeactivation: false, move: true } },
  ];
  return foldEvents(eventsOf(commands, ctx));
};

/** Where each operation's line ended: applied, skipped or refused (with the code). */
const verdicts = (outcomes: readonly Outcome[]): string[] => outcomes.map((o) => `${o.line}:${o.status}${o.status === 'rejected' ? `:${o.code}` : ''}`);

test(`checking a file in batches on one draft gives each line the outcome the applied batch gives it (${RUNS} runs)`, () => {
  fc.assert(
    fc.property(fc.integer({ min: 6, max: 9 }), fc.array(fc.boolean(), { minLength: 6, maxLength: 6 }), fileArb, fc.integer({ min: 1, max: 8 }), (seats, inactive, operations, chunk) => {
      const state = organization(seats, inactive);
      const before = [...state.learners.values()];
      const applied = decide({ type: 'ApplyImportBatch', orgId: 'acme', importId: 'imp-1', operations, lines: [], partial: true }, state, ctx);
      if (E.isLeft(applied)) throw new Error(applied.left.message);

      const draft = draftOf(state);
      const checked: Outcome[] = [];
      // Cut between lines, never inside one: a line's operations stay together, as the batches keep them.
      let batch: ImportOperation[] = [];
      for (const op of operations) {
        if (batch.length >= chunk && batch[batch.length - 1]!.line !== op.line) {
          checked.push(...decideImportOperations(draft, batch, NOW).outcomes);
          batch = [];
        }
        batch.push(op);
      }
      checked.push(...decideImportOperations(draft, batch, NOW).outcomes);

      expect(verdicts(checked)).toEqual(verdicts(applied.right.outcomes));
      expect([...state.learners.values()]).toEqual(before);
      expect(draft.licensesInUse).toBeLessThanOrEqual(seats);
    }),
    { numRuns: RUNS },
  );
});
