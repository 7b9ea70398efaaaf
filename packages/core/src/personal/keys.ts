import { drawRandomBytes } from './random.js';

/**
 * The personal-data key port: one random AES-256 key per learner of an
 * organization, kept apart from the events so that destroying it (crypto-
 * shredding) erases the learner's personal data from every event that holds
 * it sealed, without changing a stored byte of the log. The in-memory store,
 * SQLite and PostgreSQL keep the keys in a table beside their events.
 */
export interface PersonalDataKeys {
  /** The keys these learners have; a learner whose key was shredded, or who never had one, is absent. */
  keysOf(orgId: string, learnerIds: readonly string[]): Promise<ReadonlyMap<string, Uint8Array>>;
  /**
   * The keys of these learners, made (and kept) for those who never had one,
   * before it returns. A shredded key is never made again: that learner is absent.
   */
  ensureKeys(orgId: string, learnerIds: readonly string[]): Promise<ReadonlyMap<string, Uint8Array>>;
  /** Destroys these learners' keys for good; shredding a shredded key does nothing. */
  shred(orgId: string, learnerIds: readonly string[]): Promise<void>;
}

/** Bytes of a personal-data key (AES-256). */
export const PERSONAL_KEY_BYTES = 32;

/** A fresh random key. */
export const newPersonalKey = (): Uint8Array => drawRandomBytes(PERSONAL_KEY_BYTES);

/** Keys in memory, gone with the process: for the in-memory store, tests and examples. */
export class InMemoryPersonalDataKeys implements PersonalDataKeys {
  /** orgId → learnerId → key; null once shredded. */
  private readonly keys = new Map<string, Map<string, Uint8Array | null>>();

  private of(orgId: string): Map<string, Uint8Array | null> {
    let keys = this.keys.get(orgId);
    if (!keys) this.keys.set(orgId, (keys = new Map()));
    return keys;
  }

  keysOf(orgId: string, learnerIds: readonly string[]): Promise<ReadonlyMap<string, Uint8Array>> {
    const keys = this.of(orgId);
    const found = new Map<string, Uint8Array>();
    for (const learnerId of learnerIds) {
      const key = keys.get(learnerId);
      if (key) found.set(learnerId, key);
    }
    return Promise.resolve(found);
  }

  ensureKeys(orgId: string, learnerIds: readonly string[]): Promise<ReadonlyMap<string, Uint8Array>> {
    const keys = this.of(orgId);
    for (const learnerId of learnerIds) if (!keys.has(learnerId)) keys.set(learnerId, newPersonalKey());
    return this.keysOf(orgId, learnerIds);
  }

  shred(orgId: string, learnerIds: readonly string[]): Promise<void> {
    const keys = this.of(orgId);
    for (const learnerId of learnerIds) keys.set(learnerId, null);
    return Promise.resolve();
  }
}
