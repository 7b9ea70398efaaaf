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
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) {
      if (i > 0) out += ',';
      const item: unknown = value[i];
      out += item === undefined || typeof item === 'function' || typeof item === 'symbol' ? 'null' : canonicalJson(item);
    }
    return `${out}]`;
  }
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record).sort();
  let out = '{';
  let first = true;
  for (const key of keys) {
    const item = record[key];
    if (item === undefined || typeof item === 'function' || typeof item === 'symbol') continue;
    out += `${first ? '' : ','}${quoted(key)}:${canonicalJson(item)}`;
    first = false;
  }
  return `${out}}`;
};

// Events share a few dozen keys: quoting each once saves most of the cost of writing them.
const QUOTED = new Map<string, string>();
const quoted = (key: string): string => {
  let text = QUOTED.get(key);
  if (text === undefined) {
    text = JSON.stringify(key);
    if (QUOTED.size < 10_000) QUOTED.set(key, text);
  }
  return text;
};

const primitive = (value: unknown): string => {
  if (typeof value === 'bigint') throw new TypeError('canonicalJson: a bigint is not JSON');
  // Non-finite numbers, as JSON.stringify writes them.
  return JSON.stringify(value) ?? 'null';
};
