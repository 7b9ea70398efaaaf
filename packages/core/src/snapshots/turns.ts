/** What a snapshot save awaits between two of its steps. */
export type NextTurn = () => Promise<void>;

/** A turn once the event loop is free: what a save waits for when nothing else drives it. */
export const nextIdleTurn: NextTurn = () => new Promise((resolve) => setImmediate(resolve));

/**
 * Hands snapshot saves their turns, one short step each: after every batch
 * of commands the ledger finishes, or once the event loop is free, whichever
 * comes first. A caller that sends command after command without ever
 * giving the event loop back (a loop of awaited commands on a synchronous
 * store) still sees the save move on, a step after each command, and no
 * command waits for more than one step.
 */
export class SaveTurns {
  private readonly waiting = new Set<() => void>();

  /** The next turn of a save. */
  readonly next: NextTurn = () =>
    new Promise((resolve) => {
      const go = (): void => {
        if (this.waiting.delete(go)) resolve();
      };
      this.waiting.add(go);
      setImmediate(go);
    });

  /** Gives every waiting save one step (the ledger calls it after each batch of commands). */
  give(): void {
    if (this.waiting.size === 0) return;
    const turns = [...this.waiting];
    for (const go of turns) go();
  }
}
