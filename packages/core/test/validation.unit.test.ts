import fc from 'fast-check';
import { DateTime } from 'luxon';
import {
  checkEmail,
  checkText,
  firstControlCharacter,
  isEmail,
  isEntityId,
  isIsoDate,
  isOrgId,
  isSeats,
  isText,
  isTimeOfDay,
  isValidTimeZone,
  MAX_EMAIL_LENGTH,
  MAX_ID_LENGTH,
  MAX_SEATS,
  MAX_TEXT_LENGTH,
} from '../src/index.js';

/** The input rules, which the decider and the CSV import share. */
describe('validation', () => {
  it('accepts text up to MAX_TEXT_LENGTH characters without control characters', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: MAX_TEXT_LENGTH + 20 }), (text) => {
        const hasControl = [...text].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f);
        expect(isText(text)).toBe(text.length <= MAX_TEXT_LENGTH && !hasControl);
        expect(firstControlCharacter(text) !== undefined).toBe(hasControl);
      }),
    );
    expect(isText('x'.repeat(MAX_TEXT_LENGTH))).toBe(true);
    expect(isText('x'.repeat(MAX_TEXT_LENGTH + 1))).toBe(false);
    expect(firstControlCharacter('a\u0007b')).toBe('U+0007');
  });

  it('states the limit from the constant in its messages', () => {
    expect(checkText('firstName', 'First name', 'x'.repeat(MAX_TEXT_LENGTH + 1), false)?.message).toContain(`at most ${MAX_TEXT_LENGTH} characters`);
    expect(checkEmail('no-at-sign', '0001')?.message).toContain(`at most ${MAX_EMAIL_LENGTH} characters`);
  });

  it('accepts an e-mail address of at most MAX_EMAIL_LENGTH characters', () => {
    const address = (length: number) => `${'a'.repeat(length - '@acme.test'.length)}@acme.test`;
    expect(isEmail(address(MAX_EMAIL_LENGTH))).toBe(true);
    expect(isEmail(address(MAX_EMAIL_LENGTH + 1))).toBe(false);
    for (const bad of ['', 'no-at-sign', 'a@b', 'a b@c.de', '@acme.test', 'a@@acme.test', ' a@acme.test']) expect(isEmail(bad)).toBe(false);
    expect(checkEmail('  ada@acme.test ', '0001')).toBeUndefined();
    fc.assert(fc.property(fc.emailAddress(), (email) => expect(isEmail(email)).toBe(email.length <= MAX_EMAIL_LENGTH)), { numRuns: 500 });
  });

  it('keeps ids verbatim: 1 to MAX_ID_LENGTH characters, no control characters, no surrounding spaces', () => {
    expect(isEntityId('0001')).toBe(true);
    expect(isEntityId('x'.repeat(MAX_ID_LENGTH))).toBe(true);
    for (const bad of ['', ' 0001', '0001 ', 'a\u0000b', 'x'.repeat(MAX_ID_LENGTH + 1)]) expect(isEntityId(bad)).toBe(false);
    expect(isOrgId('acme-1.eu_west')).toBe(true);
    for (const bad of ['', '-acme', 'a b', '../acme', 'x'.repeat(65)]) expect(isOrgId(bad)).toBe(false);
  });

  it('accepts seats from 0 to MAX_SEATS, whole numbers only', () => {
    expect([0, 1, MAX_SEATS].every(isSeats)).toBe(true);
    expect([-1, 2.5, MAX_SEATS + 1, Number.NaN, Number.POSITIVE_INFINITY].some(isSeats)).toBe(false);
  });

  it('reads IANA time zones and HH:mm times of day', () => {
    expect(isValidTimeZone('America/Chicago')).toBe(true);
    expect(isValidTimeZone('Europe/Atlantis')).toBe(false);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 30 }), fc.integer({ min: 0, max: 70 }), (hour, minute) => {
        const text = `${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}`;
        expect(isTimeOfDay(text)).toBe(hour < 24 && minute < 60);
      }),
    );
    expect(['7am', '7:00', '07:00:00', ''].some(isTimeOfDay)).toBe(false);
  });

  it('accepts exactly the real calendar dates YYYY-MM-DD (as luxon reads them)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 9999 }), fc.integer({ min: 0, max: 13 }), fc.integer({ min: 0, max: 32 }), (year, month, day) => {
        const text = `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
        expect(isIsoDate(text)).toBe(DateTime.fromISO(text, { zone: 'utc' }).isValid);
      }),
    );
    expect(['2026-02-30', '06/30/2026', '2026-6-30', '2026-06-30T00:00:00Z', ' 2026-06-30'].some(isIsoDate)).toBe(false);
  });
});
