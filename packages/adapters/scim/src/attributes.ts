import { ENTERPRISE_USER_SCHEMA, GROUP_SCHEMA, ScimError, USER_SCHEMA, isObject } from './protocol.js';

/*
 * The `attributes` and `excludedAttributes` query parameters (RFC 7644
 * §3.4.2.5): which attributes a resource is returned with. `id`, `schemas`
 * and `meta` are always returned. Names compare without case, may be
 * qualified by their schema's URN, and may name a sub-attribute
 * (`name.givenName`, `emails.value`: of every value of a multi-valued one).
 */

/** Longest parameter accepted: a list of attribute names, never a document. */
const MAX_LENGTH = 2048;
const ALWAYS = new Set(['id', 'schemas', 'meta']);
const CORE_SCHEMAS = [USER_SCHEMA, GROUP_SCHEMA].map((urn) => `${urn.toLowerCase()}:`);
const ENTERPRISE = ENTERPRISE_USER_SCHEMA.toLowerCase();

/** Attribute names as a tree: a leaf (`true`) is a whole attribute, a node names some of its sub-attributes. */
interface Selection {
  [name: string]: Selection | true;
}

/** What a request asks of the returned resources: only some attributes, or all but some (or both: the first, then the second). */
export interface AttributeProjection {
  readonly only?: Selection;
  readonly without?: Selection;
}

/** An attribute name as a lower-case path: `["name", "givenname"]`, `["urn:…:enterprise:2.0:user", "employeenumber"]`. */
const pathOf = (name: string): string[] => {
  const lower = name.toLowerCase();
  if (lower === ENTERPRISE) return [ENTERPRISE];
  if (lower.startsWith(`${ENTERPRISE}:`)) return [ENTERPRISE, ...lower.slice(ENTERPRISE.length + 1).split('.')];
  const core = CORE_SCHEMAS.find((prefix) => lower.startsWith(prefix));
  return (core !== undefined ? lower.slice(core.length) : lower).split('.');
};

const selectionOf = (text: string | null, parameter: string): Selection | undefined => {
  if (text === null || text.trim() === '') return undefined;
  if (text.length > MAX_LENGTH) throw new ScimError(400, `${parameter} is longer than ${MAX_LENGTH} characters`, 'invalidValue');
  const tree: Selection = {};
  for (const name of text.split(',').map((part) => part.trim()).filter((part) => part !== '')) {
    if (!/^[A-Za-z0-9:._$-]+$/.test(name)) throw new ScimError(400, `${parameter} names an attribute that is not an attribute name: ${JSON.stringify(name.slice(0, 80))}`, 'invalidValue');
    let node = tree;
    const path = pathOf(name);
    path.forEach((part, i) => {
      const last = i === path.length - 1;
      const existing = node[part];
      if (existing === true) return;
      if (last) node[part] = true;
      else node = node[part] = existing ?? {};
    });
  }
  return tree;
};

/** The projection a query string asks for; `undefined` when it asks for none. */
export const parseAttributeProjection = (params: URLSearchParams): AttributeProjection | undefined => {
  const only = selectionOf(params.get('attributes'), 'attributes');
  const without = selectionOf(params.get('excludedAttributes'), 'excludedAttributes');
  if (only === undefined && without === undefined) return undefined;
  return { ...(only !== undefined ? { only } : {}), ...(without !== undefined ? { without } : {}) };
};

const keep = (value: unknown, selection: Selection | true): unknown => {
  if (selection === true) return value;
  if (Array.isArray(value)) return value.map((item) => keep(item, selection)).filter((item) => item !== undefined);
  if (!isObject(value)) return undefined;
  const kept: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) {
    const wanted = selection[key.toLowerCase()];
    if (wanted === undefined) continue;
    const projected = keep(inner, wanted);
    if (projected !== undefined) kept[key] = projected;
  }
  return Object.keys(kept).length > 0 ? kept : undefined;
};

const drop = (value: unknown, selection: Selection): unknown => {
  if (Array.isArray(value)) return value.map((item) => drop(item, selection));
  if (!isObject(value)) return value;
  const rest: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) {
    const unwanted = selection[key.toLowerCase()];
    if (unwanted === true) continue;
    rest[key] = unwanted === undefined ? inner : drop(inner, unwanted);
  }
  return rest;
};

/** A resource with the attributes the projection asks for, and always `id`, `schemas` and `meta`. */
export const projectResource = (resource: Record<string, unknown>, projection: AttributeProjection | undefined): Record<string, unknown> => {
  if (projection === undefined) return resource;
  let result: Record<string, unknown> = resource;
  if (projection.only !== undefined) {
    const kept = (keep(resource, projection.only) ?? {}) as Record<string, unknown>;
    result = {};
    // The resource's own order, the attributes always returned included.
    for (const key of Object.keys(resource)) {
      if (ALWAYS.has(key)) result[key] = resource[key];
      else if (key in kept) result[key] = kept[key];
    }
  }
  if (projection.without !== undefined) {
    const rest = drop(result, projection.without) as Record<string, unknown>;
    for (const key of ALWAYS) if (key in result) rest[key] = result[key];
    result = Object.fromEntries(Object.keys(result).filter((key) => key in rest).map((key) => [key, rest[key]]));
  }
  return result;
};
