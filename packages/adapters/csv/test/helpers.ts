import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import * as E from 'fp-ts/lib/Either.js';
import { createLedger, InMemoryEventStore, StoreUnavailableError, type Command, type CommandContext, type EventStore, type Ledger, type OrganizationState } from '@learner-ledger/core';
import { exportLearners, type ExportLearnersOptions, type ImportInput } from '../src/index.js';

export const FIXTURES = join(__dirname, 'fixtures');
export const NOW = '2026-03-02T15:00:00.000Z';

export const admin = (overrides: Partial<CommandContext> = {}): CommandContext => ({ actor: { kind: 'admin', id: 'admin@acme.test' }, channel: 'api', now: '2026-03-01T09:00:00.000Z', ...overrides });

export const run = async (ledger: Ledger, command: Command, context: CommandContext = admin()) => {
  const result = await ledger.execute(command, context);
  if (E.isLeft(result)) throw new Error(`${command.type}: ${result.left.code}: ${result.left.message}`);
  return result.right;
};

/**
 * The organization the fixture corpus is written for: 24 seats, America/Chicago,
 * teams Sales, Support and R&D; learners 1001-1020 in Sales, 2001-2003 in
 * Support (all active), 3001 inactive; so 23 licenses in use, 1 free.
 */
export const fixtureOrganization = async (store: EventStore = new InMemoryEventStore(), orgId = 'acme'): Promise<Ledger> => {
  const ledger = createLedger({ store });
  await run(ledger, { type: 'OnboardOrganization', orgId, name: 'Acme Corp', seats: 24, timeZone: 'America/Chicago' });
  for (const name of ['Sales', 'Support', 'R&D']) await run(ledger, { type: 'CreateTeam', orgId, name });
  const learner = (n: number, team: string): Command => ({ type: 'RegisterLearner', orgId, learnerId: String(n), email: `l${n}@acme.test`, firstName: `First${n}`, lastName: `Last${n}`, employeeId: `E${n}`, teams: [team] });
  for (let n = 1001; n <= 1020; n++) await run(ledger, learner(n, 'sales'));
  for (let n = 2001; n <= 2003; n++) await run(ledger, learner(n, 'support'));
  await run(ledger, learner(3001, 'sales'));
  await run(ledger, { type: 'DeactivateLearners', orgId, learnerIds: ['3001'], reason: 'left' });
  return ledger;
};

/** Every event of the store, serialised: two snapshots are equal when nothing at all was written. */
export const snapshot = async (store: EventStore): Promise<string> => {
  const parts: string[] = [];
  let after = 0n;
  for (;;) {
    const batch = await store.readAll({ after, maxCount: 10_000 });
    for (const event of batch.events) parts.push(JSON.stringify(event, (_k, v) => (typeof v === 'bigint' ? v.toString() : v)));
    if (batch.isEnd || batch.events.length === 0) return parts.join('\n');
    after = batch.lastPosition;
  }
};

export const eventCount = async (store: EventStore): Promise<number> => Number(await store.headPosition());

/** A fixture file as an input (gzip files are streamed through gunzip). */
export const fixture = (path: string): ImportInput => {
  const full = join(FIXTURES, path);
  return path.endsWith('.gz') ? createReadStream(full).pipe(createGunzip()) : full;
};

export const textInput = (text: string | Buffer): ImportInput => Readable.from([typeof text === 'string' ? Buffer.from(text, 'utf8') : text]);

export const exportText = async (ledger: Ledger, options: Omit<ExportLearnersOptions, 'output'>): Promise<string> => {
  const output = new PassThrough();
  const chunks: Buffer[] = [];
  output.on('data', (chunk: Buffer) => chunks.push(chunk));
  await exportLearners(ledger, { ...options, output });
  return Buffer.concat(chunks).toString('utf8');
};

export const stateOf = async (ledger: Ledger, orgId = 'acme'): Promise<OrganizationState> => {
  const state = await ledger.state(orgId);
  if (E.isLeft(state)) throw new Error(state.left.message);
  return state.right;
};

/** The learners of a state as plain data (for before/after comparisons). */
export const learnersOf = (state: OrganizationState) => [...state.learners.values()].map((l) => ({ ...l, teams: [...l.teams].sort() }));

/**
 * A store that fails (as a crash or a lost connection would) once it has
 * taken `appendsBeforeFailure` appends; reads keep working. For resume tests.
 */
export class FailingStore implements EventStore {
  readonly name: string;
  readonly capabilities: EventStore['capabilities'];
  appends = 0;
  constructor(
    private readonly inner: EventStore,
    public appendsBeforeFailure: number,
  ) {
    this.name = inner.name;
    this.capabilities = inner.capabilities;
  }
  private check(): void {
    if (this.appends >= this.appendsBeforeFailure) throw new StoreUnavailableError(this.name, 'connection lost (simulated)');
    this.appends++;
  }
  appendToStream: EventStore['appendToStream'] = async (...args) => {
    this.check();
    return this.inner.appendToStream(...args);
  };
  readStream: EventStore['readStream'] = (...args) => this.inner.readStream(...args);
  listStreams: EventStore['listStreams'] = (...args) => this.inner.listStreams(...args);
  readAll: EventStore['readAll'] = (...args) => this.inner.readAll(...args);
  headPosition: EventStore['headPosition'] = () => this.inner.headPosition();
  waitForEvents: EventStore['waitForEvents'] = (...args) => this.inner.waitForEvents(...args);
  close: EventStore['close'] = () => this.inner.close();
}

/** A Data Services file: header plus the given rows (cells are written as given). */
export const dataServicesFile = (rows: readonly string[], extraHeaders: readonly string[] = []): string =>
  [['Learner ID', 'First Name', 'Last Name', 'Email', 'Employee ID', 'Teams', 'Active', ...extraHeaders].join(','), ...rows].join('\n') + '\n';

/** A row of one of the fixture organization's learners, with its Active value (and extra cells). */
export const fixtureRow = (n: number, active: string, team = 'Sales', ...extra: string[]): string =>
  [String(n), `First${n}`, `Last${n}`, `l${n}@acme.test`, `E${n}`, team, active, ...extra].join(',');

/** Every stored event of a type, decoded payloads with metadata. */
export const eventsOfType = async (store: EventStore, type: string) => {
  const found: { data: any; metadata: any }[] = [];
  let after = 0n;
  for (;;) {
    const batch = await store.readAll({ after, maxCount: 10_000 });
    for (const event of batch.events) if (event.type === type) found.push({ data: event.data, metadata: event.metadata });
    if (batch.isEnd || batch.events.length === 0) return found;
    after = batch.lastPosition;
  }
};
