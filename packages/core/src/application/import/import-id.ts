import { createHash } from 'node:crypto';
import type { ImportFormat, ImportOptions } from '../../events.js';
import type { ImportRecord, OrganizationState } from '../../organization/state.js';

/** The import id: derived from the organization, the file's bytes, the target team, the format and the options. */
export const deriveImportId = (orgId: string, sha256: string, targetTeamId: string, format: ImportFormat, options: ImportOptions): string => {
  const digest = createHash('sha256')
    .update(JSON.stringify([orgId, sha256, targetTeamId, format, options.partial, options.fullSync, options.allowMassDeactivation, options.move, ...(options.matchMangledIds === true ? ['matchMangledIds'] : [])]))
    .digest('hex');
  return `imp-${digest.slice(0, 24)}`;
};

/**
 * The id this import gets and what the organization already knows of it: the
 * same file imported before is the same import (applied: its result stands;
 * received: it is resumed); one refused before is tried again under a new id.
 */
export const importIdentity = (state: OrganizationState, derived: string): { readonly importId: string; readonly record?: ImportRecord } => {
  for (let attempt = 1; ; attempt++) {
    const importId = attempt === 1 ? derived : `${derived}-${attempt}`;
    const record = state.imports.get(importId);
    if (!record || record.status !== 'rejected') return { importId, ...(record ? { record } : {}) };
  }
};
