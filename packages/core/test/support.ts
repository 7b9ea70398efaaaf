import type { Command, RegisterLearner } from '../src/index.js';

/** Shared givens for the decider tests: small organizations built from commands. */
export const NOW = '2026-03-02T09:00:00.000Z';
export const ctx = { now: NOW };

export const onboard = (orgId = 'acme', seats = 3, extra: Partial<Extract<Command, { type: 'OnboardOrganization' }>> = {}): Command => ({
  type: 'OnboardOrganization',
  orgId,
  name: `${orgId} Inc`,
  seats,
  timeZone: 'America/Chicago',
  ...extra,
});

export const team = (name: string, orgId = 'acme'): Command => ({ type: 'CreateTeam', orgId, name });

export const learner = (learnerId: string, extra: Partial<Omit<RegisterLearner, 'type'>> = {}): RegisterLearner => ({
  type: 'RegisterLearner',
  orgId: 'acme',
  learnerId,
  email: `${learnerId}@acme.test`,
  firstName: 'First',
  lastName: `Last ${learnerId}`,
  ...extra,
});

/** acme: 3 seats, teams sales and support, learners 0001 (sales) and 0002 (sales, support), one seat free. */
export const acme = (seats = 3): Command[] => [
  onboard('acme', seats),
  team('Sales'),
  team('Support'),
  learner('0001', { teams: ['sales'] }),
  learner('0002', { teams: ['sales', 'support'] }),
];

/** An Oracle-synced organization without an inactive team. */
export const connectorOrg = (connector: 'oracle' | 'workday' = 'oracle'): Command[] => [
  onboard('acme', 3, { connector, inactiveTeam: null }),
  team('Sales'),
  learner('0001', { teams: ['sales'] }),
];
