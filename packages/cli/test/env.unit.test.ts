import fc from 'fast-check';
import { switchedOff } from '../src/index.js';

const NAME = 'LEARNER_LEDGER_SNAPSHOTS';

test('off, 0, false and no turn a switch off, in any letter case and with spaces around them', () => {
  for (const value of ['off', 'OFF', 'Off', ' 0 ', 'false', 'FALSE', 'no', 'No', '\toff\n']) expect(switchedOff({ [NAME]: value }, NAME)).toBe(true);
});

test('unset, empty and every other value leave it on', () => {
  expect(switchedOff({}, NAME)).toBe(false);
  expect(switchedOff({ [NAME]: undefined }, NAME)).toBe(false);
  for (const value of ['', ' ', 'on', '1', 'true', 'yes', 'of', 'o ff', '00', 'none', 'disabled', 'offline', 'nope']) expect(switchedOff({ [NAME]: value }, NAME)).toBe(false);
});

test('only the named variable counts', () => {
  expect(switchedOff({ LEARNER_LEDGER_READ_MODELS: 'off' }, NAME)).toBe(false);
  expect(switchedOff({ [NAME]: 'on', LEARNER_LEDGER_READ_MODELS: 'off' }, 'LEARNER_LEDGER_READ_MODELS')).toBe(true);
  // Names are taken as they are written.
  expect(switchedOff({ [NAME.toLowerCase()]: 'off' }, NAME)).toBe(false);
});

test('a word of the four, its letters in any case and white space around it, is off; the same word with anything else added is on', () => {
  const space = fc.constantFrom('', ' ', '  ', '\t', '\n', '\r\n', '\u00a0');
  const offWord = fc
    .tuple(fc.constantFrom('off', '0', 'false', 'no'), fc.array(fc.boolean(), { minLength: 5, maxLength: 5 }))
    .map(([word, upper]) => [...word].map((c, i) => (upper[i] ? c.toUpperCase() : c)).join(''));
  fc.assert(fc.property(space, offWord, space, (before, word, after) => switchedOff({ [NAME]: `${before}${word}${after}` }, NAME)));
  // No word of the four is another with a character taken out, so text added anywhere makes none of them.
  const extra = fc.string({ minLength: 1, maxLength: 3 }).filter((text) => /^\S+$/u.test(text));
  fc.assert(
    fc.property(space, offWord, extra, fc.nat(), space, (before, word, added, at, after) => {
      const i = at % (word.length + 1);
      return !switchedOff({ [NAME]: `${before}${word.slice(0, i)}${added}${word.slice(i)}${after}` }, NAME);
    }),
  );
});
