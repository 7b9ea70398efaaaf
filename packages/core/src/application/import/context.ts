import type { ImportFormat } from '../../events.js';
import type { CommandContext } from '../../ledger/types.js';
import type { Actor } from '../../metadata.js';

/** What every command of one import carries: who, through which channel, for which file, at which instant. */
export interface ImportContext {
  readonly orgId: string;
  readonly importId: string;
  readonly fileName: string;
  readonly format: ImportFormat;
  readonly actor: Actor;
  readonly now: string;
  readonly partial: boolean;
}

/** The context of one of the import's commands; its id derives from the import id, so a re-run is recognised. */
export const commandContext = (context: ImportContext, suffix: string): CommandContext => ({
  commandId: `${context.importId}:${suffix}`,
  actor: context.actor,
  channel: context.format,
  importId: context.importId,
  fileName: context.fileName,
  now: context.now,
});
