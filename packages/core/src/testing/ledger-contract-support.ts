import * as E from 'fp-ts/lib/Either.js';
// Only the package's public API: the ledger is used as a user's code uses it.
import { createLedger, organizationStreamId, type Command, type DomainError, type EventStore, type RegisterLearner, type SnapshotStore, type StoredEvent } from '../index.js';
import { adminContext } from './fixtures.js';
import { uniqueStreamId } from './store-contract.js';

/** A store as the ledger contract opens it. */
export interface LedgerStoreHandle {
  readonly store: EventStore;
  /** The snapshot store kept next to the events, for stores that keep snapshots. */
  readonly snapshots?: SnapshotStore;
  readonly close?: () => Promise<void>;
}
/** What a store's factory gives the ledger contract. */
export interface LedgerContractSetup extends LedgerStoreHandle {
  /** A second, independent handle on the same store, as another process opens it. Default: the same objects. */
  readonly reopen?: () => Promise<LedgerStoreHandle>;
  /** Closes and removes what the factory created. Default: closes the store. */
  readonly teardown?: () => Promise<void>;
}
export type LedgerContractFactory = () => Promise<LedgerContractSetup>;
export interface LedgerContractOptions {
  /** The store keeps organization snapshots: the idempotency tests run again with a ledger that saves and loads them. */
  readonly snapshots?: boolean;
}

/** What each group of the contract's tests works with. */
export interface LedgerContractContext {
  readonly name: string;
  readonly options: LedgerContractOptions;
  /** The factory's setup (made before the first test). */
  readonly setup: () => LedgerContractSetup;
  /** Another process's handle on the store (the setup itself when the store has none). */
  readonly other: () => Promise<LedgerStoreHandle>;
}

export const right = <T>(result: E.Either<DomainError, T>): T => {
  if (E.isLeft(result)) throw new Error(`${result.left.code}: ${result.left.message}`);
  return result.right;
};
export const left = <T>(result: E.Either<DomainError, T>): DomainError => {
  if (E.isRight(result)) throw new Error(`expected a refusal, got ${JSON.stringify(result.right, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v))}`);
  return result.left;
};
export const runAll = async (ledger: ReturnType<typeof createLedger>, commands: readonly Command[]): Promise<void> => {
  for (const command of commands) right(await ledger.execute(command, adminContext()));
};

/** A fresh organization id (at most 64 characters), so tests never meet each other's organizations. */
export const uniqueOrgId = (label: string): string => uniqueStreamId(label).replace(/[^A-Za-z0-9_.-]/g, '').slice(0, 56);
export const register = (orgId: string, learnerId: string, teams: string[] = []): RegisterLearner => ({
  type: 'RegisterLearner',
  orgId,
  learnerId,
  email: `${learnerId}@${orgId}.test`,
  firstName: 'First',
  lastName: `Last ${learnerId}`,
  teams,
});
export const streamOf = (store: EventStore, orgId: string) => store.readStream(organizationStreamId(orgId));
export const versionOf = async (store: EventStore, orgId: string): Promise<number> => (await streamOf(store, orgId)).currentVersion;
export const commandIdOf = (event: StoredEvent): unknown => (event.metadata as { commandId?: unknown }).commandId;

export const snapshotsOf = (context: LedgerContractContext, handle: LedgerStoreHandle): SnapshotStore => {
  if (!handle.snapshots) throw new Error(`${context.name}: the contract was told this store keeps snapshots, but the factory gave no snapshot store`);
  return handle.snapshots;
};

/**
 * The store as the ledger sees it, with a hook run before each append: a
 * write by someone else landing between load and append. Only an optimistic
 * append leaves that gap, so the wrapped store offers no lock
 * (`appendLocked`): these tests are about the retries of the optimistic path.
 */
export const interleaved = (store: EventStore) => {
  const control: { before?: (() => Promise<void>) | undefined; appends: number } = { appends: 0 };
  const wrapped = new Proxy(store, {
    get(target, property) {
      if (property === 'appendLocked') return undefined;
      if (property === 'appendToStream') {
        return async (...args: Parameters<EventStore['appendToStream']>) => {
          control.appends++;
          const hook = control.before;
          if (hook) await hook();
          return target.appendToStream(...args);
        };
      }
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
  return { store: wrapped, control };
};
