import { Tester, parse, type Compare, type Filter } from 'scim2-parse-filter';
import { ScimError } from './protocol.js';

/** Longest filter accepted: a filter is a few comparisons, never a document. */
export const MAX_FILTER_LENGTH = 2048;
/** Page size when the client gives no `count`, and the most one page holds. */
export const DEFAULT_PAGE_SIZE = 100;
export const MAX_PAGE_SIZE = 500;

/** The parameters of a list request (RFC 7644 §3.4.2). */
export interface ListQuery {
  readonly filter?: Filter;
  /** 1-based. */
  readonly startIndex: number;
  readonly count: number;
}

type CompValue = Compare['compValue'];

const lower = <T>(value: T): T => (typeof value === 'string' ? (value.toLowerCase() as T) : value);

/**
 * Compares strings without case: every attribute this service filters on
 * (`userName`, `emails.value`, `displayName`, ids) is `caseExact: false` in
 * the schemas it publishes.
 */
class CaseInsensitiveTester extends Tester {
  override eq(r: unknown, v: CompValue): boolean {
    return lower(r) === lower(v);
  }
  override ne(r: unknown, v: CompValue): boolean {
    return lower(r) !== lower(v);
  }
  override co(r: unknown, v: CompValue): boolean {
    return super.co(lower(r), lower(v));
  }
  override sw(r: unknown, v: CompValue): boolean {
    return super.sw(lower(r), lower(v));
  }
  override ew(r: unknown, v: CompValue): boolean {
    return super.ew(lower(r), lower(v));
  }
}

const tester = new CaseInsensitiveTester();


/** Whether a resource matches a filter. */
export const matches = (resource: unknown, filter: Filter): boolean => tester.test(resource, filter);

/** The filter of a list request, or a 400 `invalidFilter` naming what is wrong. */
export const parseFilter = (text: string): Filter => {
  if (text.length > MAX_FILTER_LENGTH) throw new ScimError(400, `The filter is longer than ${MAX_FILTER_LENGTH} characters`, 'invalidFilter');
  try {
    return parse(text);
  } catch (error) {
    throw new ScimError(400, `The filter ${JSON.stringify(text.slice(0, 200))} is not a SCIM filter: ${error instanceof Error ? error.message : String(error)}`, 'invalidFilter');
  }
};

const whole = (text: string | null, name: string, fallback: number): number => {
  if (text === null || text === '') return fallback;
  if (!/^-?\d{1,9}$/.test(text.trim())) throw new ScimError(400, `${name} must be a whole number, got ${JSON.stringify(text.slice(0, 40))}`, 'invalidValue');
  return Number(text.trim());
};

/** `filter`, `startIndex` and `count` from a query string; out-of-range numbers are clamped as RFC 7644 §3.4.2.4 says. */
export const parseListQuery = (params: URLSearchParams): ListQuery => {
  const filterText = params.get('filter');
  const filter = filterText !== null && filterText.trim() !== '' ? parseFilter(filterText) : undefined;
  const startIndex = Math.max(1, whole(params.get('startIndex'), 'startIndex', 1));
  const count = Math.min(MAX_PAGE_SIZE, Math.max(0, whole(params.get('count'), 'count', DEFAULT_PAGE_SIZE)));
  return { ...(filter !== undefined ? { filter } : {}), startIndex, count };
};

/**
 * The value a filter asks one attribute to equal, when the whole filter is that
 * one comparison (`userName eq "x"`): what identity providers send to find a
 * user before creating it, answered from an index instead of a scan.
 */
export const equalityOn = (filter: Filter | undefined, attributes: readonly string[]): { readonly attribute: string; readonly value: string } | undefined => {
  if (filter === undefined || filter.op !== 'eq' || !('compValue' in filter) || typeof filter.compValue !== 'string') return undefined;
  const name = filter.attrPath.replace(/^urn:ietf:params:scim:schemas:core:2\.0:(User|Group):/i, '').toLowerCase();
  const found = attributes.find((a) => a.toLowerCase() === name);
  return found === undefined ? undefined : { attribute: found, value: filter.compValue };
};
