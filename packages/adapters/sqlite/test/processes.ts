import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { join } from 'node:path';

const WRITER = join(__dirname, 'fixtures', 'writer-process.cjs');

export interface WriterProcess {
  readonly child: ChildProcessWithoutNullStreams;
  /** Resolves once the process has opened the store and waits for `go()`. */
  readonly ready: Promise<void>;
  go(): void;
  /** The JSON report it prints when it is done. */
  readonly report: Promise<unknown>;
}

/** Starts `fixtures/writer-process.cjs` (the real adapter, loaded from source) as a separate OS process. */
export const startWriter = (args: readonly string[], options: { uid?: number; gid?: number } = {}): WriterProcess => {
  const child = spawn(process.execPath, [WRITER, ...args], { stdio: ['pipe', 'pipe', 'pipe'], timeout: 60_000, ...options });
  let stdout = '';
  let stderr = '';
  let markReady: () => void;
  const ready = new Promise<void>((resolve) => (markReady = resolve));
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
    if (stdout.startsWith('ready\n')) markReady();
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const report = new Promise<unknown>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`writer process ${args.join(' ')} exited with ${code}: ${stderr}`));
      const last = stdout.trim().split('\n').pop() ?? '';
      try {
        resolve(JSON.parse(last));
      } catch {
        reject(new Error(`writer process printed no report: ${stdout} ${stderr}`));
      }
    });
  });
  return { child, ready: Promise.race([ready, report.then(() => undefined)]), go: () => child.stdin.end('go\n'), report };
};

/** How long the lock holder keeps the lock: until `release()` is called, or `holdMs` after `marker` (a file path) appears. */
export type LockHold = { readonly until: 'released' } | { readonly marker: string; readonly holdMs: number };

/**
 * Starts a process that holds the write lock of `file`; resolves once it holds it.
 * `released` resolves with the holder's clock (ms since the epoch) just before it let go.
 */
export const holdWriteLock = async (file: string, hold: LockHold): Promise<{ released: Promise<number>; release: () => void }> => {
  const args = 'until' in hold ? ['until-released'] : ['after-marker', hold.marker, String(hold.holdMs)];
  const child = spawn(process.execPath, [join(__dirname, 'fixtures', 'lock-holder.cjs'), file, ...args], { stdio: ['pipe', 'pipe', 'pipe'], timeout: 60_000 });
  let stdout = '';
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  const released = new Promise<number>((resolve, reject) =>
    child.on('close', (code) => {
      const at = /released (\d+)/.exec(stdout);
      if (code === 0 && at) resolve(Number(at[1]));
      else reject(new Error(`lock holder exited with ${code}: ${stdout} ${stderr}`));
    }),
  );
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', () => {
      if (stdout.includes('locked\n')) resolve();
    });
    released.then(() => reject(new Error('lock holder exited before locking')), reject);
  });
  return { released, release: () => child.stdin.end('release\n') };
};
