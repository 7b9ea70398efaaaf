import type { GlobalPosition, WaitOptions } from '@learner-ledger/core';

/**
 * Waits until the log holds an event after `after`. Other processes may write
 * the same file, so the head is polled every `pollIntervalMs`; appends made
 * through this store wake the waiter at once via `subscribe`.
 * Resolves false on timeout, abort, or when the store closes.
 */
export const waitForEvents = (
  after: GlobalPosition,
  options: WaitOptions,
  context: {
    readonly head: () => GlobalPosition;
    readonly isClosed: () => boolean;
    readonly pollIntervalMs: number;
    /** Registers a callback run after local commits and on close; returns the unsubscribe. */
    readonly subscribe: (wake: () => void) => () => void;
  },
): Promise<boolean> => {
  if (context.isClosed() || options.signal?.aborted) return Promise.resolve(false);
  try {
    if (context.head() > after) return Promise.resolve(true);
  } catch (error) {
    return Promise.reject(error);
  }
  return new Promise<boolean>((resolve, reject) => {
    let settled = false;
    const finish = () => {
      settled = true;
      clearInterval(interval);
      if (timer !== undefined) clearTimeout(timer);
      options.signal?.removeEventListener('abort', abort);
      unsubscribe();
    };
    const done = (value: boolean) => {
      if (settled) return;
      finish();
      resolve(value);
    };
    const check = () => {
      if (settled) return;
      if (context.isClosed()) return done(false);
      try {
        if (context.head() > after) done(true);
      } catch (error) {
        finish();
        reject(error);
      }
    };
    const abort = () => done(false);
    const interval = setInterval(check, context.pollIntervalMs);
    const timer = options.timeoutMs !== undefined ? setTimeout(() => done(false), options.timeoutMs) : undefined;
    const unsubscribe = context.subscribe(check);
    options.signal?.addEventListener('abort', abort);
  });
};
