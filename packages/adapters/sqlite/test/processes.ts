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

/** Starts a process that holds the write lock of `file` for `holdMs`; resolves once it holds it. */
export const holdWriteLock = async (file: string, holdMs: number): Promise<{ released: Promise<void> }> => {
  const child = spawn(process.execPath, [join(__dirname, 'fixtures', 'lock-holder.cjs'), file, String(holdMs)], { stdio: ['ignore', 'pipe', 'pipe'], timeout: 60_000 });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const released = new Promise<void>((resolve, reject) =>
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`lock holder exited with ${code}: ${stderr}`)))),
  );
  await new Promise<void>((resolve, reject) => {
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      if (chunk.includes('locked')) resolve();
    });
    released.then(() => reject(new Error('lock holder exited before locking')), reject);
  });
  return { released };
};
