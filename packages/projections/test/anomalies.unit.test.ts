import { anomaliesOf, anomaliesProjection } from '../src/index.js';
import { assigned, deactivated, envelope, given, membership, onboarded, reactivated, registered, released, teamCreated } from './support.js';

const p = anomaliesProjection;
const base = () => [envelope(onboarded(2)), envelope(teamCreated('inactive-learners', 'inactive')), envelope(teamCreated('sales'))];

describe('anomalies projection', () => {
  test('a normal deactivation with move leaves no anomaly', () => {
    const state = given(p, [
      ...base(),
      envelope(registered('a')),
      envelope(assigned('a')),
      envelope(membership('a', ['sales'])),
      envelope(membership('a', ['inactive-learners'], ['sales'])),
      envelope(deactivated('a', ['sales'])),
      envelope(released('a')),
    ]);
    expect(anomaliesOf(state, 'acme')).toEqual([]);
  });

  test('a deactivation without the move leaves the learner on a standard team (since the deactivation); a reactivation clears it', () => {
    const events = [...base(), envelope(registered('a')), envelope(assigned('a')), envelope(membership('a', ['sales'])), envelope(deactivated('a'), { occurredAt: '2026-03-05T10:00:00.000Z' }), envelope(released('a'))];
    expect(anomaliesOf(given(p, events), 'acme')).toEqual([
      { kind: 'deactivated-on-standard-team', learnerId: 'a', teamId: 'sales', detail: 'Learner a is inactive but still on standard team sales', since: '2026-03-05T10:00:00.000Z' },
    ]);
    expect(anomaliesOf(given(p, [...events, envelope(reactivated('a')), envelope(assigned('a'))]), 'acme')).toEqual([]);
  });

  test('an active learner in the inactive team; leaving it clears the anomaly', () => {
    const events = [...base(), envelope(registered('a')), envelope(membership('a', ['inactive-learners']))];
    expect(anomaliesOf(given(p, events), 'acme').map((a) => [a.kind, a.learnerId, a.teamId])).toEqual([['active-in-inactive-team', 'a', 'inactive-learners']]);
    expect(anomaliesOf(given(p, [...events, envelope(membership('a', [], ['inactive-learners']))]), 'acme')).toEqual([]);
  });

  test('an inactive learner holding a license (e.g. an old deactivation with no release)', () => {
    const state = given(p, [...base(), envelope(registered('a')), envelope(assigned('a', 'L-1')), envelope(deactivated('a'))]);
    expect(anomaliesOf(state, 'acme').map((a) => [a.kind, a.learnerId, a.detail])).toEqual([
      ['license-held-by-inactive-learner', 'a', 'Learner a is inactive but still holds license L-1'],
    ]);
  });

  test('licenses in use above seats: opens on assignment or shrink, detail follows, closes on release or growth', () => {
    const events = [...base(), ...['a', 'b', 'c'].flatMap((id) => [envelope(registered(id)), envelope(assigned(id))])];
    const above = given(p, events);
    expect(anomaliesOf(above, 'acme')).toEqual([
      { kind: 'licenses-above-seats', detail: '3 licenses are in use but organization acme has 2 seats', since: '2026-03-02T09:00:00.000Z' },
    ]);
    expect(anomaliesOf(given(p, [...events, envelope(released('c'))]), 'acme')).toEqual([]);
    expect(anomaliesOf(given(p, [...events, envelope({ type: 'LicensePoolResized', data: { seats: 3, previousSeats: 2 } })]), 'acme')).toEqual([]);
    const shrunk = given(p, [...base(), envelope(registered('a')), envelope(assigned('a')), envelope({ type: 'LicensePoolResized', data: { seats: 0, previousSeats: 2 } })]);
    expect(anomaliesOf(shrunk, 'acme').map((a) => a.kind)).toEqual(['licenses-above-seats']);
  });

  test('an organization without an inactive team: a team created later of kind inactive becomes it; inactive learners registered there are fine', () => {
    const state = given(p, [envelope(onboarded(5, null)), envelope(teamCreated('parked', 'inactive')), envelope(registered('x', 'inactive')), envelope(membership('x', ['parked']))]);
    expect(anomaliesOf(state, 'acme')).toEqual([]);
  });

  test('a SCIM hold is an anomaly of the organization, with its counts and instant, from the hold to the release; listed first', () => {
    const held = envelope(
      { type: 'ScimDeactivationsHeld', data: { learnerIds: ['u10'], deactivations: 10, activeLearners: 50, limit: { share: 0.2, minimum: 10 } } },
      { occurredAt: '2026-03-02T10:15:00.000Z', channel: 'scim' },
    );
    const events = [...base(), envelope(registered('a')), envelope(assigned('a')), envelope(registered('b')), envelope(assigned('b', 'L-2')), envelope(registered('c')), envelope(assigned('c', 'L-3')), held];
    const state = given(p, events);
    expect(anomaliesOf(state, 'acme').map((a) => a.kind)).toEqual(['scim-deactivations-held', 'licenses-above-seats']);
    expect(anomaliesOf(state, 'acme')[0]).toEqual({
      kind: 'scim-deactivations-held',
      detail:
        'SCIM deactivations held: 1 more (u10) on top of 10 within the hour would pass 20% of the 50 learners active when it began (checked from 10); further SCIM deactivations are refused until an administrator allows them (scim allow-deactivations acme)',
      since: '2026-03-02T10:15:00.000Z',
    });
    expect(anomaliesOf(given(p, [...events, envelope({ type: 'ScimDeactivationsAllowed', data: { count: 5 } })]), 'acme').map((a) => a.kind)).not.toContain('scim-deactivations-held');
  });
});
