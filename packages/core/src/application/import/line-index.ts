import type { PlanLines } from './plan-lines.js';

const EMPTY = 0;

/** FNV-1a over the UTF-16 code units of a string, 32 bits. */
const hashOf = (key: string): number => {
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) hash = Math.imul(hash ^ key.charCodeAt(i), 0x01000193);
  return hash >>> 0;
};

/**
 * Learner id → the index of the plan line that names them, without a Map
 * entry a line: an open-addressed table of line indexes whose keys are the
 * lines' own learner ids (a million lines add up). A key that is not its
 * line's learner id (an erased learner found through another id) is kept
 * apart, in a small map. Reads as a `Map<string, number>` of the same pairs.
 */
export class LineIndex<C extends string> {
  /** Line index + 1 per slot; 0: empty. */
  private slots = new Int32Array(1024);
  private count = 0;
  private readonly apart = new Map<string, number>();

  constructor(private readonly lines: PlanLines<C>) {}

  get(key: string): number | undefined {
    const apart = this.apart.get(key);
    if (apart !== undefined) return apart;
    const mask = this.slots.length - 1;
    for (let slot = hashOf(key) & mask; ; slot = (slot + 1) & mask) {
      const held = this.slots[slot]!;
      if (held === EMPTY) return undefined;
      if (this.lines.learnerId(held - 1) === key) return held - 1;
    }
  }

  has(key: string): boolean {
    return this.get(key) !== undefined;
  }

  /**
   * Points `key` at the line `index`, whose learner id is `idOfLine`: a line
   * already pushed, or the one being planned (pushed before the next `set`,
   * which is when the table grows: every line it holds is pushed by then).
   */
  set(key: string, index: number, idOfLine: string): void {
    if (key !== idOfLine || this.apart.has(key)) {
      this.apart.set(key, index);
      return;
    }
    if ((this.count + 1) * 2 > this.slots.length) this.grow();
    const mask = this.slots.length - 1;
    for (let slot = hashOf(key) & mask; ; slot = (slot + 1) & mask) {
      const held = this.slots[slot]!;
      if (held === EMPTY) {
        this.slots[slot] = index + 1;
        this.count++;
        return;
      }
      if (this.lines.learnerId(held - 1) === key) {
        this.slots[slot] = index + 1;
        return;
      }
    }
  }

  private grow(): void {
    const old = this.slots;
    this.slots = new Int32Array(old.length * 2);
    const mask = this.slots.length - 1;
    for (const held of old) {
      if (held === EMPTY) continue;
      let slot = hashOf(this.lines.learnerId(held - 1)) & mask;
      while (this.slots[slot] !== EMPTY) slot = (slot + 1) & mask;
      this.slots[slot] = held;
    }
  }
}
