import { HEAP_GROWING_PERCENT, heapGrowthFlag } from '../src/index.js';

const ours = `--heap-growing-percent=${HEAP_GROWING_PERCENT}`;

test('the tool keeps its heap near what it holds live unless told otherwise', () => {
  expect(heapGrowthFlag([], {})).toBe(ours);
  expect(heapGrowthFlag([], { LEARNER_LEDGER_TIGHT_HEAP: '' })).toBe(ours);
  expect(heapGrowthFlag([], { LEARNER_LEDGER_TIGHT_HEAP: 'on' })).toBe(ours);
  // A heap limit is another choice: the growth is still the tool's.
  expect(heapGrowthFlag(['--max-old-space-size=4096'], { NODE_OPTIONS: '--max-old-space-size=384' })).toBe(ours);
});

test('LEARNER_LEDGER_TIGHT_HEAP=off leaves the growth to V8', () => {
  for (const off of ['off', 'OFF', ' 0 ', 'false', 'no']) expect(heapGrowthFlag([], { LEARNER_LEDGER_TIGHT_HEAP: off })).toBeUndefined();
});

test('a --heap-growing-percent given to node, in either spelling, is left as it is', () => {
  expect(heapGrowthFlag(['--heap-growing-percent=0'], {})).toBeUndefined();
  expect(heapGrowthFlag(['--heap_growing_percent=80'], {})).toBeUndefined();
  expect(heapGrowthFlag(['--heap-growing-percent', '20'], {})).toBeUndefined();
  // A longer flag that only starts with the same words is not it.
  expect(heapGrowthFlag(['--heap-growing-percentage=5'], {})).toBe(ours);
});
