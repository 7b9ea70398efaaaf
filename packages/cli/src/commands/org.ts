import { Option } from 'commander';
import type { Connector } from '@learner-ledger/core';
import { wholeNumber } from '../parsing.js';
import { licenseSummary } from '../output.js';
import { eventsJson, licensesJson, statusNote } from './results.js';
import type { Register } from './action.js';

/** `org create`, `org seats`, `team create`. */
export const registerOrganizationCommands: Register = (program, action) => {
  const org = program.command('org').description('create organizations and resize their license pools');

  org
    .command('create')
    .description('onboard an organization with a license pool and (unless a connector organization says otherwise) an Inactive Learners team')
    .argument('<orgId>', 'organization id: 1-64 letters, digits, "_", "-" or "."')
    .requiredOption('--name <text>', 'organization name')
    .requiredOption('--seats <n>', 'licenses in the pool', wholeNumber)
    .option('--time-zone <IANA>', 'time zone for dates, scheduled deactivations and the daily import', 'UTC')
    .addOption(new Option('--connector <kind>', 'where people are synced from').choices(['none', 'oracle', 'workday']).default('none'))
    .option('--no-inactive-team', 'no Inactive Learners team (only for oracle/workday connector organizations)')
    .option('--inactive-team-name <text>', 'name of the inactive team', 'Inactive Learners')
    .option('--daily-import-time <HH:mm>', 'local time of the daily import run', '02:00')
    .action(
      action(async (session, [orgId], options) => {
        const result = await session.execute({
          type: 'OnboardOrganization',
          orgId,
          name: options.name,
          seats: options.seats,
          timeZone: options.timeZone,
          connector: options.connector as Connector,
          inactiveTeam: options.inactiveTeam === false ? null : { name: options.inactiveTeamName },
          dailyImportTime: options.dailyImportTime,
        });
        const state = await session.organization(orgId);
        const inactive = state.inactiveTeamId !== null ? state.teams.get(state.inactiveTeamId) : undefined;
        return {
          json: {
            orgId,
            name: state.name,
            seats: state.seats,
            timeZone: state.timeZone,
            connector: state.connector,
            inactiveTeam: inactive ? { teamId: inactive.teamId, name: inactive.name } : null,
            status: result.status,
            events: eventsJson(result),
          },
          text:
            `Organization ${orgId} (${state.name}) created${statusNote(result)}: ${state.seats} seats, time zone ${state.timeZone}, ` +
            `${inactive ? `inactive team "${inactive.name}"` : `no inactive team (${state.connector} connector: deactivation skips the move)`}.\n`,
        };
      }, { createsStore: true }),
    );

  org
    .command('seats')
    .description('resize the license pool (never below the licenses in use)')
    .argument('<orgId>', 'organization id')
    .argument('<n>', 'new number of seats', wholeNumber)
    .action(
      action(async (session, [orgId, seats]) => {
        const before = await session.organization(orgId);
        const result = await session.execute({ type: 'ResizeLicensePool', orgId, seats });
        // A repeated --command-id answers with the seats its first run changed.
        const resized = result.events.find((change) => change.event.type === 'LicensePoolResized')?.event;
        const previousSeats = resized?.type === 'LicensePoolResized' ? resized.data.previousSeats : before.seats;
        const state = await session.organization(orgId);
        return {
          json: { orgId, previousSeats, ...licensesJson(state), status: result.status, events: eventsJson(result) },
          text: `Organization ${orgId}: ${previousSeats} → ${state.seats} seats${statusNote(result)}. Licenses: ${licenseSummary(state.seats, state.licensesInUse)}.\n`,
        };
      }),
    );

  org
    .command('retention')
    .description("set how many days an inactive learner's personal data is kept before `learner erase` may erase it (0: no wait)")
    .argument('<orgId>', 'organization id')
    .argument('<days>', 'whole days after the learner became inactive', wholeNumber)
    .action(
      action(async (session, [orgId, days]) => {
        const before = await session.organization(orgId);
        const result = await session.execute({ type: 'SetRetentionPeriod', orgId, days });
        const set = result.events.find((change) => change.event.type === 'RetentionPeriodSet')?.event;
        const previousDays = set?.type === 'RetentionPeriodSet' ? set.data.previousDays : before.retentionDays;
        const state = await session.organization(orgId);
        return {
          json: { orgId, previousDays, days: state.retentionDays, status: result.status, events: eventsJson(result) },
          text: `Organization ${orgId}: personal data of inactive learners kept ${previousDays} → ${state.retentionDays} days before it may be erased${statusNote(result)}.\n`,
        };
      }),
    );

  const team = program.command('team').description('create teams');
  team
    .command('create')
    .description('create a standard team (names are unique per organization, ignoring case)')
    .argument('<orgId>', 'organization id')
    .argument('<name...>', 'team name (several words are joined with spaces)')
    .option('--team-id <id>', 'team id (default: derived from the name, "Sales EMEA" → sales-emea)')
    .action(
      action(async (session, [orgId, words], options) => {
        const name = (words as string[]).join(' ');
        const result = await session.execute({ type: 'CreateTeam', orgId, name, ...(options.teamId !== undefined ? { teamId: options.teamId } : {}) });
        const teamId = result.outcomes.find((outcome) => outcome.action === 'create-team' && outcome.status === 'applied')?.subject;
        return {
          json: { orgId, teamId: teamId ?? null, name, status: result.status, events: eventsJson(result) },
          text: `Team "${name}" created in ${orgId}${teamId ? ` (id ${teamId})` : ''}${statusNote(result)}.\n`,
        };
      }),
    );
};
