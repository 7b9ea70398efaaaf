import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CORE_VERSION, SNAPSHOT_CODE_VERSION, SNAPSHOT_SCHEMA_VERSION } from '../src/index.js';

const source = (path: string): string => readFileSync(join(__dirname, '..', 'src', path), 'utf8');

/**
 * Snapshots are trusted only by the code that folds exactly like the code that
 * wrote them. These pins make a change to the fold or to the snapshot form fail
 * here until SNAPSHOT_SCHEMA_VERSION is bumped (old snapshots are then ignored
 * and rebuilt from events) and the pin updated.
 */
describe('snapshot versions', () => {
  it('the code version is the package version', () => {
    const pkg = JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8')) as { name: string; version: string };
    expect(CORE_VERSION).toBe(pkg.version);
    expect(SNAPSHOT_CODE_VERSION).toBe(`${pkg.name}@${pkg.version}`);
  });

  it('the fold and the snapshot form are those of the pinned schema version (after a change: bump SNAPSHOT_SCHEMA_VERSION, pin the new fingerprint)', () => {
    // Whitespace is ignored, so reformatting does not count as a change.
    const files = [
      'organization/evolve.ts',
      'organization/state.ts',
      'snapshots/state-codec.ts',
      // The compact learner table, the command index and the binary form they are written in.
      'organization/learners.ts',
      'organization/normalize.ts',
      'organization/learner-table.ts',
      'organization/email-index.ts',
      'organization/inactive-since.ts',
      'organization/scim-window.ts',
      ...['growing.ts', 'instants.ts', 'interned.ts', 'key-probe.ts', 'learner-text.ts', 'paged-column.ts', 'row-index.ts', 'table-parts.ts', 'text-arena.ts'].map((file) => `organization/table/${file}`),
      'ledger/command-index.ts',
      ...['format.ts', 'snapshot-meta.ts', 'snapshot-encode.ts', 'snapshot-decode.ts'].map((file) => `snapshots/${file}`),
    ];
    const folded = files.map((path) => source(path).replace(/\s+/g, ' ')).join('\n');
    const fingerprint = createHash('sha256').update(folded).digest('hex').slice(0, 16);
    const pinned: Record<number, string> = { 1: '32a2aae19d6f40db', 2: 'ed08b52ee5f7441e', 3: '35916047a321651b', 4: '14a2e80114125d6a', 5: 'a6cf42a98f9db222', 6: 'eab1bbf6f4c2ff3b', 7: '13cd3a077b19e671', 8: '442edad57886de5d' };
    expect({ schemaVersion: SNAPSHOT_SCHEMA_VERSION, fingerprint }).toEqual({ schemaVersion: SNAPSHOT_SCHEMA_VERSION, fingerprint: pinned[SNAPSHOT_SCHEMA_VERSION] });
  });
});
