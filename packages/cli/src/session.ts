import * as fs from 'node:fs';
import * as os from 'node:os';
import * as E from 'fp-ts/lib/Either.js';
import {
  createLedger,
  normalizeName,
  SealedEventStore,
  systemClock,
  type Actor,
  type Command,
  type CommandContext,
  type CommandResult,
  type EventStore,
  type Ledger,
  type OrganizationState,
} from '@learner-ledger/core';
import { CliError } from './errors.js';
import type { CliIo } from './io.js';
import { chooseStoreLocation, forBulkWrites, openStoreAt, snapshotsEnabled, type StoreLocation } from './store.js';

/** Options every command accepts. */
export interface GlobalOptions {
  readonly store?: string;
  readonly json?: boolean;
  readonly actor?: string;
  readonly commandId?: string;
}

/**
 * One run of the tool: the chosen store (opened on first use, closed at the
 * end), the ledger over it, and who is acting.
 */
export class Session {
  private opened: EventStore | undefined;
  private raw: EventStore | undefined;
  private ledgerInstance: Ledger | undefined;
  readonly location: StoreLocation;

  constructor(
    readonly io: CliIo,
    readonly options: GlobalOptions,
    private readonly use: { readonly createsStore: boolean; readonly bulkWrites?: boolean } = { createsStore: false },
  ) {
    this.location = chooseStoreLocation(options.store, io.env, io.cwd);
  }

  get json(): boolean {
    return this.options.json === true;
  }

  /** The instant now, from the injected clock or the system. */
  now(): string {
    return (this.io.clock ?? systemClock)();
  }

  /** `--actor`, else `LEARNER_LEDGER_ACTOR`, else the operating-system user. */
  actor(): Actor {
    const id = this.options.actor ?? this.io.env['LEARNER_LEDGER_ACTOR'] ?? safeUserName();
    return { kind: 'admin', id };
  }

  async store(): Promise<EventStore> {
    if (!this.opened) {
      // A mistyped path must not leave an empty database behind: only org create and demo create the file.
      if (!this.use.createsStore && !this.io.openStore && this.location.kind === 'sqlite' && !fs.existsSync(this.location.path)) {
        throw new CliError(
          'STORE_NOT_FOUND',
          `No learner-ledger store at ${this.location.path}: give --store <file or URL> or set LEARNER_LEDGER_STORE (a new store is created by \`org create\` or \`demo\`)`,
        );
      }
      this.raw = await (this.io.openStore ?? openStoreAt)(this.use.bulkWrites === true ? forBulkWrites(this.location) : this.location);
      // Personal data is sealed with per-learner keys wherever the store keeps them (KurrentDB does not).
      const keys = this.raw.personalDataKeys?.();
      this.opened = keys ? new SealedEventStore(this.raw, keys) : this.raw;
    }
    return this.opened;
  }

  /** The store as written (personal fields sealed): what the hash chain covers. */
  async storeAsWritten(): Promise<EventStore> {
    await this.store();
    return this.raw!;
  }

  /** The ledger over the store, starting organizations from their snapshots when the store keeps them. */
  async ledger(): Promise<Ledger> {
    if (!this.ledgerInstance) {
      const store = await this.store();
      this.ledgerInstance = createLedger({ store, clock: () => this.now(), ...(snapshotsEnabled(this.io.env) ? {} : { snapshots: false }) });
    }
    return this.ledgerInstance;
  }

  /** Runs one command; a refusal becomes a {@link CliError} (exit code 1). */
  async execute(command: Command, context: Partial<CommandContext> = {}): Promise<CommandResult> {
    const ledger = await this.ledger();
    const commandId = this.options.commandId;
    const result = await ledger.execute(command, { actor: this.actor(), channel: 'api', ...(commandId !== undefined ? { commandId } : {}), ...context });
    if (E.isLeft(result)) throw CliError.fromDomain(result.left);
    return result.right;
  }

  /** The organization's current state, or undefined when it does not exist. */
  async organizationIfExists(orgId: string): Promise<OrganizationState | undefined> {
    const ledger = await this.ledger();
    const state = await ledger.state(orgId);
    if (E.isLeft(state)) throw CliError.fromDomain(state.left);
    return state.right.exists ? state.right : undefined;
  }

  /** The organization's current state, or ORGANIZATION_NOT_FOUND. */
  async organization(orgId: string): Promise<OrganizationState> {
    const ledger = await this.ledger();
    const state = await ledger.state(orgId);
    if (E.isLeft(state)) throw CliError.fromDomain(state.left);
    if (!state.right.exists) throw new CliError('ORGANIZATION_NOT_FOUND', `Organization ${orgId} does not exist in this store (create it with: learner-ledger org create ${orgId} --name … --seats …)`);
    return state.right;
  }

  /** Lets a snapshot being saved finish, then closes the store. */
  async close(): Promise<void> {
    const store = this.opened;
    this.opened = undefined;
    await this.ledgerInstance?.flushSnapshots();
    if (store) await store.close();
  }
}

/** A team id from what a person typed: the team's name (any letter case) or its id. */
export const resolveTeamId = (state: OrganizationState, text: string): string => {
  const byName = state.teamIdsByName.get(normalizeName(text));
  if (byName !== undefined) return byName;
  if (state.teams.has(text)) return text;
  const known = [...state.teams.values()].map((team) => team.name).join(', ');
  throw new CliError('UNKNOWN_TEAM', `Team ${JSON.stringify(text)} is not a team of organization ${state.orgId} (teams: ${known || 'none'})`);
};

/** A team's display name, or its id when it no longer exists. */
export const teamName = (state: OrganizationState, teamId: string): string => state.teams.get(teamId)?.name ?? teamId;

const safeUserName = (): string => {
  try {
    return os.userInfo().username || 'cli';
  } catch {
    return 'cli';
  }
};
