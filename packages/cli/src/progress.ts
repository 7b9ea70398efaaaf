import type { CliIo } from './io.js';

/** Something that reports how far long work has come. */
export interface Progress {
  /** `done` items so far; `total` when it became known. */
  update(done: number, total?: number): void;
  /** Clears the bar. */
  finish(): void;
}

const silent: Progress = { update: () => undefined, finish: () => undefined };

/**
 * A progress bar on standard error, drawn only when standard error is a
 * terminal and the output is not `--json`; otherwise it does nothing, so piped
 * output and scripts never see it. Redraws at most every 100 ms.
 */
export const progressBar = (io: CliIo, label: string, options: { json: boolean; total?: number; now?: () => number }): Progress => {
  if (!io.stderrIsTTY || options.json) return silent;
  const now = options.now ?? Date.now;
  let total = options.total;
  let lastDraw = 0;
  let drawn = false;
  const width = Math.max(10, Math.min(40, (io.stderrColumns ?? 80) - label.length - 30));
  const draw = (done: number) => {
    let line: string;
    if (total !== undefined && total > 0) {
      const share = Math.min(1, done / total);
      const filled = Math.round(share * width);
      line = `${label} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${String(Math.floor(share * 100)).padStart(3)}% ${done.toLocaleString('en-US')}/${total.toLocaleString('en-US')}`;
    } else {
      line = `${label} ${done.toLocaleString('en-US')}…`;
    }
    io.stderr(`\r${line}\u001b[K`);
    drawn = true;
  };
  return {
    update(done, newTotal) {
      if (newTotal !== undefined) total = newTotal;
      const t = now();
      if (t - lastDraw < 100 && (total === undefined || done < total)) return;
      lastDraw = t;
      draw(done);
    },
    finish() {
      if (drawn) io.stderr('\r\u001b[K');
      drawn = false;
    },
  };
};
