import type { EraseLearnerPersonalData } from '../commands.js';
import { domainError, type DomainError } from '../errors.js';
import { organizationStreamId } from '../ids.js';
import { holdsPlainPersonalData } from '../personal/seal.js';
import type { EventStore } from '../store/port.js';
import type { CommandResult } from './types.js';

const PAGE = 1000;

/** Refused: this ledger keeps no personal-data keys, so nothing it writes can be erased. */
export const noPersonalDataKeys = (c: EraseLearnerPersonalData): DomainError =>
  domainError(
    'PERSONAL_DATA_NOT_SEALED',
    `Learner ${c.learnerId} cannot be erased: this ledger keeps no personal-data keys, so personal data is written in plain text (open the ledger with personalData keys)`,
    { subject: c.learnerId, field: 'learnerId', value: c.learnerId },
  );

/**
 * The first stream version whose event holds the learner's personal fields in
 * plain text (written before sealing), or undefined. Reads the sealed stream
 * as stored, a page at a time: erasure is rare, and must not miss one.
 */
export const firstPlainPersonalData = async (sealed: EventStore, orgId: string, learnerId: string): Promise<number | undefined> => {
  const streamId = organizationStreamId(orgId);
  for (let fromVersion = 1; ; fromVersion += PAGE) {
    const { events } = await sealed.readStream(streamId, { fromVersion, maxCount: PAGE });
    for (const event of events) if (holdsPlainPersonalData(event, learnerId)) return event.streamVersion;
    if (events.length < PAGE) return undefined;
  }
};

/** Refused: the learner's personal data is in events written in plain text, which erasure does not rewrite. */
export const plainPersonalData = (c: EraseLearnerPersonalData, version: number): DomainError =>
  domainError(
    'PERSONAL_DATA_NOT_SEALED',
    `Learner ${c.learnerId} cannot be erased: the event at version ${version} of ${organizationStreamId(c.orgId)} holds their personal data in plain text ` +
      `(written before personal data was sealed); erasure never rewrites the log, so it would stay there`,
    { subject: c.learnerId, field: 'learnerId', value: c.learnerId },
  );

/** Whether the erasure's key is to be shredded: it was erased now, or was before (finishing an erasure cut short). */
export const erasureToFinish = (result: CommandResult): boolean =>
  result.status !== 'unchanged' || result.outcomes.some((outcome) => outcome.code === 'ALREADY_ERASED');
