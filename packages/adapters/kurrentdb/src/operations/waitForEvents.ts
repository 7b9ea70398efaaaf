import { START, type AllStreamResolvedEvent } from '@kurrent/kurrentdb-client';
import type { GlobalPosition, WaitOptions } from '@learner-ledger/core';
import type { StoreContext } from '../context.js';
import { toPortError } from '../errors.js';
import { decodePosition } from '../position.js';

/**
 * `waitForEvents` of the port: a catch-up subscription to `$all` from `after`
 * with the store's server-side filter. It resolves true on the first event
 * after `after` (an event already there arrives at once, during catch-up), and
 * false on timeout, abort or when the store closes; the subscription is always
 * cancelled before it resolves.
 */
export const waitForEvents = (
  context: StoreContext,
  after: GlobalPosition,
  options: WaitOptions,
  onClose: (listener: () => void) => () => void,
): Promise<boolean> => {
  if (options.signal?.aborted) return Promise.resolve(false);
  return new Promise<boolean>((resolve, reject) => {
    const subscription = context.client.subscribeToAll({
      fromPosition: after === 0n ? START : decodePosition(after),
      filter: context.filter,
    });
    let settled = false;
    let timer: NodeJS.Timeout | undefined;
    const settle = (outcome: { value: boolean } | { error: unknown }) => {
      if (settled) return;
      settled = true;
      if (timer) clearTimeout(timer);
      options.signal?.removeEventListener('abort', abort);
      removeCloseListener();
      subscription.removeListener('data', onEvent);
      subscription.on('error', () => undefined); // errors after cancelling are expected and ignored
      void subscription.unsubscribe().catch(() => undefined);
      if ('value' in outcome) resolve(outcome.value);
      else reject(outcome.error);
    };
    // The commit position orders $all: any record after `after` means readAll has something to read or pass over.
    const onEvent = (resolved: AllStreamResolvedEvent) => {
      const commit = (resolved.event ?? resolved.link)?.position?.commit;
      if (commit !== undefined && commit > after) settle({ value: true });
    };
    const abort = () => settle({ value: false });
    const removeCloseListener = onClose(abort);
    subscription.on('data', onEvent);
    subscription.on('error', (error: unknown) =>
      settle({ error: toPortError(error, context.connection, { operation: 'wait for new events (subscribe to $all)', writes: false }) }),
    );
    if (options.timeoutMs !== undefined) timer = setTimeout(abort, Math.max(0, options.timeoutMs));
    options.signal?.addEventListener('abort', abort);
  });
};
