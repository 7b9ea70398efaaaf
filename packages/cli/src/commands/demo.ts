import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Channel, CommandResult } from '@learner-ledger/core';
import type { ImportReport } from '@learner-ledger/csv';
import { inactiveRoster, type InactiveLearner } from '@learner-ledger/projections';
import { csvAdapter } from '../adapters.js';
import { CliError, usageError } from '../errors.js';
import { licenseSummary } from '../output.js';
import { describeStoreLocation } from '../store.js';
import type { Session } from '../session.js';
import { importFailure } from './import.js';
import { answer } from './report.js';
import { effectsOf } from './results.js';
import type { Register } from './action.js';

const PEOPLE = [
  ['0001', 'Ada', 'Lovelace', ['sales']],
  ['0002', 'Alan', 'Turing', ['sales', 'support']],
  ['0003', 'Grace', 'Hopper', ['sales']],
  ['0004', 'Edsger', 'Dijkstra', ['support']],
  ['0005', 'Barbara', 'Liskov', ['support']],
  ['0006', 'Donald', 'Knuth', ['support']],
  ['0007', 'Frances', 'Allen', ['support']],
  ['0008', 'John', 'Backus', ['engineering']],
  ['0009', 'Margaret', 'Hamilton', ['engineering']],
  ['0010', 'Ken', 'Thompson', ['engineering']],
  ['0011', 'Radia', 'Perlman', ['engineering']],
  ['0012', 'Tony', 'Hoare', ['engineering', 'sales']],
] as const;

interface Step {
  readonly step: number;
  readonly title: string;
  readonly channel: Channel | 'api';
  readonly did: readonly string[];
  readonly licenses: { seats: number; inUse: number; available: number };
  readonly inactiveRoster: readonly InactiveLearner[];
}

/** Rewrites the Active cell of the given learners' rows of an exported file (the last column). */
const setInactive = (csv: string, learnerIds: readonly string[], spelling: string): string =>
  csv
    .split('\n')
    .map((line) => (learnerIds.some((id) => line.startsWith(`${id},`)) ? line.replace(/,[^,]*$/, `,${spelling}`) : line))
    .join('\n');

const describeDeactivation = (result: CommandResult, teamNames: ReadonlyMap<string, string>): string[] =>
  result.outcomes.map((outcome) => {
    const { addedTo, removedFrom } = effectsOf(outcome);
    const name = (id: string) => teamNames.get(id) ?? id;
    return `${outcome.subject}: ${addedTo && removedFrom ? `added to ${addedTo.map(name).join(', ')}, removed from ${removedFrom.map(name).join(', ') || 'no team'}, ` : ''}deactivated, license released`;
  });

const describeImport = (report: ImportReport): string[] => [
  `import ${report.importId}: ${report.status}; ${report.counts.deactivated} deactivated, ${report.counts.unchanged} unchanged, ${report.counts.errors} errors`,
  ...report.lines.filter((l) => l.action !== 'unchanged').map((l) => `  line ${l.line}: ${l.learnerId} → ${l.action}`),
];

