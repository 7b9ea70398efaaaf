import * as E from 'fp-ts/lib/Either.js';
import fc from 'fast-check';
import { createLedger, InMemoryEventStore, type Command, type DomainError } from '../src/index.js';
import { adminContext } from '../src/testing/index.js';
import { acme, learner, onboard, team } from './support.js';

const right = <T>(result: E.Either<DomainError, T>): T => {
  if (E.isLeft(result)) throw new Error(`${result.left.code}: ${result.left.message}`);
  return result.right;
};

const SHA = 'ab'.repeat(32);
const options = { partial: false, fullSync: false, allowMassDeactivation: false, move: true };

/** Commands of every kind, run in order on `acme` with 5 seats; each applies (events) the first time. */
const COMMANDS: [string, Command][] = [
  ['create a team', team('Marketing')],
  ['register, active, on a team', learner('0003', { teams: ['sales'] })],
  ['register, inactive', learner('0004', { active: false })],
  ['deactivate with the move', { type: 'DeactivateLearners', orgId: 'acme', learnerIds: ['0001'] }],
  ['deactivate, partial, one unknown and one inactive', { type: 'DeactivateLearners', orgId: 'acme', learnerIds: ['0002', 'ghost', '0004'], partial: true }],
  ['reactivate', { type: 'ReactivateLearner', orgId: 'acme', learnerId: '0001' }],
  ['change teams', { type: 'ChangeTeamMembership', orgId: 'acme', learnerId: '0001', add: ['marketing'] }],
  ['update a profile', { type: 'UpdateLearnerProfile', orgId: 'acme', learnerId: '0001', changes: { firstName: 'Ada' } }],
  ['record activity', { type: 'RecordActivity', orgId: 'acme', learnerId: '0002', activityId: 'a-1', kind: 'completion', courseId: 'c-1' }],
  ['resize the pool', { type: 'ResizeLicensePool', orgId: 'acme', seats: 6 }],
  ['schedule a deactivation', { type: 'ScheduleDeactivation', orgId: 'acme', scheduleId: 's-1', learnerIds: ['0003'], effectiveAt: '2026-12-01' }],
  [
    'receive an import',
    { type: 'RecordImportReceived', orgId: 'acme', importId: 'imp-1', fileName: 'l.csv', sha256: SHA, format: 'data-services', targetTeamId: 'sales', rowCount: 2, schedule: 'now', dueAt: '2026-03-02T09:00:00.000Z', options },
  ],
  [
    'apply an import batch',
    {
      type: 'ApplyImportBatch',
      orgId: 'acme',
      importId: 'imp-1',
      operations: [{ op: 'deactivate', line: 2, learnerId: '0003', move: { removeFrom: 'all' } }],
      lines: [{ line: 2, learnerId: '0003', action: 'deactivate' }, { line: 3, learnerId: '0001', action: 'unchanged' }],
    },
  ],
];

describe('ledger: a repeated command id answers with the outcomes of its first run', () => {
  it.each(COMMANDS.map(([name], index) => [name, index] as const))('%s', async (_name, index) => {
    const store = new InMemoryEventStore();
    const ledger = createLedger({ store });
    for (const command of [onboard('acme', 5), ...acme(5).slice(1)]) right(await ledger.execute(command, adminContext()));
    for (const [at, [, command]] of COMMANDS.entries()) {
      if (at > index) break;
      const first = right(await ledger.execute(command, adminContext({ commandId: `c-${at}` })));
      if (at < index) continue;
      expect(first.status).toBe('applied');
      expect(first.outcomes.length).toBeGreaterThan(0);
      // Again in this process, and from a ledger that starts from the store alone (another process).
      for (const again of [ledger, createLedger({ store })]) {
        const repeated = right(await again.execute(command, adminContext({ commandId: `c-${at}` })));
        expect(repeated.status).toBe('duplicate');
        expect(repeated.outcomes).toEqual(first.outcomes);
      }
    }
  });

  it('records nothing beside the events when they tell the outcomes themselves', async () => {
    const ledger = createLedger({ store: new InMemoryEventStore() });
    for (const command of acme(5)) right(await ledger.execute(command, adminContext()));
    const plain: Command[] = [learner('0003', { teams: ['sales'] }), { type: 'DeactivateLearners', orgId: 'acme', learnerIds: ['0001', '0002'] }, { type: 'ReactivateLearner', orgId: 'acme', learnerId: '0001' }, team('Ops')];
    for (const command of plain) {
      const result = right(await ledger.execute(command, adminContext()));
      expect(result.events.map((e) => e.metadata.outcomes)).toEqual(result.events.map(() => undefined));
    }
    const partial = right(await ledger.execute({ type: 'DeactivateLearners', orgId: 'acme', learnerIds: ['0003', 'ghost'], partial: true }, adminContext()));
    expect(partial.events[0]!.metadata.outcomes).toEqual(partial.outcomes);
  });

  it('for random commands, a repeat from another ledger has the first run’s outcomes', async () => {
    const id = fc.constantFrom('0001', '0002', 'L1', 'L2', 'ghost');
    const command: fc.Arbitrary<Command> = fc.oneof(
      fc.record({ learnerId: id, active: fc.boolean(), teams: fc.subarray(['sales', 'support']) }).map(({ learnerId, active, teams }) => learner(learnerId, { active, teams: active ? teams : [] })),
      fc.record({ ids: fc.uniqueArray(id, { minLength: 1, maxLength: 3 }), partial: fc.boolean(), move: fc.constantFrom(undefined, null) }).map(
        ({ ids, partial, move }): Command => ({ type: 'DeactivateLearners', orgId: 'acme', learnerIds: ids, partial, ...(move === null ? { move } : {}) }),
      ),
      id.map((learnerId): Command => ({ type: 'ReactivateLearner', orgId: 'acme', learnerId })),
      fc.record({ learnerId: id, add: fc.subarray(['sales', 'support']) }).map(({ learnerId, add }): Command => ({ type: 'ChangeTeamMembership', orgId: 'acme', learnerId, add })),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(command, { minLength: 1, maxLength: 12 }), async (commands) => {
        const store = new InMemoryEventStore();
        const ledger = createLedger({ store });
        for (const setup of acme(4)) right(await ledger.execute(setup, adminContext()));
        for (const [index, next] of commands.entries()) {
          const first = await ledger.execute(next, adminContext({ commandId: `c-${index}` }));
          if (E.isLeft(first) || first.right.status !== 'applied') continue;
          const repeated = right(await createLedger({ store }).execute(next, adminContext({ commandId: `c-${index}` })));
          expect(repeated.outcomes).toEqual(first.right.outcomes);
        }
      }),
      { numRuns: 60 },
    );
  });
});
