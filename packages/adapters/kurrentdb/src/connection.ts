import { inspect } from 'node:util';

/**
 * Connection strings. The client accepts `kurrentdb://`, `kurrent://`, `kdb://`
 * and their `+discover` forms; EventStoreDB users have `esdb://` strings, which
 * mean the same, so they are rewritten. Messages name the hosts and may name
 * the user, never the password.
 */
const ESDB_SCHEME = /^esdb(\+discover)?:\/\//i;
const SCHEME = /^([a-z][a-z0-9+.-]*):\/\/([\s\S]*)$/i;
// The client's own rule: the user name runs to the first ":", the password to the next "@".
const CREDENTIALS = /^([^:]+):([^@]+)@/;
const MASK = '***';

export const normalizeConnectionString = (connectionString: string): string => {
  const trimmed = connectionString.trim();
  return trimmed.replace(ESDB_SCHEME, (_match, discover: string | undefined) => `kurrentdb${discover ?? ''}://`);
};

/** What may be printed about a connection string, and what never may. */
export interface ConnectionDescription {
  /** `scheme://host1:2113,host2:2113`, without user, password or settings. */
  readonly target: string;
  /** The whole connection string with the password masked. */
  readonly redacted: string;
  /** The password as written and percent-decoded: texts no message may contain. */
  readonly secrets: readonly string[];
  /** Why the string is refused before the client reads it, when it is. */
  readonly problem?: string;
}

const decoded = (text: string): string => {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
};

const secretsOf = (password: string): string[] => [...new Set([password, decoded(password)])].filter((secret) => secret.length > 0);

/** Reads a connection string the way the client does, to know which part is the password. */
export const describeConnection = (connectionString: string): ConnectionDescription => {
  const trimmed = connectionString.trim();
  const match = SCHEME.exec(trimmed);
  if (!match) return { target: '(unparsable connection string)', redacted: '(unparsable connection string)', secrets: [] };
  const scheme = match[1]!;
  const afterScheme = match[2]!;
  const credentials = CREDENTIALS.exec(afterScheme);
  const rest = credentials ? afterScheme.slice(credentials[0].length) : afterScheme;
  const hosts = /^[^/?]*/.exec(rest)![0];
  const lastAt = hosts.lastIndexOf('@');
  if (lastAt >= 0) {
    // The client would take part of the password for a host name and print it in its errors: refuse before it reads the string.
    const userInfo = afterScheme.slice(0, (credentials?.[0].length ?? 0) + lastAt);
    const colon = userInfo.indexOf(':');
    return {
      target: `${scheme.toLowerCase()}://${hosts.slice(lastAt + 1)}`,
      redacted: `${scheme}://${MASK}@${rest.slice(lastAt + 1)}`,
      secrets: secretsOf(colon >= 0 ? userInfo.slice(colon + 1) : userInfo),
      problem: 'more than one "@" before the hosts: write an "@" of the user name or password as %40',
    };
  }
  return {
    target: `${scheme.toLowerCase()}://${hosts}`,
    redacted: credentials ? `${scheme}://${credentials[1]}:${MASK}@${rest}` : trimmed,
    secrets: credentials ? secretsOf(credentials[2]!) : [],
  };
};

/** `scheme://host1:2113,host2:2113` without user, password or settings: safe to print. */
export const describeTarget = (connectionString: string): string => describeConnection(connectionString).target;

/** The connection string with any password replaced, for error messages. */
export const redactConnectionString = (connectionString: string): string => describeConnection(connectionString).redacted;

/** The text with every secret masked (longest first, so a secret inside another is masked whole). */
export const scrub = (text: string, secrets: readonly string[]): string =>
  [...secrets].sort((a, b) => b.length - a.length).reduce((masked, secret) => masked.split(secret).join(MASK), text);

/**
 * The error itself when nothing in it (message, properties, causes) shows a
 * secret; otherwise a plain copy with the same name and the masked message,
 * since a logged error prints its properties and causes too.
 */
export const scrubError = (error: unknown, secrets: readonly string[]): unknown => {
  if (secrets.length === 0) return error;
  const shown = error instanceof Error ? inspect(error, { depth: 8 }) : String(error);
  if (!secrets.some((secret) => shown.includes(secret))) return error;
  const message = error instanceof Error ? error.message : String(error);
  const copy = new Error(scrub(message, secrets));
  if (error instanceof Error) copy.name = error.constructor.name && error.constructor.name !== 'Error' ? error.constructor.name : error.name;
  return copy;
};

/**
 * Runs a synchronous call with `console.warn` masking secrets: the client
 * warns about unknown settings by printing the whole connection string.
 */
export const withMaskedWarnings = <T>(secrets: readonly string[], call: () => T): T => {
  const warn = console.warn;
  console.warn = (...args: unknown[]) => warn(...args.map((arg) => (typeof arg === 'string' ? scrub(arg, secrets) : scrubError(arg, secrets))));
  try {
    return call();
  } finally {
    console.warn = warn;
  }
};
