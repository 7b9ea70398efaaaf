import type { Command } from '../commands.js';
import type { CommandContext } from '../ledger/index.js';

/** The instant shared fixtures are decided at. */
export const FIXTURE_NOW = '2026-03-02T09:00:00.000Z';

export const adminContext = (overrides: Partial<CommandContext> = {}): CommandContext => ({
  actor: { kind: 'admin', id: 'admin@example.com' },
  channel: 'api',
  now: FIXTURE_NOW,
  ...overrides,
});

/**
 * A sample organization: 10 seats, America/Chicago, the default inactive team,
 * teams Sales and Support, and four active learners.
 */
export const sampleOrganizationCommands = (orgId = 'acme', seats = 10): Command[] => [
  { type: 'OnboardOrganization', orgId, name: 'Acme Corp', seats, timeZone: 'America/Chicago' },
  { type: 'CreateTeam', orgId, name: 'Sales' },
  { type: 'CreateTeam', orgId, name: 'Support' },
  { type: 'RegisterLearner', orgId, learnerId: '0001', email: 'ada@acme.test', firstName: 'Ada', lastName: 'Lovelace', employeeId: 'E-0001', teams: ['sales'] },
  { type: 'RegisterLearner', orgId, learnerId: '0002', email: 'alan@acme.test', firstName: 'Alan', lastName: 'Turing', employeeId: 'E-0002', teams: ['sales', 'support'] },
  { type: 'RegisterLearner', orgId, learnerId: '0003', email: 'grace@acme.test', firstName: 'Grace', lastName: 'Hopper', employeeId: null, teams: ['support'] },
  { type: 'RegisterLearner', orgId, learnerId: '0004', email: 'edsger@acme.test', firstName: 'Edsger', lastName: 'Dijkstra', teams: [] },
];
