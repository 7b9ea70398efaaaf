/** What a command prints: one JSON document for scripts, text for people. */
export interface Output {
  readonly json: unknown;
  /** Printed as is (commands end their own lines). */
  readonly text: string;
  /** A result that is also a refusal (a rejected import): exit code 1 and this message on stderr, after the output. */
  readonly failure?: { readonly code: string; readonly message: string };
}

/** JSON that also carries bigints (global positions) as strings. */
export const toJson = (value: unknown): string =>
  JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));

/** Pads columns of a small table for the terminal. */
export const table = (rows: readonly (readonly string[])[], header?: readonly string[]): string => {
  const all = header ? [header, ...rows] : rows;
  if (all.length === 0) return '';
  const widths = all[0]!.map((_, column) => Math.max(...all.map((row) => (row[column] ?? '').length)));
  const line = (row: readonly string[]) => row.map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column]!))).join('  ').trimEnd();
  const lines = all.map(line);
  if (header) lines.splice(1, 0, widths.map((w) => '-'.repeat(w)).join('  '));
  return lines.join('\n') + '\n';
};

/** `3 of 10 in use, 7 available`. */
export const licenseSummary = (seats: number, inUse: number): string => `${inUse} of ${seats} in use, ${seats - inUse} available`;

export const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;
