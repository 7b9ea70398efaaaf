/**
 * How far an import has come, reported as it goes (`onProgress`): rows read
 * from the file, rows checked against the decider, batches applied, and the
 * closing of the import. Reported at row granularity (every few thousand rows
 * at most), so a caller can show it moving.
 */
export type ImportProgress =
  | { readonly stage: 'reading'; readonly rows: number }
  | { readonly stage: 'checking'; readonly rows: number; readonly total: number }
  | { readonly stage: 'applying'; readonly batch: number; readonly batches: number; readonly rows: number; readonly total: number }
  | { readonly stage: 'finishing' };
