import { inactiveLearnersOf, inactiveRosterProjection } from '../src/index.js';
import { deactivated, envelope, given, membership, onboarded, teamCreated } from './support.js';

const p = inactiveRosterProjection;

describe('inactive-roster projection', () => {
  test('a deactivation with move puts the learner in the roster with actor, channel and time; its reason follows', () => {
    const at = '2026-03-31T22:15:00.000Z';
    const state = given(p, [
      envelope(onboarded()),
      envelope(teamCreated('inactive-learners', 'inactive')),
      envelope(membership('0042', ['inactive-learners'], ['sales']), { occurredAt: at, channel: 'learner-profile', commandId: 'cmd-1' }),
      envelope(deactivated('0042', ['sales'], 'left the company'), { occurredAt: at, channel: 'learner-profile', commandId: 'cmd-1' }),
    ]);
    expect(inactiveLearnersOf(state, 'acme')).toEqual([
      { learnerId: '0042', since: at, actor: { kind: 'admin', id: 'jo@acme.test' }, channel: 'learner-profile', reason: 'left the company' },
    ]);
  });

  test('an import names its id, file and line', () => {
    const state = given(p, [
      envelope(onboarded()),
      envelope(membership('7', ['inactive-learners'], ['sales']), {
        actor: { kind: 'import', id: 'imp-1' },
        channel: 'data-services',
        importId: 'imp-1',
        fileName: 'learners.csv',
        line: 14,
      }),
      envelope(deactivated('7', ['sales'])),
    ]);
    expect(inactiveLearnersOf(state, 'acme')).toEqual([
      expect.objectContaining({ learnerId: '7', actor: { kind: 'import', id: 'imp-1' }, channel: 'data-services', importId: 'imp-1', fileName: 'learners.csv', line: 14 }),
    ]);
  });

  test('leaving the inactive team (a reactivation) removes the learner; other teams do not count', () => {
    const state = given(p, [
      envelope(onboarded()),
      envelope(membership('a', ['inactive-learners'])),
      envelope(membership('b', ['inactive-learners'])),
      envelope(membership('c', ['sales'])),
      envelope(membership('a', ['sales'], ['inactive-learners'])),
    ]);
    expect(inactiveLearnersOf(state, 'acme').map((l) => l.learnerId)).toEqual(['b']);
  });

  test('a deactivation without the move does not put anyone in the roster', () => {
    const state = given(p, [envelope(onboarded()), envelope(deactivated('a', [], 'no move'))]);
    expect(inactiveLearnersOf(state, 'acme')).toEqual([]);
  });

  test('an organization without an inactive team has an empty roster until a TeamCreated of kind inactive gives it one', () => {
    const before = given(p, [envelope(onboarded(5, null)), envelope(membership('a', ['anything']))]);
    expect(inactiveLearnersOf(before, 'acme')).toEqual([]);
    const after = given(p, [envelope(onboarded(5, null)), envelope(teamCreated('parked', 'inactive')), envelope(teamCreated('sales')), envelope(membership('a', ['parked']))]);
    expect(inactiveLearnersOf(after, 'acme').map((l) => l.learnerId)).toEqual(['a']);
  });

  test('joining again keeps the first "since"; the roster is sorted by since, then learner id', () => {
    const state = given(p, [
      envelope(onboarded()),
      envelope(membership('b', ['inactive-learners']), { occurredAt: '2026-03-02T10:00:00.000Z' }),
      envelope(membership('a', ['inactive-learners']), { occurredAt: '2026-03-02T10:00:00.000Z' }),
      envelope(membership('c', ['inactive-learners']), { occurredAt: '2026-03-01T10:00:00.000Z' }),
      envelope(membership('c', ['inactive-learners']), { occurredAt: '2026-03-05T10:00:00.000Z' }),
    ]);
    expect(inactiveLearnersOf(state, 'acme').map((l) => [l.learnerId, l.since])).toEqual([
      ['c', '2026-03-01T10:00:00.000Z'],
      ['a', '2026-03-02T10:00:00.000Z'],
      ['b', '2026-03-02T10:00:00.000Z'],
    ]);
  });
});
