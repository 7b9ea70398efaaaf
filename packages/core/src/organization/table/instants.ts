/**
 * Instants (UTC ISO strings) as numbers a Float64 column holds exactly: 0
 * for none; a positive number for an instant written as `Date.toISOString`
 * writes it (with or without its `.000` milliseconds), from the instant and
 * which of the two forms it had; -k for the k-th other string seen (kept in
 * a list), so that every string comes back exactly as it was given.
 */

/** The first millisecond of year 0000 and the last of year 9999: the range `toISOString` writes with four digits. */
const FIRST_MS = -62_167_219_200_000;
const LAST_MS = 253_402_300_799_999;
const WITH_MILLISECONDS = 0;
const WITHOUT_MILLISECONDS = 1;

/** The code of an instant in its `toISOString` form, or 0 when `instant` is not in one of the two forms. */
const canonicalCode = (instant: string): number => {
  const ms = Date.parse(instant);
  if (!(ms >= FIRST_MS && ms <= LAST_MS)) return 0;
  const iso = new Date(ms).toISOString();
  const form = iso === instant ? WITH_MILLISECONDS : ms % 1000 === 0 && instant.length === 20 && iso.slice(0, 19) + 'Z' === instant ? WITHOUT_MILLISECONDS : -1;
  return form < 0 ? 0 : (ms - FIRST_MS) * 2 + form + 1;
};

/** The largest code {@link InstantCodes.encode} gives an instant in its `toISOString` form. */
const MAX_CANONICAL_CODE = (LAST_MS - FIRST_MS) * 2 + WITHOUT_MILLISECONDS + 1;

export class InstantCodes {
  private readonly others: string[] = [];
  private readonly codes = new Map<string, number>();

  encode(instant: string | undefined): number {
    if (instant === undefined) return 0;
    const canonical = canonicalCode(instant);
    if (canonical > 0) return canonical;
    let code = this.codes.get(instant);
    if (code === undefined) {
      this.others.push(instant);
      code = -this.others.length;
      this.codes.set(instant, code);
    }
    return code;
  }

  decode(code: number): string | undefined {
    if (code === 0) return undefined;
    if (code < 0) return this.others[-code - 1]!;
    const iso = new Date(Math.floor((code - 1) / 2) + FIRST_MS).toISOString();
    return (code - 1) % 2 === WITH_MILLISECONDS ? iso : iso.slice(0, 19) + 'Z';
  }

  /** Whether `code` is a code this table reads back (a whole number in range, an other string it holds). */
  knows(code: number): boolean {
    return Number.isInteger(code) && code <= MAX_CANONICAL_CODE && -code <= this.others.length;
  }

  /** The strings that are not in a `toISOString` form, in the order of their codes (for snapshots). */
  otherInstants(): readonly string[] {
    return this.others;
  }

  /** The table a snapshot recorded; undefined when a string is listed twice or is in a `toISOString` form. */
  static of(others: readonly string[]): InstantCodes | undefined {
    const table = new InstantCodes();
    for (let i = 0; i < others.length; i++) if (table.encode(others[i]!) !== -(i + 1)) return undefined;
    return table;
  }
}
