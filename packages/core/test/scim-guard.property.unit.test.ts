import * as E from 'fp-ts/lib/Either.js';
import fc from 'fast-check';
import { createLedger, decodeEvent, InMemoryEventStore, readAllBatches, type Command, type CommandContext, type EventEnvelope } from '../src/index.js';
import { adminContext } from '../src/testing/index.js';
import { learner, onboard } from './support.js';

const T0 = Date.parse('2026-03-02T09:00:00.000Z');
const HOUR = 3_600_000;

type Step =
  | { readonly kind: 'deactivate'; readonly learner: number; readonly gapMs: number }
  | { readonly kind: 'allow'; readonly allowance: { forMinutes?: number; count?: number }; readonly gapMs: number };

const gapArb = fc.oneof({ weight: 3, arbitrary: fc.integer({ min: 0, max: 3 * 60_000 }) }, { weight: 1, arbitrary: fc.integer({ min: 0, max: 40 * 60_000 }) });
const stepArb = (size: number): fc.Arbitrary<Step> =>
  fc.oneof(
    { weight: 12, arbitrary: fc.record({ kind: fc.constant('deactivate' as const), learner: fc.nat(size - 1), gapMs: gapArb }) },
    {
      weight: 1,
      arbitrary: fc.record({
        kind: fc.constant('allow' as const),
        allowance: fc.oneof(fc.constant({}), fc.record({ count: fc.integer({ min: 1, max: 8 }) }), fc.record({ forMinutes: fc.integer({ min: 1, max: 40 }) })),
        gapMs: gapArb,
      }),
    },
  );
const scenarioArb = fc.integer({ min: 12, max: 70 }).chain((size) => fc.record({ size: fc.constant(size), steps: fc.array(stepArb(size), { minLength: 1, maxLength: 60 }) }));

const exceeds = (deactivations: number, activeAtStart: number): boolean => deactivations >= 10 && deactivations / activeAtStart > 0.2;

/**
 * On the log a run wrote: no sliding hour holds more SCIM deactivations
 * than the threshold of the learners active when it began, counting only
 * those no allowance covered and only since the last release; a hold is
 * recorded at most once per release, and nothing passes it uncovered.
 */
const checkLog = (envelopes: readonly EventEnvelope[]): void => {
  const active = new Set<string>();
  let uncovered: number[] = [];
  let until: number | undefined;
  let count = 0;
  let held = false;
  for (const { event, metadata } of envelopes) {
    const t = Date.parse(metadata.occurredAt);
    if (event.type === 'LearnerRegistered' && event.data.status === 'active') active.add(event.data.learnerId);
    if (event.type === 'ScimDeactivationsAllowed') {
      uncovered = [];
      held = false;
      until = event.data.until !== undefined ? Date.parse(event.data.until) : undefined;
      count = event.data.count ?? 0;
    }
    if (event.type === 'ScimDeactivationsHeld') {
      expect(held).toBe(false);
      held = true;
    }
    if (event.type === 'LearnerDeactivated') {
      const activeBefore = active.size;
      active.delete(event.data.learnerId);
      if (metadata.channel !== 'scim') continue;
      if (until !== undefined && t < until) continue;
      if (count > 0) {
        count--;
        continue;
      }
      expect(held).toBe(false);
      const withinHour = [...uncovered.filter((u) => u >= t - HOUR), t];
      expect(exceeds(withinHour.length, activeBefore + withinHour.length - 1)).toBe(false);
      uncovered.push(t);
    }
  }
};

describe('the SCIM mass-deactivation guard (property)', () => {
  it('never lets more than the threshold through in any sliding hour without an allowance; allowed ones pass; a hold begins exactly as documented and lasts until a release', async () => {
    await fc.assert(
      fc.asyncProperty(scenarioArb, async ({ size, steps }) => {
        const store = new InMemoryEventStore();
        const ledger = createLedger({ store });
        const setup = adminContext({ now: new Date(T0 - HOUR).toISOString() });
        await ledger.execute(onboard('acme', size), setup);
        await Promise.all(Array.from({ length: size }, (_, i) => ledger.execute(learner(`L${i}`), setup)));
        const status = new Map<string, 'active' | 'inactive'>(Array.from({ length: size }, (_, i) => [`L${i}`, 'active'] as const));
        // The test's own account of the allowances: what must pass.
        let until: number | undefined;
        let countLeft = 0;
        let sinceRelease: number[] = [];
        let held = false;
        let now = T0;
        for (const step of steps) {
          now += step.gapMs;
          const iso = new Date(now).toISOString();
          if (step.kind === 'allow') {
            const command: Command = { type: 'AllowScimDeactivations', orgId: 'acme', ...step.allowance };
            const result = await ledger.execute(command, adminContext({ now: iso }));
            expect(E.isRight(result)).toBe(true);
            until = step.allowance.forMinutes !== undefined ? now + step.allowance.forMinutes * 60_000 : undefined;
            countLeft = step.allowance.count ?? 0;
            sinceRelease = [];
            held = false;
            continue;
          }
          const learnerId = `L${step.learner}`;
          const context: CommandContext = { actor: { kind: 'connector', id: 'okta' }, channel: 'scim', now: iso };
          const result = await ledger.execute({ type: 'DeactivateLearners', orgId: 'acme', learnerIds: [learnerId] }, context);
          if (E.isLeft(result)) throw new Error(result.left.message);
          const outcome = result.right.outcomes[0]!;
          if (status.get(learnerId) === 'inactive') {
            expect(outcome.status).toBe('skipped');
            continue;
          }
          const allowed = (until !== undefined && now < until) || countLeft > 0;
          if (allowed) {
            expect(outcome.status).toBe('applied');
            if (!(until !== undefined && now < until)) countLeft--;
          } else if (held) {
            // A hold lasts until a release, however long ago it began.
            expect(outcome).toMatchObject({ status: 'rejected', code: 'MASS_DEACTIVATION_GUARD' });
          } else {
            // Exactly the documented rule: the SCIM deactivations since the release within the last 60 whole minutes, of the learners active now and those.
            const minute = Math.floor(now / 60_000);
            const inHour = sinceRelease.filter((t) => Math.floor(t / 60_000) >= minute - 60).length;
            const activeNow = [...status.values()].filter((s) => s === 'active').length;
            const over = exceeds(inHour + 1, activeNow + inHour);
            expect(outcome.status === 'rejected' ? outcome.code : outcome.status).toBe(over ? 'MASS_DEACTIVATION_GUARD' : 'applied');
            if (over) held = true;
            else sinceRelease.push(now);
          }
          if (outcome.status === 'applied') status.set(learnerId, 'inactive');
        }
        const envelopes: EventEnvelope[] = [];
        for await (const batch of readAllBatches(store)) {
          for (const stored of batch.events) {
            const decoded = decodeEvent(stored);
            if (E.isLeft(decoded)) throw new Error(decoded.left.message);
            envelopes.push(decoded.right);
          }
        }
        checkLog(envelopes);
      }),
      { numRuns: 60 },
    );
  });
});
