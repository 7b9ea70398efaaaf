import { main } from '../src/auditor-as-of-report.js';

test('the auditor’s as-of report: counts, inactive roster and the file and line that cost 0004 the license', async () => {
  const lines: string[] = [];
  const outcome = await main((line) => lines.push(line));
  expect(outcome.asOf).toEqual({ at: '2026-04-01T04:59:59.999Z', seats: 10, inUse: 2, available: 8 });
  expect(outcome.inactiveOnMarch31).toEqual([
    { learnerId: '0002', channel: 'learner-draft' },
    { learnerId: '0004', channel: 'data-services', line: expect.any(Number) },
  ]);
  expect(outcome.licenseLost).toEqual({
    by: { kind: 'import', id: expect.any(String) },
    channel: 'data-services',
    importId: expect.any(String),
    fileName: 'acme-sales-learners.csv',
    line: outcome.inactiveOnMarch31[1]!.line,
    at: '2026-04-01T01:30:00.000Z',
  });
  expect(outcome.monthly).toEqual([0, 2, 3]);
  expect(outcome.inUseNow).toBe(3);
  expect(lines.some((line) => line.startsWith('why 0004 lost the license: License L-4 of 0004 released to the pool'))).toBe(true);
});
