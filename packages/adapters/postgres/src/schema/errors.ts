import { StoreUnavailableError } from '@learner-ledger/core';

/** The name every message of this store starts with. */
export const STORE_NAME = 'postgres';

const SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNABORTED']);
/** SQLSTATEs after which the server closed the session: the transaction did not survive it. */
const SESSION_ENDED_STATES = new Set(['57P01', '57P02', '57P03', '57P05']);
/** SQLSTATEs that mean "the server could not do it now": locked, overloaded, cancelled, shutting down. */
const BUSY_STATES = new Set(['53000', '53100', '53200', '53300', '53400', '55P03', '57014', '40001', '40P01', '55000']);

const codeOf = (error: unknown): string | undefined =>
  typeof error === 'object' && error !== null && typeof (error as { code?: unknown }).code === 'string' ? (error as { code: string }).code : undefined;

export const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/** The connection is gone (socket error, server-side termination, or the client gave up on it). */
export const isConnectionLost = (error: unknown): boolean => {
  const code = codeOf(error);
  if (code !== undefined && (SOCKET_CODES.has(code) || code.startsWith('08') || SESSION_ENDED_STATES.has(code))) return true;
  return /connection terminated|connection error|connection timeout|timeout exceeded when trying to connect|Client was closed|not queryable/i.test(messageOf(error));
};

/** The server is there but cannot serve the call right now (locks, limits, timeouts). */
export const isServerBusy = (error: unknown): boolean => {
  const code = codeOf(error);
  return code !== undefined && BUSY_STATES.has(code);
};

/** A failure of the store itself rather than of the request. */
export const isUnavailable = (error: unknown): boolean => isConnectionLost(error) || isServerBusy(error);

/** Turns an availability failure of a read into a {@link StoreUnavailableError}; other errors pass unchanged. */
export const readFailure = (what: string, target: string, error: unknown): unknown =>
  isUnavailable(error) ? new StoreUnavailableError(STORE_NAME, `${what} failed on ${target}: ${messageOf(error)}`, error) : error;

/**
 * Names the server of a connection string for messages (`host:port/database`),
 * never its password.
 */
export const describeTarget = (connectionString: string | undefined): string => {
  if (!connectionString) return 'the configured PostgreSQL server';
  try {
    const url = new URL(connectionString);
    const host = url.hostname || url.searchParams.get('host') || 'localhost';
    const database = decodeURIComponent(url.pathname.replace(/^\//, '')) || '(default database)';
    return `PostgreSQL at ${host}:${url.port || '5432'}/${database}`;
  } catch {
    return 'the configured PostgreSQL server';
  }
};
