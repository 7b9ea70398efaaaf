import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A fresh directory for database files, removed by the returned cleanup. */
export const temporaryDirectory = (prefix = 'll-sqlite-'): { dir: string; file: (name?: string) => string; remove: () => void } => {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, file: (name = 'learner-ledger.db') => join(dir, name), remove: () => rmSync(dir, { recursive: true, force: true }) };
};
