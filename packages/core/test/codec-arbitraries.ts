import fc from 'fast-check';
import * as t from 'io-ts';

/*
 * Arbitraries derived from the io-ts codecs: valid values of any codec (with
 * the edge cases of the library's id, instant and number types), and the same
 * values mutated at random places, as a hand edit or another application would.
 */

const pad = (n: number, width: number) => String(n).padStart(width, '0');

/** Instants the codec reads, canonical ones mostly, plus what only Date.parse's leniency accepts (Feb 30, 24:00). */
export const instantArb = (edges: boolean): fc.Arbitrary<string> => {
  const canonical = fc
    .record({
      time: fc.integer({ min: Date.parse('0000-01-01T00:00:00Z'), max: Date.parse('9999-12-31T23:59:59Z') }),
      fraction: fc.constantFrom('', '.0', '.123', '.999999', '.123456789'),
    })
    .map(({ time, fraction }) => `${new Date(time).toISOString().slice(0, 19)}${fraction}Z`);
  if (!edges) return canonical;
  const lenient = fc
    .record({ year: fc.integer({ min: 0, max: 9999 }), month: fc.integer({ min: 0, max: 13 }), day: fc.integer({ min: 0, max: 32 }), hour: fc.integer({ min: 0, max: 25 }), minute: fc.integer({ min: 0, max: 60 }), second: fc.integer({ min: 0, max: 60 }), fraction: fc.constantFrom('', '.', '.5', '.1234567890', 'x') })
    .map(({ year, month, day, hour, minute, second, fraction }) => `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}T${pad(hour, 2)}:${pad(minute, 2)}:${pad(second, 2)}${fraction}Z`);
  return fc.oneof({ weight: 3, arbitrary: canonical }, { weight: 2, arbitrary: lenient }, { weight: 1, arbitrary: fc.constantFrom('2026-01-01T24:00:00Z', '2026-02-29T00:00:00Z', '2024-02-29T00:00:00Z', '2026-02-30T12:00:00.5Z', '2026-1-01T00:00:00Z', '２０２６-01-01T00:00:00Z') });
};

/** Strings with the characters that ids and texts must not have (control, surrounding white space, Unicode spaces). */
export const trickyStringArb: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom('', ' ', 'a ', ' a', '\u00a0a', 'a\u00a0', 'a\u2028', '\ufeffa', 'a\u3000', 'é', 'aé', 'éa', 'a\u0001b', 'a\u007fb', 'a\tb', 'a\nb', 'x'.repeat(128), 'x'.repeat(129), 'acme/..', '-acme', 'a'.repeat(64), 'a'.repeat(65)),
  fc.string({ unit: 'binary', maxLength: 8 }),
  fc.string({ unit: fc.constantFrom('a', ' ', '\u00a0', '\u2009', '\u0000', '\u007f', 'é', '-', '.', '_'), maxLength: 6 }),
);

const idChar = fc.constantFrom(...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.@ ');
/** Ids as the library writes them (mostly plain ASCII), plus valid ones with Unicode or inner spaces. */
const entityIdArb = (edges: boolean): fc.Arbitrary<string> => {
  const plain = fc.string({ unit: idChar, minLength: 1, maxLength: 40 }).filter((s) => s.trim() === s);
  return edges ? fc.oneof(plain, fc.constantFrom('é', 'aéb', 'a b', 'x'.repeat(128), '0001')) : plain;
};
const orgIdArb = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,20}$/);

/** Valid values of the library's named refinement types (by io-ts name), or undefined for a structural codec. */
const namedArb = (name: string, edges: boolean): fc.Arbitrary<unknown> | undefined => {
  switch (name) {
    case 'IsoInstant':
      return instantArb(edges);
    case 'EntityId':
      return entityIdArb(edges);
    case 'OrgId':
      return orgIdArb;
    case 'NonNegativeInt':
      return fc.nat({ max: 10_000_000 });
    case 'Sha256':
      return fc.stringMatching(/^[0-9a-f]{64}$/);
    case 'LocalTimeOfDay':
      return fc.record({ h: fc.integer({ min: 0, max: 23 }), m: fc.integer({ min: 0, max: 59 }) }).map(({ h, m }) => `${pad(h, 2)}:${pad(m, 2)}`);
    default:
      return undefined;
  }
};

/**
 * Values `codec` accepts. Without `edges`, only what the library itself writes
 * (canonical instants, plain ids); with `edges`, also values only the codec's
 * leniency accepts.
 */
