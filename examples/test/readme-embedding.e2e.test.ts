import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { main } from '../src/embedding.js';

test('the embedding example deactivates a learner on SQLite and reports licenses and the inactive roster', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'learner-ledger-embedding-'));
  try {
    const { licenses, roster } = await main(path.join(dir, 'ledger.db'));
    expect(licenses).toEqual({ _tag: 'Right', right: expect.objectContaining({ orgId: 'acme', seats: 50, inUse: 0, available: 50 }) });
    expect(roster).toEqual({ _tag: 'Right', right: expect.objectContaining({ learners: [expect.objectContaining({ learnerId: '0042', channel: 'learner-profile' })] }) });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('the README shows the embedding example verbatim', () => {
  const readme = fs.readFileSync(path.resolve(__dirname, '../../README.md'), 'utf8');
  const source = fs.readFileSync(path.resolve(__dirname, '../src/embedding.ts'), 'utf8');
  const code = source.slice(source.indexOf('import '));
  expect(readme).toContain('```ts\n' + code + '```');
});
