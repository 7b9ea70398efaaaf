/**
 * The canonical JSON of a value: object keys sorted by UTF-16 code units,
 * no whitespace, strings and numbers written as `JSON.stringify` writes them
 * (the JSON Canonicalization Scheme of RFC 8785 does the same), keys whose
 * value is `undefined` left out and `undefined` in arrays written `null`,
 * as `JSON.stringify` does. The same value gives the same text on every
 * store, whatever key order or spacing the store keeps.
 */
export const canonicalJson = (value: unknown): string => {
  if (value === null || typeof value !== 'object') return primitive(value);
  return Array.isArray(value) ? arrayText(value) : objectText(value as Record<string, unknown>, undefined);
};

/**
 * The canonical JSON of `value` with its own key `omit` left out when it is
 * an object (not an array): the text of the value copied without that key,
 * written without the copy.
 */
export const canonicalJsonWithout = (value: unknown, omit: string): string =>
  value !== null && typeof value === 'object' && !Array.isArray(value) ? objectText(value as Record<string, unknown>, omit) : canonicalJson(value);

/** The canonical JSON of a value inside an object or array (omitted values are handled by the caller). */
const valueText = (value: unknown): string => {
  switch (typeof value) {
    case 'string':
      return stringText(value);
    case 'number':
      // JSON writes finite numbers as String does, and the others as null.
      return Number.isFinite(value) ? String(value) : 'null';
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object':
      if (value === null) return 'null';
      return Array.isArray(value) ? arrayText(value) : objectText(value as Record<string, unknown>, undefined);
    default:
      return primitive(value);
  }
};

/** What JSON leaves out of an object and writes `null` in an array. */
const isOmitted = (value: unknown): boolean => value === undefined || typeof value === 'function' || typeof value === 'symbol';

const arrayText = (value: readonly unknown[]): string => {
  let out = '[';
  for (let i = 0; i < value.length; i++) {
    if (i > 0) out += ',';
    const item: unknown = value[i];
    out += isOmitted(item) ? 'null' : valueText(item);
  }
  return `${out}]`;
};

const objectText = (record: Record<string, unknown>, omit: string | undefined): string => {
  const keys = Object.keys(record);
  if (keys.length === 0) return '{}';
  const shape = shapeOf(keys);
  let out = '{';
  let first = true;
  for (let i = 0; i < shape.sorted.length; i++) {
    const key = shape.sorted[i]!;
    if (key === omit) continue;
    const item = record[key];
    if (isOmitted(item)) continue;
    out += first ? shape.prefixes[i]! : `,${shape.prefixes[i]!}`;
    out += valueText(item);
    first = false;
  }
  return `${out}}`;
};

/** One order of keys an object was built with, its keys sorted and each written `"key":`. */
interface Shape {
  readonly keys: readonly string[];
  readonly sorted: readonly string[];
  readonly prefixes: readonly string[];
}

// Events of one type are built alike: their key orders are sorted and quoted once, not once an event.
const SHAPES = new Map<string, Shape[]>();
const MAX_SHAPES = 10_000;
// Objects used as maps (keyed by ids) have a new key order each: a bounded list keeps their lookups short.
const MAX_SHAPES_A_FIRST_KEY = 16;
let shapeCount = 0;

const sameKeys = (a: readonly string[], b: readonly string[]): boolean => {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
};

const shapeOf = (keys: string[]): Shape => {
  const first = keys[0]!;
  const known = SHAPES.get(first);
  if (known !== undefined) {
    for (let i = 0; i < known.length; i++) if (sameKeys(known[i]!.keys, keys)) return known[i]!;
  }
  const sorted = [...keys].sort();
  const shape: Shape = { keys, sorted, prefixes: sorted.map((key) => `${stringText(key)}:`) };
  if (shapeCount < MAX_SHAPES && (known === undefined || known.length < MAX_SHAPES_A_FIRST_KEY)) {
    shapeCount++;
    if (known !== undefined) known.push(shape);
    else SHAPES.set(first, [shape]);
  }
  return shape;
};

// Quotes, backslashes, control characters and surrogates are what JSON.stringify writes other than as they are.
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;
const stringText = (value: string): string => (NEEDS_ESCAPE.test(value) ? JSON.stringify(value) : `"${value}"`);

/** The canonical JSON of a string (what {@link canonicalJson} gives for it, without its general dispatch). */
export const canonicalString = stringText;

/** The canonical JSON of a number (what {@link canonicalJson} gives for it: finite numbers as `String` writes them, the others `null`). */
export const canonicalNumber = (value: number): string => (Number.isFinite(value) ? String(value) : 'null');

const primitive = (value: unknown): string => {
  if (typeof value === 'bigint') throw new TypeError('canonicalJson: a bigint is not JSON');
  // Non-finite numbers, as JSON.stringify writes them.
  return JSON.stringify(value) ?? 'null';
};
