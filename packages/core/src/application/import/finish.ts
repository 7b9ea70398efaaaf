import * as E from 'fp-ts/lib/Either.js';
import type { DomainError } from '../../errors.js';
import type { ImportCounts } from '../../events.js';
import type { Ledger } from '../../ledger/ledger.js';
import { commandContext, type ImportContext } from './context.js';

/** How an import ends: applied with its counts, or rejected with why. */
export type ImportEnd = { readonly applied: true } | { readonly applied: false; readonly code: string; readonly message: string };

/** Closes the import in the log: `ImportApplied` with its counts, or `ImportRejected` with why. Whether it was appended. */
export const finishImport = async (ledger: Ledger, context: ImportContext, sha256: string, end: ImportEnd, counts: ImportCounts): Promise<E.Either<DomainError, boolean>> => {
  const result = await ledger.execute(
    {
      type: 'FinishImport',
      orgId: context.orgId,
      importId: context.importId,
      sha256,
      outcome: end.applied ? { applied: true, counts } : { applied: false, code: end.code, message: end.message, counts },
    },
    commandContext(context, end.applied ? 'applied' : 'rejected'),
  );
  return E.map((done: { readonly status: string }) => done.status === 'applied')(result);
};
