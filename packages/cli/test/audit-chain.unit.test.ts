import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { StoredEvent } from '@learner-ledger/core';
import { cliHarness, seedAcme } from './harness.js';

describe('audit digest, verify, prove, check-proof', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'll-chain-cli-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  test('a digest kept outside verifies the stream and proves one of its events; an edited event fails verification with exit 1, naming it', async () => {
    const { run, store } = cliHarness({ cwd: process.cwd() });
    await seedAcme(run);
    const digest = await run('audit', 'digest', 'acme');
    expect(digest.code).toBe(0);
    const document = digest.json();
    expect(document).toMatchObject({ digest: 'learner-ledger/chain-digest/1', orgId: 'acme', streamVersion: await store.headPosition().then(Number), unchainedEvents: 0 });
    const digestFile = join(dir, 'acme.digest.json');
    writeFileSync(digestFile, digest.out);

    const verified = await run('audit', 'verify', 'acme', '--digest', digestFile);
    expect(verified.code).toBe(0);
    expect(verified.out).toContain(`The chain of acme verifies: ${document.streamVersion} events`);
    expect(verified.out).toContain(document.hash);

    // Events written after the digest keep it valid.
    expect((await run('learner', 'deactivate', 'acme', '0001')).code).toBe(0);
    expect((await run('audit', 'verify', 'acme', '--digest', digestFile, '--json')).json()).toMatchObject({ verified: true });

    const proof = await run('audit', 'prove', 'acme', '5', '--digest', digestFile);
    expect(proof.code).toBe(0);
    const proofFile = join(dir, 'proof.json');
    writeFileSync(proofFile, proof.out);
    const checked = await run('audit', 'check-proof', proofFile, '--digest', digestFile);
    expect(checked.code).toBe(0);
    expect(checked.out).toContain('Proven: LearnerRegistered at version 5');
    // The proof holds the event as stored, its personal fields sealed: the forger edits what is in the clear.
    expect(proof.out).not.toContain('Lovelace');
    expect(proof.out).toContain('"active"');
    writeFileSync(proofFile, proof.out.replace('"active"', '"inactive"'));
    const forged = await run('audit', 'check-proof', proofFile, '--digest', digestFile);
    expect(forged.code).toBe(1);
    expect(forged.err).toContain('PROOF_INVALID');

    // An actor changed by hand in the stored event at version 6.
    const read = store.readStream.bind(store);
    const edit = (e: StoredEvent): StoredEvent => (e.streamVersion === 6 ? { ...e, metadata: { ...(e.metadata as object), actor: { kind: 'admin', id: 'someone-else' } } } : e);
    store.readStream = async (...args) => {
      const result = await read(...args);
      return { ...result, events: result.events.map(edit) };
    };
    const broken = await run('audit', 'verify', 'acme');
    expect(broken.code).toBe(1);
    expect(broken.err).toMatch(/CHAIN_MISMATCH.*position 6 \(version 6, event [^,]+, LicenseAssigned\): the metadata differs/);
    const json = (await run('audit', 'verify', 'acme', '--json')).json();
    expect(json).toMatchObject({ verified: false, mismatch: { position: 6, streamVersion: 6, kind: 'metadata', type: 'LicenseAssigned' } });
    expect((await run('audit', 'digest', 'acme')).code).toBe(1);
  });

  test('a digest of events the stream no longer holds, a file that is not a digest, and an unknown organization', async () => {
    const { run } = cliHarness();
    await seedAcme(run);
    const document = (await run('audit', 'digest', 'acme', '--json')).json();
    const later = join(dir, 'later.json');
    writeFileSync(later, JSON.stringify({ ...document, streamVersion: document.streamVersion + 3 }));
    const removed = await run('audit', 'verify', 'acme', '--digest', later);
    expect(removed.code).toBe(1);
    expect(removed.err).toContain('events were removed');
    const junk = join(dir, 'junk.json');
    writeFileSync(junk, '{"hello": 1}');
    expect((await run('audit', 'verify', 'acme', '--digest', junk)).err).toContain('INVALID_DIGEST');
    expect((await run('audit', 'verify', 'nobody')).err).toContain('ORGANIZATION_NOT_FOUND');
    expect((await run('audit', 'prove', 'acme', '999')).err).toContain('EVENT_NOT_FOUND');
  });
});
