import type { DueProgress, ImportProgress } from '@learner-ledger/core';
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

/** A display of work in stages: labelled steps before the work reports, then what it reports. */
interface StagedDisplay<P> {
  stage(label: string): void;
  readonly onProgress: (progress: P) => void;
  finish(): void;
}

/**
 * One line for work in stages, with the seconds gone by: a label (`stage`,
 * drawn as `label…`) or what the work reported last (`render`). Redrawn when
 * the work reports (at most every 100 ms, and at once on a new stage, as
 * `sameStage` tells) and at least once a second while it works, so the line
 * never sits still. Nothing when standard error is not a terminal or with
 * `--json`.
 */
const stagedProgress = <P>(
  io: CliIo,
  options: { json: boolean; now?: () => number; ticker?: Ticker },
  render: (progress: P, elapsedMs: number) => string,
  sameStage: (before: P, next: P) => boolean,
): StagedDisplay<P> => {
  if (!io.stderrIsTTY || options.json) return { stage: () => undefined, onProgress: () => undefined, finish: () => undefined };
  const now = options.now ?? Date.now;
  const line = statusLine(io);
  const started = now();
  let current: P | string | undefined;
  let lastDraw = -Infinity;
  const draw = (): void => {
    if (current === undefined) return;
    const t = now();
    lastDraw = t;
    const elapsed = t - started;
    const text = typeof current === 'string' ? `${current}…` : render(current, elapsed);
    line.draw(`${text} · ${Math.floor(elapsed / 1000)} s`);
  };
  const stop = (options.ticker ?? intervalTicker)(draw, 1000);
  const show = (next: P | string): void => {
    const newStage = typeof next === 'string' || typeof current === 'string' || current === undefined || !sameStage(current, next);
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

/**
 * An import's progress in stages — reading rows, checking them, applying
 * batch k of n, finishing — counted in rows, with the seconds gone by. Redrawn
 * when the import reports (at most every 100 ms, and at once on a new stage)
 * and at least once a second while it works, so the line never sits still.
 */
export const importProgress = (io: CliIo, options: { json: boolean; now?: () => number; ticker?: Ticker }): ImportProgressDisplay => {
  const width = barWidth(io, 'Applying batch 1 of 1');
  return stagedProgress<ImportProgress>(io, options, (progress, elapsed) => importProgressLine(progress, elapsed, width), (before, next) => before.stage === next.stage);
};

/** The progress of a due-work run (`process-due`) as the CLI shows it. */
export interface DueProgressDisplay {
  /** Work before the run reports (finding the organizations). */
  stage(label: string): void;
  /** What the run reports as it goes. */
  readonly onProgress: (progress: DueProgress) => void;
  /** Clears the line and stops redrawing. */
  finish(): void;
}

/** At most `max` characters of a name: its start and its end around `…`. */
const shorten = (name: string, max: number): string => {
  if (name.length <= max) return name;
  const end = Math.floor((max - 1) / 2);
  return `${name.slice(0, max - 1 - end)}…${name.slice(name.length - end)}`;
};

/** Room kept at the end of a line for ` · 123 s`, and for the cursor. */
const SECONDS_ROOM = 9;
/** Room kept for an import's stage, bar aside: up to 99 batches and 999,999 rows (`Applying batch 99 of 99 [] 999,999/999,999 rows`). */
const STAGE_ROOM = 47;
/** The narrowest bar a due-work line draws, and the fewest characters a name is shortened to. */
const MIN_DUE_BAR = 6;
const MIN_NAME = 8;

/**
 * The organization's id and the file's name within `room` characters
 * together: as they are when they fit, else the shorter keeps up to half and
 * the longer the rest, each shortened in the middle, to `MIN_NAME` at least.
 */
const fitNames = (orgId: string, fileName: string, room: number): [string, string] => {
  if (orgId.length + fileName.length <= room) return [orgId, fileName];
  const half = Math.floor(room / 2);
  if (orgId.length <= fileName.length) {
    const org = shorten(orgId, Math.max(MIN_NAME, half));
    return [org, shorten(fileName, Math.max(MIN_NAME, room - org.length))];
  }
  const file = shorten(fileName, Math.max(MIN_NAME, half));
  return [shorten(orgId, Math.max(MIN_NAME, room - file.length)), file];
};

/**
 * The line for a stage of a due-work run, for a terminal `columns` wide: the
 * organization (which of how many) and its scheduled deactivations or the
 * search for its due imports; or, for a due import, the organization, the
 * file (which of how many due imports) and the import's stage as `import`
 * draws it. The names take the room an import's stage leaves them with the
 * narrowest bar (shortened in the middle when they are long), the bar what
 * is left, from 6 to 40 cells: the same names and bar through one import.
 */
export const dueProgressLine = (progress: DueProgress, elapsedMs: number, columns: number): string => {
  const room = columns - SECONDS_ROOM;
  if (progress.stage !== 'import') {
    const what = `${progress.organizations > 1 ? ` (organization ${count(progress.organization)} of ${count(progress.organizations)})` : ''}: ${progress.stage === 'deactivations' ? 'scheduled deactivations' : 'due imports'}…`;
    return `${shorten(progress.orgId, Math.max(MIN_NAME, room - what.length))}${what}`;
  }
  const which = progress.imports > 1 ? ` (${count(progress.import)} of ${count(progress.imports)})` : '';
  const [orgId, fileName] = fitNames(progress.orgId, progress.fileName, room - STAGE_ROOM - MIN_DUE_BAR - ' ·  · '.length - which.length);
  const head = `${orgId} · ${fileName}${which} · `;
  const width = Math.max(MIN_DUE_BAR, Math.min(40, room - head.length - STAGE_ROOM));
  return `${head}${importProgressLine(progress.progress, elapsedMs, width)}`;
};

/** Whether a report continues the stage drawn before it: the same organization and step, for an import the same import and stage. */
const sameDueStage = (before: DueProgress, next: DueProgress): boolean =>
  before.orgId === next.orgId &&
  before.stage === next.stage &&
  (before.stage !== 'import' || next.stage !== 'import' || (before.importId === next.importId && before.progress.stage === next.progress.stage));

/**
 * A due-work run's progress on one line: which organization it is at, its
 * scheduled deactivations, and each due import with its file and its stages
 * as `import` draws them, with the seconds gone by; redrawn as an import's
 * progress is (at most every 100 ms, at once on a new stage, at least once a
 * second). Nothing when standard error is not a terminal or with `--json`.
 */
export const dueProgress = (io: CliIo, options: { json: boolean; now?: () => number; ticker?: Ticker }): DueProgressDisplay => {
  const columns = io.stderrColumns ?? 80;
  return stagedProgress<DueProgress>(io, options, (progress, elapsed) => dueProgressLine(progress, elapsed, columns), sameDueStage);
};
