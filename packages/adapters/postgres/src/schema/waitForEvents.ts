import type { GlobalPosition, WaitOptions } from '@learner-ledger/core';
import pg from 'pg';
import { quoteIdentifier } from './identifiers.js';

interface Waiter {
  readonly after: GlobalPosition;
  readonly settle: (value: boolean) => void;
}

export interface NotifierOptions {
  /** How to open the dedicated LISTEN connection (the pool's own settings). */
  readonly clientConfig: pg.ClientConfig;
  readonly channel: string;
  readonly headPosition: () => Promise<GlobalPosition>;
  /** How often waiters look at the log head when no notification comes (the fallback). */
  readonly pollIntervalMs: number;
}

/**
 * Wakes readers waiting for new events. Every append notifies the schema's
 * channel with the new head position from inside its transaction, so the
 * notification arrives exactly when the events become visible. One dedicated
 * connection LISTENs for the whole store; while anyone waits, the head is
 * also polled, so a lost or never-established LISTEN connection only makes
 * wake-ups slower, never missing.
 */
export class EventNotifier {
  private readonly waiters = new Set<Waiter>();
  private listener: pg.Client | undefined;
  private listening: Promise<void> | undefined;
  private poller: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(private readonly options: NotifierOptions) {}

  wait(after: GlobalPosition, options: WaitOptions = {}): Promise<boolean> {
    if (this.closed || options.signal?.aborted) return Promise.resolve(false);
    return new Promise<boolean>((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      const abort = () => waiter.settle(false);
      const waiter: Waiter = {
        after,
        settle: (value) => {
          if (!this.waiters.delete(waiter)) return;
          if (timer) clearTimeout(timer);
          options.signal?.removeEventListener('abort', abort);
          if (this.waiters.size === 0) this.stopPolling();
          resolve(value);
        },
      };
      this.waiters.add(waiter);
      if (options.timeoutMs !== undefined) timer = setTimeout(() => waiter.settle(false), Math.max(0, options.timeoutMs));
      options.signal?.addEventListener('abort', abort, { once: true });
      this.startPolling();
      // Look at the head only once LISTEN is in place, so an append in between is not missed.
      void this.listen().then(() => this.checkHead());
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const waiter of [...this.waiters]) waiter.settle(false);
    this.stopPolling();
    const listener = this.listener;
    this.listener = undefined;
    this.listening = undefined;
    if (listener) await listener.end().catch(() => undefined);
  }

  private wake(head: GlobalPosition): void {
    for (const waiter of [...this.waiters]) if (head > waiter.after) waiter.settle(true);
  }

  private async checkHead(): Promise<void> {
    if (this.waiters.size === 0) return;
    try {
      this.wake(await this.options.headPosition());
    } catch {
      // The store is unreachable for now: the next poll looks again.
    }
  }

  /** Opens the LISTEN connection once; failures leave the waiters to polling. Never throws. */
  private listen(): Promise<void> {
    if (this.closed) return Promise.resolve();
    if (this.listening) return this.listening;
    const client = new pg.Client(this.options.clientConfig);
    const drop = () => {
      if (this.listener === client) this.listener = undefined;
      if (this.listening === attempt) this.listening = undefined;
      client.removeAllListeners('notification');
      void client.end().catch(() => undefined);
    };
    client.on('error', drop);
    client.on('end', drop);
    client.on('notification', (message) => {
      if (message.channel !== this.options.channel || !message.payload) return;
      try {
        this.wake(BigInt(message.payload));
      } catch {
        void this.checkHead();
      }
    });
    const attempt: Promise<void> = (async () => {
      try {
        await client.connect();
        await client.query(`LISTEN ${quoteIdentifier(this.options.channel)}`);
        if (this.closed) return drop();
        this.listener = client;
      } catch {
        drop();
      }
    })();
    this.listening = attempt;
    return attempt;
  }

  private startPolling(): void {
    if (this.poller || this.closed) return;
    this.poller = setInterval(() => {
      if (!this.listening) void this.listen(); // reconnect a dropped LISTEN connection
      void this.checkHead();
    }, this.options.pollIntervalMs);
    this.poller.unref();
  }

  private stopPolling(): void {
    if (this.poller) clearInterval(this.poller);
    this.poller = undefined;
  }
}
