import { listingFilter } from '../src/filters.js';

describe('kurrentdb: the server-side filter of a stream listing', () => {
  it('asks for the first-event type alone when one is given', () => {
    expect(listingFilter('learner-ledger.', { prefix: 'learner-ledger.org-', firstEventType: 'OrganizationOnboarded' })).toMatchObject({
      filterOn: 'eventType',
      regex: '^OrganizationOnboarded\\z',
    });
    expect(listingFilter('', { firstEventType: 'a.b' })).toMatchObject({ filterOn: 'eventType', regex: '^a\\.b\\z' });
  });

  it('filters on the narrower of the listing prefix and the store prefix', () => {
    expect(listingFilter('learner-ledger.', { prefix: 'learner-ledger.org-' })).toMatchObject({ filterOn: 'streamName', prefixes: ['learner-ledger.org-'] });
    expect(listingFilter('learner-ledger.', { prefix: 'learner' })).toMatchObject({ filterOn: 'streamName', prefixes: ['learner-ledger.'] });
    expect(listingFilter('learner-ledger.', {})).toMatchObject({ filterOn: 'streamName', prefixes: ['learner-ledger.'] });
    expect(listingFilter('', {})).toMatchObject({ filterOn: 'streamName', regex: '^[^$]' });
  });

  it('lists nothing outside the store, nor system streams', () => {
    expect(listingFilter('learner-ledger.', { prefix: 'orders-' })).toBeUndefined();
    expect(listingFilter('learner-ledger.', { prefix: 'orders-', firstEventType: 'OrderPlaced' })).toBeUndefined();
    expect(listingFilter('', { prefix: '$' })).toBeUndefined();
  });
});
