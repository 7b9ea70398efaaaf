import * as E from 'fp-ts/lib/Either.js';
import fc from 'fast-check';
import { deserializeOrganizationState, evolve, serializeOrganizationState, type DomainEvent, type EventMetadata, type OrganizationState } from '../src/index.js';
import { CommandIndex } from '../src/ledger/command-index.js';
import { draftOf, emptyFoldedState, frozenCopy } from '../src/organization/state.js';
import { InstantCodes } from '../src/organization/table/instants.js';
import { decodeSnapshot } from '../src/snapshots/snapshot-decode.js';
import { captureSnapshot, encodeSnapshot } from '../src/snapshots/snapshot-encode.js';
import { LEARNER_IDS, learnerEventArb } from './reference-learners.js';

/**
 * The instant each inactive learner became inactive is a column of the
 * learner table. Over random histories of registrations, deactivations,
 * reactivations and erasures, some with metadata (instants in every form an
 * event can carry) and some without, the folded state keeps exactly what a
 * plain Map folded by the same rules keeps, and so do a draft over it, a
 * frozen copy, the plain form read back and a snapshot read back.
 */
const NUM_RUNS = 150;
const PROBES = [...LEARNER_IDS, 'ghost'];

/** Instants as events carry them: `toISOString`'s form, without milliseconds, and others read back as they were written. */
const instantArb = fc.oneof(
  fc.integer({ min: Date.UTC(1969, 0, 1), max: Date.UTC(2100, 0, 1) }).map((ms) => new Date(ms).toISOString()),
  fc.integer({ min: 0, max: 4_000_000_000 }).map((s) => new Date(s * 1000).toISOString().replace('.000Z', 'Z')),
  fc.constantFrom('2026-03-31T12:00:00.5Z', '2026-03-31T12:00:00.123456Z', '2026-03-31T14:00:00+02:00', '0000-01-01T00:00:00.000Z', '9999-12-31T23:59:59.999Z', '+010000-01-01T00:00:00.000Z', 'not an instant', ''),
);

const erasedArb = fc.constantFrom(...LEARNER_IDS).map((learnerId): DomainEvent => ({ type: 'LearnerPersonalDataErased', data: { learnerId, reason: 'retention over' } }));
const stepArb = fc.record({
  event: fc.oneof({ weight: 5, arbitrary: learnerEventArb }, { weight: 1, arbitrary: erasedArb }),
  occurredAt: fc.option(instantArb, { nil: undefined }),
});
type Step = { event: DomainEvent; occurredAt: string | undefined };

const metadataOf = (occurredAt: string | undefined): EventMetadata | undefined =>
  occurredAt === undefined ? undefined : ({ eventId: 'e', occurredAt, orgId: 'acme', commandId: 'c', correlationId: 'c', causationId: 'c', channel: 'api', actor: { type: 'system', id: 'test' } } as unknown as EventMetadata);

/** The rules the fold keeps instants by, over a Map and a set of known learners. */
const foldReference = (reference: Map<string, string>, known: Set<string>, { event, occurredAt }: Step): void => {
  switch (event.type) {
    case 'LearnerRegistered':
      known.add(event.data.learnerId);
      if (event.data.status === 'inactive' && occurredAt !== undefined) reference.set(event.data.learnerId, occurredAt);
      else reference.delete(event.data.learnerId);
      return;
    case 'LearnerDeactivated':
      if (known.has(event.data.learnerId) && occurredAt !== undefined) reference.set(event.data.learnerId, occurredAt);
      return;
    case 'LearnerReactivated':
      if (known.has(event.data.learnerId)) reference.delete(event.data.learnerId);
      return;
    default:
      return;
  }
};

const start = () => {
  const state = emptyFoldedState();
  evolve(state, { type: 'OrganizationOnboarded', data: { orgId: 'acme', name: 'Acme', seats: 5, timeZone: 'UTC', connector: 'none', inactiveTeamId: null, dailyImportTime: '02:00' } });
  return state;
};

