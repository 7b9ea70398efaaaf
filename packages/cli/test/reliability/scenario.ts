import { Readable } from 'node:stream';
import type { Command, CommandContext, Ledger } from '@learner-ledger/core';
import { rightOf } from './support.js';

export const admin = (commandId?: string): CommandContext => ({ actor: { kind: 'admin', id: 'admin@reliability.test' }, channel: 'api', ...(commandId ? { commandId } : {}) });

export const run = async (ledger: Ledger, command: Command, commandId?: string) => rightOf(await ledger.execute(command, admin(commandId)));

/** An organization with `seats` seats, a Sales team and `learners` active learners `<orgId>-0`, `<orgId>-1`, … in it. */
export const seedOrganization = async (ledger: Ledger, orgId: string, options: { seats?: number; learners?: number } = {}): Promise<void> => {
  await run(ledger, { type: 'OnboardOrganization', orgId, name: `${orgId} Corp`, seats: options.seats ?? 10, timeZone: 'America/Chicago' });
  await run(ledger, { type: 'CreateTeam', orgId, name: 'Sales' });
  for (let i = 0; i < (options.learners ?? 5); i++) {
    await run(ledger, { type: 'RegisterLearner', orgId, learnerId: `${orgId}-${i}`, email: `l${i}@${orgId}.test`, firstName: 'First', lastName: `Last${i}`, teams: ['sales'] });
  }
};

export const DATA_SERVICES_HEADER = 'Learner ID,First Name,Last Name,Email,Employee ID,Teams,Active';

/** A Data Services file that deactivates the first `deactivate` seeded learners and registers `register` new ones. */
export const importFile = (orgId: string, options: { deactivate?: number; register: number; prefix?: string }): string =>
  [
    DATA_SERVICES_HEADER,
    ...Array.from({ length: options.deactivate ?? 0 }, (_, i) => `${orgId}-${i},First,Last${i},l${i}@${orgId}.test,,Sales,FALSE`),
    ...Array.from({ length: options.register }, (_, i) => `${options.prefix ?? 'n'}${i},New,Learner ${i},${options.prefix ?? 'n'}${i}@${orgId}.test,,Sales,TRUE`),
  ].join('\n') + '\n';

export const textInput = (text: string) => Readable.from([Buffer.from(text, 'utf8')]);
