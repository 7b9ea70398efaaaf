import * as E from 'fp-ts/lib/Either.js';
import {
  createLedger,
  deserializeOrganizationState,
  InMemoryEventStore,
  InMemorySnapshotStore,
  scimDeactivationsWithinHour,
  serializeOrganizationState,
  type Command,
  type CommandContext,
  type CommandResult,
  type Ledger,
} from '../src/index.js';
import { adminContext, givenCommands } from '../src/testing/index.js';
import { learner, onboard } from './support.js';

const T0 = Date.parse('2026-03-02T09:00:00.000Z');
const at = (minutes: number): string => new Date(T0 + minutes * 60_000).toISOString();
const scim = (now: string): CommandContext => ({ actor: { kind: 'connector', id: 'okta' }, channel: 'scim', now });
const deactivate = (...learnerIds: string[]): Command => ({ type: 'DeactivateLearners', orgId: 'acme', learnerIds });

/** acme with `size` active learners L0…, registered at T0 - 2h. */
const organization = async (size: number, options: Parameters<typeof createLedger>[0] = { store: new InMemoryEventStore() }): Promise<Ledger> => {
  const ledger = createLedger(options);
  for (const c of [onboard('acme', size), ...Array.from({ length: size }, (_, i) => learner(`L${i}`))]) {
    const result = await ledger.execute(c, adminContext({ now: at(-120) }));
    if (E.isLeft(result)) throw new Error(result.left.message);
  }
  return ledger;
};

const run = async (ledger: Ledger, command: Command, context: CommandContext): Promise<CommandResult> => {
  const result = await ledger.execute(command, context);
  if (E.isLeft(result)) throw new Error(`${result.left.code}: ${result.left.message}`);
  return result.right;
};
const statusOf = (result: CommandResult): string => result.outcomes.map((outcome) => (outcome.status === 'rejected' ? outcome.code : outcome.status)).join(',');
const state = async (ledger: Ledger) => {
  const s = await ledger.state('acme');
  if (E.isLeft(s)) throw new Error(s.left.message);
  return s.right;
};