const seen = (state: OrganizationState) => ({
  entries: [...state.inactiveSince.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
  size: state.inactiveSince.size,
  probes: PROBES.map((id) => [state.inactiveSince.get(id), state.inactiveSince.has(id)]),
});
const expected = (reference: Map<string, string>) => ({
  entries: [...reference.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
  size: reference.size,
  probes: PROBES.map((id) => [reference.get(id), reference.has(id)]),
});

describe('inactive learners’ instants in the learner table', () => {
  it(`fold like a Map of instants, in a draft and a frozen copy too (${NUM_RUNS} runs)`, () => {
    fc.assert(
      fc.property(fc.array(stepArb, { maxLength: 60 }), fc.array(stepArb, { maxLength: 30 }), (before, after) => {
        const state = start();
        const reference = new Map<string, string>();
        const known = new Set<string>();
        for (const step of before) {
          evolve(state, step.event, metadataOf(step.occurredAt));
          foldReference(reference, known, step);
        }
        expect(seen(state)).toEqual(expected(reference));
        const frozen = frozenCopy(state);
        const frozenReference = new Map(reference);
        const draft = draftOf(state);
        const draftReference = new Map(reference);
        const draftKnown = new Set(known);
        for (const step of after) {
          evolve(draft, step.event, metadataOf(step.occurredAt));
          foldReference(draftReference, draftKnown, step);
        }
        expect(seen(draft)).toEqual(expected(draftReference));
        expect(seen(state)).toEqual(expected(reference));
        for (const step of after) {
          evolve(state, step.event, metadataOf(step.occurredAt));
          foldReference(reference, known, step);
        }
        expect(seen(state)).toEqual(expected(reference));
        expect(seen(frozen)).toEqual(expected(frozenReference));
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it(`come back exactly from the plain form and from a snapshot (${NUM_RUNS} runs)`, async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(stepArb, { maxLength: 60 }), async (steps) => {
        const state = start();
        for (const step of steps) evolve(state, step.event, metadataOf(step.occurredAt));
        const plain = deserializeOrganizationState(JSON.parse(JSON.stringify(serializeOrganizationState(state))));
        expect(E.isRight(plain) && serializeOrganizationState(plain.right)).toEqual(serializeOrganizationState(state));
        const commands = new CommandIndex();
        commands.track('c-1', steps.length + 1);
        const decoded = await decodeSnapshot(await encodeSnapshot(captureSnapshot(state, commands)));
        expect(E.isRight(decoded) && seen(decoded.right.state)).toEqual(seen(state));
        expect(E.isRight(decoded) && serializeOrganizationState(decoded.right.state)).toEqual(serializeOrganizationState(state));
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('an instant’s code reads back as the very string it was given, and only codes it gave are known', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(instantArb, fc.string()), { maxLength: 20 }), fc.double(), (instants, other) => {
        const codes = new InstantCodes();
        const given = instants.map((instant) => codes.encode(instant));
        expect(given.map((code) => codes.decode(code))).toEqual(instants);
        expect(given.every((code) => code !== 0 && codes.knows(code))).toBe(true);
        const restored = InstantCodes.of(codes.otherInstants());
        expect(restored && given.map((code) => restored.decode(code))).toEqual(instants);
        if (!Number.isInteger(other) || -other > codes.otherInstants().length) expect(codes.knows(other)).toBe(false);
      }),
    );
  });

  it('a plain form that keeps an instant for no learner of the organization, or twice, is refused', () => {
    const state = start();
    evolve(state, { type: 'LearnerRegistered', data: { learnerId: 'L1', email: 'a@x.io', firstName: 'A', lastName: 'B', employeeId: null, status: 'inactive' } }, metadataOf('2026-01-01T00:00:00.000Z'));
    const plain = serializeOrganizationState(state);
    expect(plain.inactiveSince).toEqual([['L1', '2026-01-01T00:00:00.000Z']]);
    const ghost = deserializeOrganizationState({ ...plain, inactiveSince: [['ghost', '2026-01-01T00:00:00.000Z']] });
    expect(E.isLeft(ghost) && ghost.left).toMatch(/inactiveSince.*ghost/);
    const twice = deserializeOrganizationState({ ...plain, inactiveSince: [...plain.inactiveSince!, ['L1', '2026-02-01T00:00:00.000Z']] });
    expect(E.isLeft(twice) && twice.left).toMatch(/inactiveSince.*L1/);
  });
});
