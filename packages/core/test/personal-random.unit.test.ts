import { drawRandomBytes } from '../src/personal/random.js';

describe('drawRandomBytes: keys and nonces from a pooled CSPRNG buffer', () => {
  test('every draw has the length asked and no two draws repeat, across many refills of the pool', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 5000; i++) {
      const length = i % 2 === 0 ? 12 : 32;
      const bytes = drawRandomBytes(length);
      expect(bytes.length).toBe(length);
      seen.add(bytes.toString('hex'));
    }
    // 12 random bytes repeat with probability 2^-96 a pair: a repeat means two draws shared their bytes.
    expect(seen.size).toBe(5000);
  });

  test('a draw is a copy: later draws (and the refills they cause) do not change it', () => {
    const kept = Array.from({ length: 50 }, () => drawRandomBytes(32));
    const copies = kept.map((bytes) => Buffer.from(bytes));
    for (let i = 0; i < 2000; i++) drawRandomBytes(32);
    kept.forEach((bytes, i) => expect(bytes.equals(copies[i]!)).toBe(true));
  });

  test('draws are not zeros (the pool is filled before it is drawn from)', () => {
    for (let i = 0; i < 500; i++) expect(drawRandomBytes(16).equals(Buffer.alloc(16))).toBe(false);
  });

  test('a length outside 0..4096 is refused; 0 draws nothing', () => {
    expect(drawRandomBytes(0).length).toBe(0);
    expect(drawRandomBytes(4096).length).toBe(4096);
    expect(() => drawRandomBytes(4097)).toThrow(RangeError);
    expect(() => drawRandomBytes(-1)).toThrow(RangeError);
    expect(() => drawRandomBytes(1.5)).toThrow(RangeError);
  });
});