export const validArb = (codec: t.Mixed, edges = true): fc.Arbitrary<unknown> => {
  const named = namedArb(codec.name, edges);
  if (named) return named;
  if (codec instanceof t.StringType) return fc.string({ maxLength: 12 });
  if (codec instanceof t.NumberType) return fc.oneof(fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }));
  if (codec instanceof t.BooleanType) return fc.boolean();
  if (codec instanceof t.NullType) return fc.constant(null);
  if (codec instanceof t.LiteralType) return fc.constant(codec.value);
  if (codec instanceof t.KeyofType) return fc.constantFrom(...Object.keys(codec.keys as object));
  if (codec instanceof t.UnionType) return fc.oneof(...(codec.types as t.Mixed[]).map((member) => validArb(member, edges)));
  if (codec instanceof t.ArrayType || codec instanceof t.ReadonlyArrayType) return fc.array(validArb(codec.type as t.Mixed, edges), { maxLength: 3 });
  if (codec instanceof t.ReadonlyType || codec instanceof t.ExactType) return validArb(codec.type as t.Mixed, edges);
  if (codec instanceof t.InterfaceType) return fc.record(Object.fromEntries(Object.entries(codec.props as t.Props).map(([key, prop]) => [key, validArb(prop, edges)])));
  if (codec instanceof t.PartialType) {
    return fc.record(Object.fromEntries(Object.entries(codec.props as t.Props).map(([key, prop]) => [key, validArb(prop, edges)])), { requiredKeys: [] });
  }
  if (codec instanceof t.IntersectionType) {
    return fc.tuple(...(codec.types as t.Mixed[]).map((member) => validArb(member, edges))).map((parts) => Object.assign({}, ...parts) as unknown);
  }
  throw new Error(`no arbitrary for codec ${codec.name}`);
};

/** One change at one place of a JSON value. */
export interface Mutation {
  readonly at: number;
  readonly kind: 'replace' | 'delete' | 'add-key' | 'to-array';
  readonly value: unknown;
  readonly key: string;
}

const replacementArb: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: trickyStringArb },
  { weight: 2, arbitrary: fc.constantFrom(null, 0, -1, 1.5, 42, true, false, [], {}, [''], { a: 1 }, 'admin', 'api', 'standard', '2026-01-01T24:00:00Z', '2026-02-30T00:00:00Z', '02:00', '0'.repeat(64)) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
);

export const mutationArb: fc.Arbitrary<Mutation> = fc.record({
  at: fc.nat(),
  kind: fc.constantFrom('replace', 'replace', 'replace', 'delete', 'add-key', 'to-array'),
  value: replacementArb,
  key: fc.constantFrom('extra', 'learnerId', 'kind', '__proto__', 'constructor', 'type'),
});

type Path = readonly (string | number)[];
const pathsOf = (value: unknown, path: Path = []): Path[] => {
  const paths: Path[] = [path];
  if (Array.isArray(value)) value.forEach((item, index) => paths.push(...pathsOf(item, [...path, index])));
  else if (typeof value === 'object' && value !== null) for (const [key, item] of Object.entries(value)) paths.push(...pathsOf(item, [...path, key]));
  return paths;
};

/** Applies mutations to a copy of a JSON value; the result is JSON again (what a store would hand back). */
export const mutate = (value: unknown, mutations: readonly Mutation[]): unknown => {
  let root: unknown = JSON.parse(JSON.stringify(value ?? null));
  for (const { value: shared, ...mutation } of mutations) {
    // Each mutation places its own copy: a value placed twice must not end up inside itself.
    const value = JSON.parse(JSON.stringify(shared ?? null)) as unknown;
    const paths = pathsOf(root);
    const path = paths[mutation.at % paths.length]!;
    if (path.length === 0) {
      if (mutation.kind === 'replace') root = value;
      else if (mutation.kind === 'to-array') root = [root];
      continue;
    }
    const parent = path.slice(0, -1).reduce<unknown>((node, key) => (node as Record<string | number, unknown>)[key], root) as Record<string | number, unknown>;
    const key = path[path.length - 1]!;
    switch (mutation.kind) {
      case 'replace':
        parent[key] = value;
        break;
      case 'delete':
        if (Array.isArray(parent)) parent.splice(Number(key), 1);
        else delete parent[key];
        break;
      case 'to-array':
        parent[key] = [parent[key]];
        break;
      case 'add-key': {
        const target = parent[key];
        // Defined, not assigned: a `__proto__` key becomes an own property, as JSON.parse makes it.
        if (typeof target === 'object' && target !== null && !Array.isArray(target)) Object.defineProperty(target, mutation.key, { value, enumerable: true, writable: true, configurable: true });
        break;
      }
    }
  }
  return JSON.parse(JSON.stringify(root ?? null));
};
