import type { KeyedMutex } from './mutex.js';

/**
 * Commands waiting per organization. They run a batch at a time under the
 * organization's mutex, in the order they arrived: the batch takes what
 * queued up while the one before it was being written (group commit), up to
 * `maxBatch`. Whatever a batch hands back goes to the front of the queue.
 */
export class CommandQueue<T> {
  private readonly pending = new Map<string, T[]>();
  private readonly scheduled = new Set<string>();

  constructor(
    private readonly mutex: KeyedMutex,
    private readonly maxBatch: number,
    /** Runs one batch; resolves with the commands to run again later (it must never reject). */
    private readonly runBatch: (key: string, batch: T[]) => Promise<readonly T[]>,
  ) {}

  push(key: string, item: T): void {
    const list = this.pending.get(key);
    if (list) list.push(item);
    else this.pending.set(key, [item]);
    this.schedule(key);
  }

  private schedule(key: string): void {
    if (this.scheduled.has(key)) return;
    this.scheduled.add(key);
    void this.mutex.run(key, async () => {
      this.scheduled.delete(key);
      const list = this.pending.get(key) ?? [];
      const batch = list.splice(0, this.maxBatch);
      if (list.length === 0) this.pending.delete(key);
      const back = batch.length > 0 ? await this.runBatch(key, batch) : [];
      if (back.length > 0) this.pending.set(key, [...back, ...(this.pending.get(key) ?? [])]);
      if (this.pending.has(key)) this.schedule(key);
    });
  }
}
