import type { ImportProgress } from '@learner-ledger/core';
import type { CliIo } from './io.js';

/*
 * Progress on standard error, drawn only when standard error is a terminal
 * and the output is not `--json`; otherwise nothing is drawn, so piped output
 * and scripts never see it.
 */

/** Something that reports how far long work has come. */
export interface Progress {
  /** `done` items so far; `total` when it became known. */
  update(done: number, total?: number): void;
  /** Clears the bar. */
  finish(): void;
}

/** Calls `tick` every `ms` milliseconds until the returned function is called; must not keep the process alive. */
export type Ticker = (tick: () => void, ms: number) => () => void;

const intervalTicker: Ticker = (tick, ms) => {
  const timer = setInterval(tick, ms);
  timer.unref();
  return () => clearInterval(timer);
};

/** How often a redraw may happen at most (ms). */
const REDRAW_EVERY = 100;

const count = (n: number): string => n.toLocaleString('en-US');

/** `[####------]` for a share from 0 to 1. */
const bar = (share: number, width: number): string => {
  const filled = Math.round(Math.min(1, Math.max(0, share)) * width);
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}]`;
};

/** A bar for work of unknown size: a block that moves along with time. */
const movingBar = (elapsedMs: number, width: number): string => {
  const block = Math.min(3, width);
  const span = width - block;
  const step = Math.floor(elapsedMs / 250) % (2 * Math.max(1, span));
  const at = step <= span ? step : 2 * span - step;
  return `[${'-'.repeat(at)}${'#'.repeat(block)}${'-'.repeat(span - at)}]`;
};

/** One status line on standard error, redrawn in place. */
const statusLine = (io: CliIo) => {
  let drawn = false;
  return {
    draw(text: string): void {
      io.stderr(`\r${text}\u001b[K`);
      drawn = true;
    },
    clear(): void {
      if (drawn) io.stderr('\r\u001b[K');
      drawn = false;
    },
  };
};

const barWidth = (io: CliIo, label: string): number => Math.max(10, Math.min(40, (io.stderrColumns ?? 80) - label.length - 30));

const silent: Progress = { update: () => undefined, finish: () => undefined };

/** A progress bar for `done` of `total` items (export, replay). Redraws at most every 100 ms. */
export const progressBar = (io: CliIo, label: string, options: { json: boolean; total?: number; now?: () => number }): Progress => {
  if (!io.stderrIsTTY || options.json) return silent;
  const now = options.now ?? Date.now;
  const line = statusLine(io);
  let total = options.total;
  let lastDraw = 0;
  const width = barWidth(io, label);
  return {
    update(done, newTotal) {
      if (newTotal !== undefined) total = newTotal;
      const t = now();
      if (t - lastDraw < REDRAW_EVERY && (total === undefined || done < total)) return;
      lastDraw = t;
      if (total !== undefined && total > 0) {
        const share = Math.min(1, done / total);
        line.draw(`${label} ${bar(share, width)} ${String(Math.floor(share * 100)).padStart(3)}% ${count(done)}/${count(total)}`);
      } else {
        line.draw(`${label} ${count(done)}…`);
      }
    },
    finish: line.clear,
  };
};

/** The progress of an import as the CLI shows it. */
export interface ImportProgressDisplay {
  /** Work before the import's own stages (loading the organization). */
  stage(label: string): void;
  /** What the import reports as it goes. */
  readonly onProgress: (progress: ImportProgress) => void;
  /** Clears the line and stops redrawing. */
  finish(): void;
}

/** The line for a stage of an import. */
export const importProgressLine = (progress: ImportProgress, elapsedMs: number, width: number): string => {
  switch (progress.stage) {
    case 'reading':
      return `Reading ${movingBar(elapsedMs, width)} ${count(progress.rows)} rows`;
    case 'checking': {
      const share = progress.total > 0 ? progress.rows / progress.total : 1;
      return `Checking ${bar(share, width)} ${String(Math.floor(share * 100)).padStart(3)}% ${count(progress.rows)}/${count(progress.total)} rows`;
    }
    case 'applying': {
      const share = progress.total > 0 ? progress.rows / progress.total : 1;
      return `Applying batch ${count(progress.batch)} of ${count(progress.batches)} ${bar(share, width)} ${count(progress.rows)}/${count(progress.total)} rows`;
    }
    case 'finishing':
      return 'Finishing';
  }
};

/**
 * An import's progress in stages — reading rows, checking them, applying
 * batch k of n, finishing — counted in rows, with the seconds gone by. Redrawn
 * when the import reports (at most every 100 ms, and at once on a new stage)
 * and at least once a second while it works, so the line never sits still.
 */
export const importProgress = (io: CliIo, options: { json: boolean; now?: () => number; ticker?: Ticker }): ImportProgressDisplay => {
  if (!io.stderrIsTTY || options.json) return { stage: () => undefined, onProgress: () => undefined, finish: () => undefined };
  const now = options.now ?? Date.now;
  const line = statusLine(io);
  const width = barWidth(io, 'Applying batch 1 of 1');
  const started = now();
  let current: ImportProgress | string | undefined;
  let lastDraw = -Infinity;
  const draw = (): void => {
    if (current === undefined) return;
    const t = now();
    lastDraw = t;
    const elapsed = t - started;
    const text = typeof current === 'string' ? `${current}…` : importProgressLine(current, elapsed, width);
    line.draw(`${text} · ${Math.floor(elapsed / 1000)} s`);
  };
  const stop = (options.ticker ?? intervalTicker)(draw, 1000);
  const show = (next: ImportProgress | string): void => {
    const newStage = typeof next === 'string' || typeof current === 'string' || current === undefined || next.stage !== current.stage;
    current = next;
    if (newStage || now() - lastDraw >= REDRAW_EVERY) draw();
  };
  return {
    stage: show,
    onProgress: show,
    finish() {
      stop();
      current = undefined;
      line.clear();
    },
  };
};
