const TOMBSTONE = Symbol('deleted');

/**
 * A Map that reads through to a base map and keeps its own writes apart, so a
 * decision can fold its own events onto a draft of the state without touching
 * (or copying) the state it was given. O(1) per read and write.
 */
export class OverlayMap<K, V> extends Map<K, V> {
  private readonly changes = new Map<K, V | typeof TOMBSTONE>();

  constructor(private readonly base: ReadonlyMap<K, V>) {
    super();
  }

  override get(key: K): V | undefined {
    if (!this.changes.has(key)) return this.base.get(key);
    const local = this.changes.get(key);
    return local === TOMBSTONE ? undefined : local;
  }

  override has(key: K): boolean {
    if (this.changes.has(key)) return this.changes.get(key) !== TOMBSTONE;
    return this.base.has(key);
  }

  override set(key: K, value: V): this {
    // Map's constructor calls set() before fields exist; there is nothing to record then.
    if (this.changes) this.changes.set(key, value);
    return this;
  }

  override delete(key: K): boolean {
    const existed = this.has(key);
    this.changes.set(key, TOMBSTONE);
    return existed;
  }

  override clear(): void {
    for (const key of this.keys()) this.changes.set(key, TOMBSTONE);
  }

  override get size(): number {
    let size = 0;
    for (const _ of this.entries()) size++;
    return size;
  }

  override *entries(): MapIterator<[K, V]> {
    for (const [key, value] of this.base) {
      if (!this.changes.has(key)) yield [key, value];
    }
    for (const [key, value] of this.changes) {
      if (value !== TOMBSTONE) yield [key, value as V];
    }
  }

  override *keys(): MapIterator<K> {
    for (const [key] of this.entries()) yield key;
  }

  override *values(): MapIterator<V> {
    for (const [, value] of this.entries()) yield value;
  }

  override [Symbol.iterator](): MapIterator<[K, V]> {
    return this.entries();
  }

  override forEach(callback: (value: V, key: K, map: Map<K, V>) => void, thisArg?: unknown): void {
    for (const [key, value] of this.entries()) callback.call(thisArg, value, key, this);
  }
}
