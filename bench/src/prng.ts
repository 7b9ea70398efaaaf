import { mulberry32 } from '@learner-ledger/core/testing';

/** Seeded draws over mulberry32: the same seed gives the same workload on every machine. */
export interface Random {
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [0, max). */
  int(max: number): number;
  /** A UUID-shaped (v4 layout) id drawn from this generator. */
  uuid(): string;
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
const VARIANT = ['8', '9', 'a', 'b'];

export const seededRandom = (seed: number): Random => {
  const next = mulberry32(seed);
  const word = (): string => {
    const v = Math.floor(next() * 0x100000000);
    return HEX[v >>> 24]! + HEX[(v >>> 16) & 0xff]! + HEX[(v >>> 8) & 0xff]! + HEX[v & 0xff]!;
  };
  return {
    next,
    int: (max) => Math.floor(next() * max),
    uuid: () => {
      const a = word();
      const b = word();
      const c = word();
      const d = word();
      // xxxxxxxx-xxxx-4xxx-[89ab]xxx-xxxxxxxxxxxx
      return `${a}-${b.slice(0, 4)}-4${b.slice(5, 8)}-${VARIANT[c.charCodeAt(0) & 3]}${c.slice(1, 4)}-${c.slice(4, 8)}${d}`;
    },
  };
};

/** Fisher–Yates shuffle of a copy. */
export const shuffled = <T>(items: readonly T[], random: Random): T[] => {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = random.int(i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
};
