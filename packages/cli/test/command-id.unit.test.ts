import { cliHarness, seedAcme } from './harness.js';

/** The output of a run, without what tells a first run from a repeat: the status (`applied` or `duplicate`, also printed as `result` by some commands). */
const facts = (document: Record<string, unknown>) => {
  const { status: _status, ...rest } = document;
  return rest['result'] === 'applied' || rest['result'] === 'duplicate' ? { ...rest, result: 'applied or duplicate' } : rest;
};

describe('a write repeated with the same --command-id', () => {
  test('prints the facts of its first run and writes nothing', async () => {
    const { run, store } = cliHarness();
    await seedAcme(run);
    const writes: string[][] = [
      ['learner', 'deactivate', 'acme', '0001', '9999', '--partial', '--reason', 'left'],
      ['learner', 'reactivate', 'acme', '0001'],
      ['team', 'create', 'acme', 'Marketing'],
      ['learner', 'register', 'acme', '0005', '--email', 'barbara@acme.test', '--first-name', 'Barbara', '--last-name', 'Liskov', '--team', 'Marketing'],
      ['learner', 'deactivate', 'acme', '0002', '--on', '2026-07-01'],
      ['org', 'seats', 'acme', '12'],
    ];
    for (const [index, argv] of writes.entries()) {
      const first = await run('--command-id', `write-${index}`, ...argv, '--json');
      expect({ argv, code: first.code }).toEqual({ argv, code: 0 });
      const head = await store.headPosition();
      const again = await run('--command-id', `write-${index}`, ...argv, '--json');
      expect({ argv, code: again.code }).toEqual({ argv, code: 0 });
      expect({ argv, facts: facts(again.json()) }).toEqual({ argv, facts: facts(first.json()) });
      expect(await store.headPosition()).toBe(head);
    }
  });
});
