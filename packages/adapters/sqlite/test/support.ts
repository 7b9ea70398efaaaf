import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A fresh directory for database files, removed by the returned cleanup. */
export const temporaryDirectory = (prefix = 'll-sqlite-'): { dir: string; file: (name?: string) => string; remove: () => void } => {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, file: (name = 'learner-ledger.db') => join(dir, name), remove: () => rmSync(dir, { recursive: true, force: true }) };
};

/** The value of a ledger result, or a failed test naming the domain error. */
export const rightOf = <A>(result: { readonly _tag: 'Left'; readonly left: { readonly message: string } } | { readonly _tag: 'Right'; readonly right: A }): A => {
  if (result._tag === 'Left') throw new Error(`expected success, got: ${result.left.message}`);
  return result.right;
};
