import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { main } from '../src/scim-provisioning.js';

test('Okta provisions and deprovisions a learner over SCIM on SQLite with a token issued into the ledger; the retry changes nothing; the roster shows channel scim and the client', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'learner-ledger-scim-'));
  try {
    const outcome = await main(path.join(dir, 'ledger.db'));
    expect(outcome).toMatchObject({ created: 201, deactivated: false, retried: 200 });
    expect(outcome.tokens).toEqual([{ tokenId: expect.stringMatching(/^tok-[0-9a-f]{12}$/), client: 'okta', status: 'active' }]);
    expect(outcome.licenses).toEqual({ _tag: 'Right', right: expect.objectContaining({ orgId: 'acme', seats: 10, inUse: 0 }) });
    expect(outcome.roster).toEqual({
      _tag: 'Right',
      right: expect.objectContaining({ learners: [expect.objectContaining({ channel: 'scim', actor: { kind: 'connector', id: 'okta' } })] }),
    });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