describe('the SCIM mass-deactivation guard', () => {
  it('applies 10 SCIM deactivations of 50 learners within the hour, holds the 11th with MASS_DEACTIVATION_GUARD and records the hold once', async () => {
    const ledger = await organization(50);
    for (let i = 0; i < 10; i++) expect(statusOf(await run(ledger, deactivate(`L${i}`), scim(at(i * 5))))).toBe('applied');
    const held = await run(ledger, deactivate('L10'), scim(at(50)));
    expect(statusOf(held)).toBe('MASS_DEACTIVATION_GUARD');
    expect(held.events.map((change) => change.event)).toEqual([
      { type: 'ScimDeactivationsHeld', data: { learnerIds: ['L10'], deactivations: 10, activeLearners: 50, limit: { share: 0.2, minimum: 10 } } },
    ]);
    const rejected = held.outcomes[0]!;
    expect(rejected.message).toMatch(/10 within the last hour and 1 more would be 22\.0% of the 50 learners active when the hour began.*scim allow-deactivations acme/);
    // Held: refused again, with nothing more written; the learner stays active.
    const again = await run(ledger, deactivate('L11'), scim(at(51)));
    expect(statusOf(again)).toBe('MASS_DEACTIVATION_GUARD');
    expect(again.events).toEqual([]);
    expect((await state(ledger)).learners.get('L10')?.status).toBe('active');
    expect((await state(ledger)).licensesInUse).toBe(40);
  });

  it('stays held after the hour has passed, until an administrator allows', async () => {
    const ledger = await organization(50);
    for (let i = 0; i < 11; i++) await run(ledger, deactivate(`L${i}`), scim(at(i)));
    expect(statusOf(await run(ledger, deactivate('L20'), scim(at(300))))).toBe('MASS_DEACTIVATION_GUARD');
    expect((await run(ledger, { type: 'AllowScimDeactivations', orgId: 'acme' }, adminContext({ now: at(301) }))).events.map((c) => c.event)).toEqual([
      { type: 'ScimDeactivationsAllowed', data: {} },
    ]);
    // Counting starts again from the release: 20% of the 40 still active is 8, so 9 pass (under the minimum of 10) and the 10th (25%) is held.
    for (let i = 20; i < 29; i++) expect(statusOf(await run(ledger, deactivate(`L${i}`), scim(at(302 + i))))).toBe('applied');
    expect(statusOf(await run(ledger, deactivate('L29'), scim(at(340))))).toBe('MASS_DEACTIVATION_GUARD');
  });

  it('measures a sliding hour: deactivations older than an hour no longer count', async () => {
    const ledger = await organization(50);
    for (let i = 0; i < 10; i++) await run(ledger, deactivate(`L${i}`), scim(at(0)));
    expect(scimDeactivationsWithinHour((await state(ledger)).scimGuard, at(60))).toBe(10);
    expect(scimDeactivationsWithinHour((await state(ledger)).scimGuard, at(61))).toBe(0);
    // 61 minutes later the ten are out of the window; 10 of the 40 left is 25%, but 9 are under the minimum.
    for (let i = 10; i < 19; i++) expect(statusOf(await run(ledger, deactivate(`L${i}`), scim(at(61))))).toBe('applied');
  });

  it('guards the scim channel only: the other channels deactivate as many as asked', async () => {
    const ledger = await organization(50);
    const all = Array.from({ length: 30 }, (_, i) => `L${i}`);
    expect(statusOf(await run(ledger, deactivate(...all), adminContext({ channel: 'learner-draft', now: at(0) })))).toBe(Array(30).fill('applied').join(','));
    expect((await state(ledger)).scimGuard.minutes).toEqual([]);
  });

  it('does not count a retried deactivation twice, and answers it as done even while held', async () => {
    const ledger = await organization(50);
    for (let i = 0; i < 10; i++) {
      await run(ledger, deactivate(`L${i}`), scim(at(i)));
      expect(statusOf(await run(ledger, deactivate(`L${i}`), scim(at(i))))).toBe('skipped');
    }
    expect(scimDeactivationsWithinHour((await state(ledger)).scimGuard, at(10))).toBe(10);
    expect(statusOf(await run(ledger, deactivate('L10'), scim(at(11))))).toBe('MASS_DEACTIVATION_GUARD');
    expect(statusOf(await run(ledger, deactivate('L3'), scim(at(12))))).toBe('skipped');
  });

  it('holds a command of several learners as a whole: none of them is switched off', async () => {
    const ledger = await organization(50);
    const twelve = Array.from({ length: 12 }, (_, i) => `L${i}`);
    const held = await run(ledger, deactivate(...twelve), scim(at(0)));
    expect(statusOf(held)).toBe(Array(12).fill('MASS_DEACTIVATION_GUARD').join(','));
    expect(held.events.map((change) => change.event.type)).toEqual(['ScimDeactivationsHeld']);
    expect((await state(ledger)).licensesInUse).toBe(50);
  });

  it('an allowance for a number lets that many more pass uncounted; one for a while lets every one pass until it ends', async () => {
    const ledger = await organization(50);
    for (let i = 0; i < 11; i++) await run(ledger, deactivate(`L${i}`), scim(at(0)));
    await run(ledger, { type: 'AllowScimDeactivations', orgId: 'acme', count: 5 }, adminContext({ now: at(1) }));
    for (let i = 10; i < 15; i++) expect(statusOf(await run(ledger, deactivate(`L${i}`), scim(at(2))))).toBe('applied');
    expect((await state(ledger)).scimGuard).toMatchObject({ held: false, allowedCount: 0, minutes: [] });
    const ledger2 = await organization(50);
    for (let i = 0; i < 11; i++) await run(ledger2, deactivate(`L${i}`), scim(at(0)));
    await run(ledger2, { type: 'AllowScimDeactivations', orgId: 'acme', forMinutes: 30 }, adminContext({ now: at(1) }));
    expect((await state(ledger2)).scimGuard.allowedUntil).toBe(at(31));
    for (let i = 10; i < 40; i++) expect(statusOf(await run(ledger2, deactivate(`L${i}`), scim(at(2 + (i % 20)))))).toBe('applied');
    // After the allowance: counted again, from the 10 learners still active; 9 pass under the minimum, the 10th is held.
    for (let i = 40; i < 49; i++) expect(statusOf(await run(ledger2, deactivate(`L${i}`), scim(at(40))))).toBe('applied');
    expect(statusOf(await run(ledger2, deactivate('L49'), scim(at(41))))).toBe('MASS_DEACTIVATION_GUARD');
  });

  it('refuses an allowance for a while and a number at once, or out of bounds', () => {
    const given = givenCommands([onboard('acme', 1)]);
    const allow = (extra: object): Command => ({ type: 'AllowScimDeactivations', orgId: 'acme', ...extra });
    for (const extra of [{ forMinutes: 10, count: 2 }, { forMinutes: 0 }, { forMinutes: 30 * 24 * 60 + 1 }, { forMinutes: 1.5 }, { count: 0 }, { count: -3 }]) {
      given.when(allow(extra)).thenError('INVALID_ALLOWANCE');
    }
    given.when(allow({ count: 3 })).thenEvents([{ type: 'ScimDeactivationsAllowed', data: { count: 3 } }]);
  });

  it('keeps the window, the hold and the allowance in snapshots and in the plain form of the state', async () => {
    const store = new InMemoryEventStore();
    const snapshots = new InMemorySnapshotStore();
    const first = await organization(50, { store, snapshots, snapshotEvery: 5 });
    for (let i = 0; i < 10; i++) await run(first, deactivate(`L${i}`), scim(at(i)));
    await first.flushSnapshots();
    const loaded = createLedger({ store, snapshots });
    expect(statusOf(await run(loaded, deactivate('L10'), scim(at(20))))).toBe('MASS_DEACTIVATION_GUARD');
    expect(loaded.snapshotCounters().loaded).toBeGreaterThan(0);
    await run(loaded, { type: 'AllowScimDeactivations', orgId: 'acme', count: 2 }, adminContext({ now: at(21) }));
    const folded = await state(loaded);
    const round = deserializeOrganizationState(JSON.parse(JSON.stringify(serializeOrganizationState(folded))));
    if (E.isLeft(round)) throw new Error(round.left);
    expect(round.right.scimGuard).toEqual({ minutes: [], held: false, allowedUntil: null, allowedCount: 2 });
    await run(loaded, deactivate('L10'), scim(at(22)));
    const withWindow = await state(loaded);
    await run(loaded, deactivate('L11'), scim(at(23)));
    await run(loaded, deactivate('L12'), scim(at(24)));
    const counted = await state(loaded);
    expect(withWindow.scimGuard.allowedCount).toBe(1);
    expect(counted.scimGuard).toMatchObject({ allowedCount: 0, minutes: [[Math.floor(Date.parse(at(24)) / 60_000), 1]] });
    const again = deserializeOrganizationState(JSON.parse(JSON.stringify(serializeOrganizationState(counted))));
    if (E.isLeft(again)) throw new Error(again.left);
    expect(again.right.scimGuard).toEqual(counted.scimGuard);
  });
});
