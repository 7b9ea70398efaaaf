import { directoryEntryOf, directoryOf, learnerDirectoryProjection } from '../src/index.js';
import { assigned, deactivated, envelope, given, membership, reactivated, registered, released } from './support.js';

const p = learnerDirectoryProjection;

describe('learner-directory projection', () => {
  test('LearnerRegistered adds a learner with profile and status', () => {
    const state = given(p, [envelope(registered('0001'), { occurredAt: '2026-03-01T08:00:00.000Z' })]);
    expect(directoryOf(state, 'acme')).toEqual([
      {
        learnerId: '0001',
        email: '0001@acme.test',
        firstName: 'F',
        lastName: 'L',
        employeeId: null,
        status: 'active',
        teams: [],
        holdsLicense: false,
        licenseId: null,
        registeredAt: '2026-03-01T08:00:00.000Z',
        lastChange: { at: '2026-03-01T08:00:00.000Z', event: 'LearnerRegistered', actor: { kind: 'admin', id: 'jo@acme.test' }, channel: 'api' },
      },
    ]);
  });

  test('license, teams, status and profile follow the events; the last change names time, event, actor, channel, import and line', () => {
    const state = given(p, [
      envelope(registered('a')),
      envelope(assigned('a', 'L-1')),
      envelope(membership('a', ['sales', 'support'])),
      envelope({ type: 'LearnerProfileUpdated', data: { learnerId: 'a', changes: { email: 'new@acme.test', firstName: 'Ada', lastName: 'King', employeeId: 'E-9' } } }),
      envelope(membership('a', ['inactive-learners'], ['sales', 'support']), { channel: 'data-services', importId: 'imp-1', line: 3, actor: { kind: 'import', id: 'imp-1' } }),
      envelope(deactivated('a', ['sales', 'support']), { channel: 'data-services', importId: 'imp-1', line: 3, actor: { kind: 'import', id: 'imp-1' } }),
      envelope(released('a', 'L-1'), { occurredAt: '2026-03-03T00:00:00.000Z', channel: 'data-services', importId: 'imp-1', line: 3, actor: { kind: 'import', id: 'imp-1' } }),
    ]);
    expect(directoryEntryOf(state, 'acme', 'a')).toEqual(
      expect.objectContaining({
        email: 'new@acme.test',
        firstName: 'Ada',
        lastName: 'King',
        employeeId: 'E-9',
        status: 'inactive',
        teams: ['inactive-learners'],
        holdsLicense: false,
        licenseId: null,
        lastChange: { at: '2026-03-03T00:00:00.000Z', event: 'LicenseReleased', actor: { kind: 'import', id: 'imp-1' }, channel: 'data-services', importId: 'imp-1', line: 3 },
      }),
    );
    const back = given(p, [envelope(registered('a')), envelope(deactivated('a')), envelope(reactivated('a')), envelope(assigned('a', 'L-2'))]);
    expect(directoryEntryOf(back, 'acme', 'a')).toEqual(expect.objectContaining({ status: 'active', holdsLicense: true, licenseId: 'L-2' }));
  });

  test('events about unknown learners are ignored; the directory is sorted by learner id', () => {
    const state = given(p, [envelope(registered('b')), envelope(registered('a')), envelope(assigned('ghost')), envelope(deactivated('ghost'))]);
    expect(directoryOf(state, 'acme').map((e) => e.learnerId)).toEqual(['a', 'b']);
    expect(directoryEntryOf(state, 'acme', 'ghost')).toBeUndefined();
  });

  test('an erasure leaves the learner with [erased] personal fields and the same status, teams and license', () => {
    const history = [envelope(registered('a')), envelope(assigned('a', 'L-1')), envelope(membership('a', ['sales'])), envelope(deactivated('a', ['sales'])), envelope(released('a', 'L-1'))];
    const before = directoryEntryOf(given(p, history), 'acme', 'a')!;
    const after = directoryEntryOf(given(p, [...history, envelope({ type: 'LearnerPersonalDataErased', data: { learnerId: 'a', reason: 'asked' } })]), 'acme', 'a')!;
    expect(after).toEqual({ ...before, email: '[erased]', firstName: '[erased]', lastName: '[erased]', employeeId: '[erased]', lastChange: expect.objectContaining({ event: 'LearnerPersonalDataErased' }) });
  });
});
