/**
 * Connection strings. The client accepts `kurrentdb://`, `kurrent://`, `kdb://`
 * and their `+discover` forms; EventStoreDB users have `esdb://` strings, which
 * mean the same, so they are rewritten. Messages name the hosts, never the
 * credentials a connection string may carry.
 */
const ESDB_SCHEME = /^esdb(\+discover)?:\/\//i;

export const normalizeConnectionString = (connectionString: string): string => {
  const trimmed = connectionString.trim();
  return trimmed.replace(ESDB_SCHEME, (_match, discover: string | undefined) => `kurrentdb${discover ?? ''}://`);
};

/** `scheme://host1:2113,host2:2113` without user, password or settings: safe to print. */
export const describeTarget = (connectionString: string): string => {
  const trimmed = connectionString.trim();
  const match = /^([a-z][a-z0-9+.-]*):\/\/(?:[^@/?]*@)?([^/?]*)/i.exec(trimmed);
  if (!match) return '(unparsable connection string)';
  return `${match[1]!.toLowerCase()}://${match[2]}`;
};

/** The connection string with any password replaced, for error messages. */
export const redactConnectionString = (connectionString: string): string =>
  connectionString.trim().replace(/^([a-z][a-z0-9+.-]*:\/\/)([^:@/?]*):([^@/?]*)@/i, '$1$2:***@');
