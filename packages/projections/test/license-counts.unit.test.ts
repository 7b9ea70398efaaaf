import { licenseCountOf, licenseCountsProjection, timeZoneOf } from '../src/index.js';
import { assigned, envelope, given, onboarded, released } from './support.js';

const p = licenseCountsProjection;

describe('license-counts projection', () => {
  test('OrganizationOnboarded sets the seats and time zone; nothing in use yet', () => {
    const state = given(p, [envelope(onboarded(5))]);
    expect(licenseCountOf(state, 'acme')).toEqual({ seats: 5, inUse: 0, available: 5 });
    expect(timeZoneOf(state, 'acme')).toBe('America/Chicago');
  });

  test('LicenseAssigned and LicenseReleased move licenses in and out of use', () => {
    const state = given(p, [envelope(onboarded(3)), envelope(assigned('a')), envelope(assigned('b')), envelope(released('a'))]);
    expect(licenseCountOf(state, 'acme')).toEqual({ seats: 3, inUse: 1, available: 2 });
    expect([...state.holders.rowsOf('acme')]).toEqual([{ org_id: 'acme', learner_id: 'b', license_id: 'L-b' }]);
  });

  test('a second assignment to the same learner replaces the license; a release of nobody’s license changes nothing', () => {
    const state = given(p, [envelope(onboarded(3)), envelope(assigned('a', 'L-1')), envelope(assigned('a', 'L-2')), envelope(released('zed'))]);
    expect(licenseCountOf(state, 'acme')).toEqual({ seats: 3, inUse: 1, available: 2 });
    expect(state.holders.get('acme', 'a')?.license_id).toBe('L-2');
  });

  test('LicensePoolResized changes seats and available, not in use', () => {
    const state = given(p, [envelope(onboarded(2)), envelope(assigned('a')), envelope({ type: 'LicensePoolResized', data: { seats: 7, previousSeats: 2 } })]);
    expect(licenseCountOf(state, 'acme')).toEqual({ seats: 7, inUse: 1, available: 6 });
  });

  test('organizations are counted apart; an unknown organization counts zero', () => {
    const state = given(p, [
      envelope(onboarded(2)),
      envelope(onboarded(9, 'inactive-learners', 'globex'), { orgId: 'globex' }),
      envelope(assigned('a'), { orgId: 'globex' }),
    ]);
    expect(licenseCountOf(state, 'acme')).toEqual({ seats: 2, inUse: 0, available: 2 });
    expect(licenseCountOf(state, 'globex')).toEqual({ seats: 9, inUse: 1, available: 8 });
    expect(licenseCountOf(state, 'nobody')).toEqual({ seats: 0, inUse: 0, available: 0 });
    expect(timeZoneOf(state, 'nobody')).toBeUndefined();
  });

  test('events it does not read leave the state alone', () => {
    const state = given(p, [envelope(onboarded(2)), envelope({ type: 'TeamCreated', data: { teamId: 't', name: 'T', kind: 'standard' } })]);
    expect(licenseCountOf(state, 'acme')).toEqual({ seats: 2, inUse: 0, available: 2 });
  });
});