/** `demo`: the four deactivation paths on a sample organization. */
export const registerDemoCommand: Register = (program, action) => {
  program
    .command('demo')
    .description('create a sample organization and walk the four deactivation paths: learner draft (bulk), learner profile, data-services file, learner-page template')
    .option('--org <orgId>', 'id of the sample organization', 'acme')
    .option('--fresh', 'start from an empty store: deletes the SQLite file first (other stores: pick a new --org)')
    .option('--files <dir>', 'where to write the CSV files of the file paths (default: a new temporary folder)')
    .action(
      action(async (session, _args, options) => {
        const { exportLearners, importLearners } = await csvAdapter();
        const orgId: string = options.org;
        if (options.fresh) freshStart(session);
        const ledger = await session.ledger();
        const store = await session.store();
        const existing = await ledger.state(orgId);
        if (existing._tag === 'Right' && existing.right.exists) {
          throw new CliError('ORGANIZATION_ALREADY_EXISTS', `Organization ${orgId} already exists in ${describeStoreLocation(session.location)}: run the demo with --fresh, or with --org <another id>`);
        }
        const admin = { actor: { kind: 'admin' as const, id: 'jo@acme.test' } };
        const steps: Step[] = [];
        const teamNames = new Map<string, string>();
        const snapshot = async (step: number, title: string, channel: Step['channel'], did: string[]) => {
          const state = await session.organization(orgId);
          for (const team of state.teams.values()) teamNames.set(team.teamId, team.name);
          const roster = answer(await inactiveRoster(store, orgId, { clock: () => session.now() }));
          steps.push({ step, title, channel, did, licenses: { seats: state.seats, inUse: state.licensesInUse, available: state.seats - state.licensesInUse }, inactiveRoster: roster.learners });
        };

        // 0. The sample organization.
        await session.execute({ type: 'OnboardOrganization', orgId, name: 'Acme Corp', seats: 20, timeZone: 'America/Chicago' }, { ...admin });
        for (const team of ['Sales', 'Support', 'Engineering']) await session.execute({ type: 'CreateTeam', orgId, name: team }, admin);
        for (const [learnerId, firstName, lastName, teams] of PEOPLE) {
          const email = `${firstName.toLowerCase()}.${lastName.toLowerCase()}@acme.test`;
          await session.execute({ type: 'RegisterLearner', orgId, learnerId, email, firstName, lastName, employeeId: `E-${learnerId}`, teams: [...teams] }, admin);
        }
        await snapshot(0, 'Sample organization Acme Corp: 20 seats, teams Sales, Support, Engineering and Inactive Learners, 12 learners', 'api', [
          `onboarded ${orgId} (America/Chicago), created 3 teams, registered ${PEOPLE.length} learners`,
        ]);

        // 1. Learner Draft: several learners, one bulk command with the move.
        const draft = await session.execute(
          { type: 'DeactivateLearners', orgId, learnerIds: ['0001', '0002', '0003'], move: { removeFrom: 'all' }, reason: 'Left the company' },
          { ...admin, channel: 'learner-draft' },
        );
        await snapshot(1, 'Learner Draft: tick 0001, 0002, 0003 → Deactivate Learners, move to Inactive Learners, remove from all teams', 'learner-draft', describeDeactivation(draft, teamNames));

        // 2. Learner Profile: one learner, the same command.
        const profile = await session.execute({ type: 'DeactivateLearners', orgId, learnerIds: ['0004'], move: { removeFrom: 'all' }, reason: 'Contract ended' }, { ...admin, channel: 'learner-profile' });
        await snapshot(2, "Learner Profile: open 0004's profile → Deactivate Learner, same move options", 'learner-profile', describeDeactivation(profile, teamNames));

        // 3. Data Services: export the Learners file of a team, set Active to FALSE, import it back for the same team.
        const dir = options.files !== undefined ? path.resolve(session.io.cwd, options.files as string) : fs.mkdtempSync(path.join(os.tmpdir(), 'learner-ledger-demo-'));
        fs.mkdirSync(dir, { recursive: true });
        const files: string[] = [];
        const dataServicesFile = path.join(dir, 'learners-engineering.csv');
        await exportLearners(ledger, { orgId, format: 'data-services', team: 'Engineering', output: fs.createWriteStream(dataServicesFile) });
        fs.writeFileSync(dataServicesFile, setInactive(fs.readFileSync(dataServicesFile, 'utf8'), ['0009', '0010'], 'FALSE'));
        files.push(dataServicesFile);
        const dataServices = await importLearners(ledger, { orgId, input: dataServicesFile, format: 'data-services', targetTeam: 'Engineering', actor: admin.actor, now: session.now() });
        if (!dataServices.applied) throw new CliError(importFailure(dataServices).code, importFailure(dataServices).message);
        await snapshot(3, `Data Services: export the Learners file for Engineering, set Active to FALSE for 0009 and 0010, import it back (${dataServicesFile})`, 'data-services', describeImport(dataServices));

        // 4. Learner page: export with the import template, edit Active to False, import for a chosen team.
        const templateFile = path.join(dir, 'learner-page-support.csv');
        await exportLearners(ledger, { orgId, format: 'learner-page', team: 'Support', output: fs.createWriteStream(templateFile) });
        fs.writeFileSync(templateFile, setInactive(fs.readFileSync(templateFile, 'utf8'), ['0007'], 'False'));
        files.push(templateFile);
        const learnerPage = await importLearners(ledger, { orgId, input: templateFile, format: 'learner-page', targetTeam: 'Support', actor: admin.actor, now: session.now() });
        if (!learnerPage.applied) throw new CliError(importFailure(learnerPage).code, importFailure(learnerPage).message);
        await snapshot(4, `Learner page: Import / Export Learners with the template for Support, Active edited to False for 0007 (${templateFile})`, 'learner-page', describeImport(learnerPage));

        const storeFlag = session.options.store !== undefined ? ` --store ${session.options.store}` : '';
        const me = `${session.io.programName ?? 'learner-ledger'}${storeFlag}`;
        const next = [
          `${me} report inactive-roster ${orgId}`,
          `${me} audit learner ${orgId} 0009`,
          `${me} report licenses ${orgId} --json`,
          `${me} learner reactivate ${orgId} 0002`,
        ];
        return {
          json: { orgId, store: describeStoreLocation(session.location), files, steps },
          text: demoText(steps, describeStoreLocation(session.location), next),
        };
      }, { createsStore: true }),
    );
};

const freshStart = (session: Session): void => {
  const location = session.location;
  if (location.kind === 'memory') return;
  if (location.kind !== 'sqlite') {
    throw usageError(`--fresh only deletes a SQLite file; for ${describeStoreLocation(location)} run the demo with --org <a new id>`, 'CONFLICTING_OPTIONS');
  }
  for (const suffix of ['', '-wal', '-shm', '-journal']) {
    try {
      fs.rmSync(`${location.path}${suffix}`, { force: true });
    } catch (error) {
      throw new CliError('WRITE_FAILED', `Cannot delete ${location.path}${suffix} for a fresh start: ${(error as Error).message}`);
    }
  }
};

const demoText = (steps: readonly Step[], store: string, next: readonly string[]): string => {
  const out: string[] = [`learner-ledger demo on ${store}`, ''];
  for (const step of steps) {
    out.push(`${step.step}. ${step.title}`);
    for (const line of step.did) out.push(`   ${line}`);
    out.push(`   Licenses: ${licenseSummary(step.licenses.seats, step.licenses.inUse)}`);
    const roster = step.inactiveRoster.map((l) => `${l.learnerId} (${l.channel}${l.line !== undefined ? `, line ${l.line}` : ''})`);
    out.push(`   Inactive roster: ${roster.length > 0 ? roster.join(', ') : 'nobody'}`);
    out.push('');
  }
  out.push('Look further:', ...next.map((line) => `  ${line}`), '');
  return out.join('\n');
};
