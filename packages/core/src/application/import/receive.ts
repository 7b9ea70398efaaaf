import * as E from 'fp-ts/lib/Either.js';
import type { DomainError } from '../../errors.js';
import type { ImportOptions, ImportSchedule } from '../../events.js';
import type { Ledger } from '../../ledger/ledger.js';
import type { ImportRecord, OrganizationState } from '../../organization/state.js';
import { importDueAt } from '../../time.js';
import { commandContext, type ImportContext } from './context.js';

export interface Receipt {
  readonly sha256: string;
  readonly targetTeamId: string;
  readonly rowCount: number;
  readonly schedule: ImportSchedule;
  readonly options: ImportOptions;
  readonly location?: string;
}

/**
 * Records that the file was received (`ImportReceived`): its hash, format,
 * target team, options, location and when it is due — now, or at the next
 * top of the hour or daily import time in the organization's time zone.
 */
export const receiveImport = async (ledger: Ledger, context: ImportContext, state: OrganizationState, receipt: Receipt): Promise<E.Either<DomainError, ImportRecord>> => {
  const dueAt = importDueAt(receipt.schedule, context.now, state.timeZone, state.dailyImportTime);
  const record: ImportRecord = {
    importId: context.importId,
    fileName: context.fileName,
    format: context.format,
    dueAt,
    status: 'received',
    ...receipt,
  };
  const { status: _status, ...data } = record;
  const result = await ledger.execute({ type: 'RecordImportReceived', orgId: context.orgId, ...data }, commandContext(context, 'received'));
  return E.map(() => record)(result);
};
