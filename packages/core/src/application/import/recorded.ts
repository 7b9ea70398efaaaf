import * as E from 'fp-ts/lib/Either.js';
import type { ImportCounts, ImportLineRecord } from '../../events.js';
import { organizationStreamId } from '../../ids.js';
import type { Ledger } from '../../ledger/ledger.js';
import { decodeEvent } from '../../serialization.js';

const PAGE = 5000;
const IMPORT_EVENTS = new Set(['ImportReceived', 'ImportLinesRecorded', 'ImportApplied', 'ImportRejected']);

/** What the log says about one import: its recorded lines and how it ended. */
export interface RecordedImport {
  readonly lines: ImportLineRecord[];
  readonly outcome?: { readonly applied: true; readonly counts: ImportCounts } | { readonly applied: false; readonly code: string; readonly message: string };
}

/**
 * Reads an import's audit back from the organization's stream: the per-line
 * records written so far (to resume an interrupted import without writing a
 * line twice) and its outcome (to answer a repeated import with the earlier
 * result). Only import audit events are decoded.
 */
export const readRecordedImport = async (ledger: Ledger, orgId: string, importId: string): Promise<RecordedImport> => {
  const streamId = organizationStreamId(orgId);
  const lines: ImportLineRecord[] = [];
  let outcome: RecordedImport['outcome'];
  // Read backwards, page by page, down to the import's ImportReceived: a recent import costs only the tail of the stream.
  const { currentVersion } = await ledger.store.readStream(streamId, { fromVersion: 1, maxCount: 1 });
  let received = false;
  for (let to = currentVersion; to >= 1 && !received; to -= PAGE) {
    const from = Math.max(1, to - PAGE + 1);
    const page = await ledger.store.readStream(streamId, { fromVersion: from, maxCount: to - from + 1 });
    for (const stored of page.events) {
      if (!IMPORT_EVENTS.has(stored.type)) continue;
      const decoded = decodeEvent(stored);
      if (E.isLeft(decoded)) throw new Error(decoded.left.message);
      const event = decoded.right.event;
      if (event.type === 'ImportReceived' && event.data.importId === importId) received = true;
      else if (event.type === 'ImportLinesRecorded' && event.data.importId === importId) lines.push(...event.data.lines);
      else if (event.type === 'ImportApplied' && event.data.importId === importId) outcome = { applied: true, counts: event.data.counts };
      else if (event.type === 'ImportRejected' && event.data.importId === importId) outcome = { applied: false, code: event.data.code, message: event.data.message };
    }
  }
  lines.sort((a, b) => (a.line === 0 ? 1 : 0) - (b.line === 0 ? 1 : 0) || a.line - b.line || (a.learnerId < b.learnerId ? -1 : a.learnerId > b.learnerId ? 1 : 0));
  return { lines, ...(outcome ? { outcome } : {}) };
};
