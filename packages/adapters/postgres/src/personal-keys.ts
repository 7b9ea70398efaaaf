import { newPersonalKey, type PersonalDataKeys } from '@learner-ledger/core';
import { readFailure } from './schema/errors.js';
import type { PostgresEventStore } from './store.js';

/**
 * Learners' personal-data keys in the store's schema (`personal_keys`,
 * migration 5). Reads take every learner of a page in one query. Shredding
 * sets the key to NULL and then vacuums the table, so the old row version
 * holding the key does not wait for autovacuum. Use
 * {@link PostgresEventStore.personalDataKeys}.
 */
export class PostgresPersonalDataKeys implements PersonalDataKeys {
  constructor(private readonly store: PostgresEventStore) {}

  private get where(): string {
    return `schema ${this.store.schema}`;
  }

  async keysOf(orgId: string, learnerIds: readonly string[]): Promise<ReadonlyMap<string, Uint8Array>> {
    const found = new Map<string, Uint8Array>();
    if (learnerIds.length === 0) return found;
    try {
      const { rows } = await this.store.pool.query<{ learner_id: string; key: Buffer }>(
        `SELECT learner_id, key FROM ${this.store.names.personalKeys} WHERE org_id = $1 AND learner_id = ANY($2::text[]) AND key IS NOT NULL`,
        [orgId, [...new Set(learnerIds)]],
      );
      for (const row of rows) found.set(row.learner_id, new Uint8Array(row.key));
      return found;
    } catch (error) {
      throw readFailure(`reading the personal-data keys of ${orgId} in ${this.where}`, 'PostgreSQL', error);
    }
  }

  /**
   * One statement, one round trip (a registration used to take three: read,
   * insert, read again): a new key is offered for every learner; the insert
   * keeps those no row exists for and returns them, and the same statement
   * reads the keys that existed before it (the insert's rows are not in the
   * statement's snapshot, so no learner comes back twice). A learner in
   * neither was shredded, or got a key from another writer while the
   * statement ran: those are read again.
   */
  async ensureKeys(orgId: string, learnerIds: readonly string[]): Promise<ReadonlyMap<string, Uint8Array>> {
    // Sorted: two writers making keys for the same learners take the rows' locks in one order, so neither waits on the other in a cycle.
    const ids = [...new Set(learnerIds)].sort();
    const found = new Map<string, Uint8Array>();
    if (ids.length === 0) return found;
    const table = this.store.names.personalKeys;
    try {
      // ON CONFLICT DO NOTHING: a key another writer made first, or a shredded one, is kept as it is.
      const { rows } = await this.store.pool.query<{ learner_id: string; key: Buffer }>(
        `WITH made AS (
           INSERT INTO ${table} (org_id, learner_id, key) SELECT $1, learner_id, key FROM unnest($2::text[], $3::bytea[]) AS offered(learner_id, key)
           ON CONFLICT DO NOTHING RETURNING learner_id, key)
         SELECT learner_id, key FROM made
         UNION ALL
         SELECT learner_id, key FROM ${table} WHERE org_id = $1 AND learner_id = ANY($2::text[]) AND key IS NOT NULL`,
        [orgId, ids, ids.map(() => Buffer.from(newPersonalKey()))],
      );
      for (const row of rows) found.set(row.learner_id, new Uint8Array(row.key));
    } catch (error) {
      throw readFailure(`making personal-data keys of ${orgId} in ${this.where}`, 'PostgreSQL', error);
    }
    const unseen = ids.filter((learnerId) => !found.has(learnerId));
    if (unseen.length > 0) for (const [learnerId, key] of await this.keysOf(orgId, unseen)) found.set(learnerId, key);
    return found;
  }

  async shred(orgId: string, learnerIds: readonly string[]): Promise<void> {
    const table = this.store.names.personalKeys;
    try {
      await this.store.pool.query(
        `INSERT INTO ${table} (org_id, learner_id, key, shredded_at) SELECT $1, learner_id, NULL, now() FROM unnest($2::text[]) AS shredded(learner_id)
         ON CONFLICT (org_id, learner_id) DO UPDATE SET key = NULL, shredded_at = COALESCE(${table}.shredded_at, now())`,
        [orgId, [...new Set(learnerIds)]],
      );
      await this.store.pool.query(`VACUUM ${table}`);
    } catch (error) {
      throw readFailure(`shredding personal-data keys of ${orgId} in ${this.where}`, 'PostgreSQL', error);
    }
  }
}
