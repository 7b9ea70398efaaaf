/**
 * When a ledger waits for the store's lock instead of appending optimistically.
 * One writer appends optimistically: one round trip, no lock. A lost race
 * shows another writer on the organization, so its next batches decide under
 * the store's lock (when the store offers one), until enough of them in a
 * row found that nobody else had written.
 */
export class ContentionTracker {
  private readonly quietLeft = new Map<string, number>();

  /** `quietBatches`: locked batches in a row that saw no other writer before going back to optimistic appends. */
  constructor(private readonly quietBatches = 32) {}

  /** Whether the organization's next batch should take the store's lock. */
  useLock(orgId: string): boolean {
    return this.quietLeft.has(orgId);
  }

  /** Another writer got in between this ledger's load and its append. */
  lostRace(orgId: string): void {
    this.quietLeft.set(orgId, this.quietBatches);
  }

  /** A batch decided under the lock; `othersWrote`: the stream held events of other writers this ledger had not seen. */
  lockedBatch(orgId: string, othersWrote: boolean): void {
    if (othersWrote) return this.lostRace(orgId);
    const left = (this.quietLeft.get(orgId) ?? 1) - 1;
    if (left <= 0) this.quietLeft.delete(orgId);
    else this.quietLeft.set(orgId, left);
  }
}

const BACKOFF_BASE_MS = 2;
const BACKOFF_MAX_MS = 250;

/**
 * How long to wait before optimistic retry number `retry` (1-based): none for
 * the first (catching up is usually enough), then a random wait below an
 * exponentially growing bound ("full jitter"), so writers that keep losing to
 * each other spread out instead of colliding again.
 */
export const backoffMs = (retry: number, random: () => number = Math.random): number =>
  retry <= 1 ? 0 : Math.floor(random() * Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** (retry - 1)));

export const sleep = (ms: number): Promise<void> => (ms <= 0 ? Promise.resolve() : new Promise((resolve) => setTimeout(resolve, ms)));
