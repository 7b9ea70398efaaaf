import * as t from 'io-ts';
import { IsoInstant } from './events.js';
import { EntityIdCodec, OrgIdCodec } from './ids.js';
import { isEntityId, isOrgId } from './validation.js';

/*
 * Reading trusts what was validated on write, but still looks at every event:
 * a hand edit, a bad copy or another application's event must not be folded.
 * The checks here are compiled from the io-ts codecs themselves (so the codecs
 * stay the one definition of an event) into plain JavaScript that tests the
 * same things without io-ts's generic machinery. A compiled check accepts
 * nothing its codec's `is` refuses; it may refuse more (then the caller falls
 * back to the full decode, which accepts or names the field).
 */

/** A type guard compiled from a codec: true only for values the codec's `is` accepts. */
export type FastCheck = (value: unknown) => boolean;

const objectToString = Object.prototype.toString;
/** io-ts's `UnknownRecord.is`, inlined. */
const isRecord = (u: unknown): boolean => typeof u === 'object' && u !== null && objectToString.call(u) === '[object Object]';

const digit = (s: string, i: number): number => {
  const d = s.charCodeAt(i) - 48;
  return d >= 0 && d <= 9 ? d : -100;
};
const twoDigits = (s: string, i: number): number => digit(s, i) * 10 + digit(s, i + 1);
const daysIn = (year: number, month: number): number =>
  month === 2 ? (year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28) : month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;

// The events of one command share their instant: the last one accepted is accepted again without parsing.
let lastInstant = '';
/**
 * {@link IsoInstant} without `Date.parse`: `YYYY-MM-DDTHH:mm:ss[.f{1,9}]Z` naming a
 * real calendar date and a time up to 23:59:59, which `Date.parse` always reads.
 * Stricter than the codec (it refuses `24:00:00`, which the codec reads as midnight).
 */
export const isFastInstant = (u: unknown): boolean => {
  if (typeof u !== 'string') return false;
  if (u === lastInstant) return true;
  const n = u.length;
  if (n < 20 || n > 30 || n === 21 || u.charCodeAt(n - 1) !== 90 /* Z */) return false;
  if (u.charCodeAt(4) !== 45 || u.charCodeAt(7) !== 45 || u.charCodeAt(10) !== 84 || u.charCodeAt(13) !== 58 || u.charCodeAt(16) !== 58) return false;
  const century = twoDigits(u, 0);
  const yearOfCentury = twoDigits(u, 2);
  const month = twoDigits(u, 5);
  const day = twoDigits(u, 8);
  const hour = twoDigits(u, 11);
  const minute = twoDigits(u, 14);
  const second = twoDigits(u, 17);
  if (century < 0 || yearOfCentury < 0 || month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) return false;
  if (day > daysIn(century * 100 + yearOfCentury, month)) return false;
  if (n > 20) {
    if (u.charCodeAt(19) !== 46 /* . */) return false;
    for (let i = 20; i < n - 1; i++) if (digit(u, i) < 0) return false;
  }
  lastInstant = u;
  return true;
};

/**
 * {@link EntityIdCodec}: ids that start and end with a printable ASCII character
 * are checked here (length, no control character); any other goes to the
 * codec's own predicate, whose notion of surrounding white space is Unicode's.
 */
export const isFastEntityId = (u: unknown): boolean => {
  if (typeof u !== 'string') return false;
  const n = u.length;
  if (n === 0 || n > 128) return false;
  const first = u.charCodeAt(0);
  const last = u.charCodeAt(n - 1);
  if (first <= 32 || first >= 127 || last <= 32 || last >= 127) return isEntityId(u);
  for (let i = 1; i < n - 1; i++) {
    const c = u.charCodeAt(i);
    if (c < 32 || c === 127) return false;
  }
  return true;
};

// Every event of a stream names the same organization.
let lastOrgId = '';
/** {@link OrgIdCodec}, remembering the last organization id it accepted. */
export const isFastOrgId = (u: unknown): boolean => {
  if (typeof u !== 'string') return false;
  if (u === lastOrgId) return true;
  if (!isOrgId(u)) return false;
  lastOrgId = u;
  return true;
};

/** Faster stand-ins for the library's own refinement types; every other refinement is checked by its own `is`. */
const STAND_INS: ReadonlyMap<t.Mixed, FastCheck> = new Map<t.Mixed, FastCheck>([
  [IsoInstant, isFastInstant],
  [EntityIdCodec, isFastEntityId],
  [OrgIdCodec, isFastOrgId],
]);

const isObjectCodec = (codec: t.Mixed): codec is t.InterfaceType<t.Props> | t.PartialType<t.Props> =>
  codec instanceof t.InterfaceType || codec instanceof t.PartialType;

/** Turns a codec into the source of one boolean expression over a variable, with the functions and values it refers to. */
class CheckCompiler {
  readonly references: unknown[] = [];
  readonly functions: string[] = [];
  private variables = 0;

  private reference(value: unknown): string {
    this.references.push(value);
    return `ref${this.references.length - 1}`;
  }

  /** A boolean expression: does the value in variable `v` pass `codec`? */
  expression(codec: t.Mixed, v: string): string {
    const standIn = STAND_INS.get(codec);
    if (standIn) return `${this.reference(standIn)}(${v})`;
    if (codec instanceof t.StringType) return `typeof ${v} === 'string'`;
    if (codec instanceof t.NumberType) return `typeof ${v} === 'number'`;
    if (codec instanceof t.BooleanType) return `typeof ${v} === 'boolean'`;
    if (codec instanceof t.NullType) return `${v} === null`;
    if (codec instanceof t.LiteralType && (typeof codec.value === 'string' || typeof codec.value === 'boolean' || Number.isFinite(codec.value))) {
      return `${v} === ${JSON.stringify(codec.value)}`;
    }
    if (codec instanceof t.KeyofType) {
      const keys = Object.keys(codec.keys as object);
      return keys.length === 0 ? 'false' : `(${keys.map((key) => `${v} === ${JSON.stringify(key)}`).join(' || ')})`;
    }
    if (codec instanceof t.UnionType) return `(${(codec.types as t.Mixed[]).map((member) => this.expression(member, v)).join(' || ')})`;
    if (codec instanceof t.IntersectionType) {
      const members = codec.types as t.Mixed[];
      // Members that are all plain objects are checked by one function: one record test, every property.
      if (members.every(isObjectCodec)) return `${this.objectFunction(members)}(${v})`;
      return `(${members.map((member) => this.expression(member, v)).join(' && ')})`;
    }
    if (isObjectCodec(codec)) return `${this.objectFunction([codec])}(${v})`;
    if (codec instanceof t.ArrayType) return `${this.arrayFunction(codec.type as t.Mixed)}(${v})`;
    // Anything else (a refinement without a stand-in, a recursive type): the codec's own guard.
    return `${this.reference(codec)}.is(${v})`;
  }

  private variable(): string {
    return `v${this.variables++}`;
  }

  private objectFunction(codecs: readonly (t.InterfaceType<t.Props> | t.PartialType<t.Props>)[]): string {
    const index = this.functions.push('') - 1;
    const name = `check${index}`;
    const lines = [`function ${name}(u) {`, '  if (!isRecord(u)) return false;'];
    for (const codec of codecs) {
      const required = codec instanceof t.InterfaceType;
      for (const [key, property] of Object.entries(codec.props)) {
        const v = this.variable();
        // Read once into a local (a getter is read once, as io-ts does); a missing required key fails.
        lines.push(`  const ${v} = u[${JSON.stringify(key)}];`);
        const test = this.expression(property as t.Mixed, v);
        lines.push(required ? `  if (${v} === undefined || !(${test})) return false;` : `  if (${v} !== undefined && !(${test})) return false;`);
      }
    }
    lines.push('  return true;', '}');
    this.functions[index] = lines.join('\n');
    return name;
  }

  private arrayFunction(element: t.Mixed): string {
    const index = this.functions.push('') - 1;
    const name = `check${index}`;
    const v = this.variable();
    const test = this.expression(element, v);
    // A hole is checked as undefined (io-ts's `every` would skip it): stricter, never looser.
    this.functions[index] = [
      `function ${name}(u) {`,
      '  if (!Array.isArray(u)) return false;',
      `  for (let i = 0; i < u.length; i++) { const ${v} = u[i]; if (!(${test})) return false; }`,
      '  return true;',
      '}',
    ].join('\n');
    return name;
  }
}

/**
 * Compiles a codec into a {@link FastCheck}: true only for values `codec.is`
 * accepts. Plain objects, partials, intersections, unions, arrays, literals,
 * keyofs and primitives become straight-line JavaScript; the library's id and
 * instant types have faster stand-ins; any other type is checked by its own `is`.
 */
export const compileFastCheck = (codec: t.Mixed): FastCheck => {
  const compiler = new CheckCompiler();
  const body = compiler.expression(codec, 'value');
  const names = compiler.references.map((_, index) => `ref${index}`);
  const source = `${compiler.functions.join('\n')}\nreturn function fastCheck(value) { return ${body}; };`;
  // Generated from the codecs' structure only: keys and literals are JSON-quoted, everything else is passed in.
  return new Function('isRecord', ...names, source)(isRecord, ...compiler.references) as FastCheck;
};

/** The plain-object members of an object codec (an interface, a partial, or an intersection of them), or undefined for any other codec. */
const objectMembers = (codec: t.Mixed): readonly (t.InterfaceType<t.Props> | t.PartialType<t.Props>)[] | undefined => {
  if (isObjectCodec(codec)) return [codec];
  if (codec instanceof t.IntersectionType && (codec.types as t.Mixed[]).every(isObjectCodec)) return codec.types as (t.InterfaceType<t.Props> | t.PartialType<t.Props>)[];
  return undefined;
};

/** A copy of an object without one key, or undefined when the object holds a key the copy does not know (the caller copies it the general way then). */
export type FastCopy = (value: object) => Record<string, unknown> | undefined;

/**
 * Compiles, from an object codec, a copy of an object holding the codec's keys
 * but not `left`: one object literal of the required keys, then each optional
 * key present, in the codec's order (the order the library writes them). It
 * gives undefined, rather than a copy that differs from a spread of the
 * object, when the object holds any other enumerable key, or a key of the
 * codec set to undefined or missing where the codec requires it.
 */
export const compileCopyWithout = (codec: t.Mixed, left: string): FastCopy => {
  const members = objectMembers(codec);
  if (!members) throw new TypeError(`compileCopyWithout: ${codec.name} is not an object codec`);
  const required: string[] = [];
  const optional: string[] = [];
  for (const member of members) for (const key of Object.keys(member.props)) if (key !== left) (member instanceof t.InterfaceType ? required : optional).push(key);
  const q = (key: string) => JSON.stringify(key);
  const source = [
    'return function fastCopy(u) {',
    '  let keys = 0;',
    '  for (const _ in u) keys++;',
    `  const copy = { ${required.map((key) => `${q(key)}: u[${q(key)}]`).join(', ')} };`,
    `  let copied = ${required.length} + (${q(left)} in u ? 1 : 0);`,
    ...optional.map((key, i) => `  const o${i} = u[${q(key)}]; if (o${i} !== undefined) { copy[${q(key)}] = o${i}; copied++; }`),
    // A required key missing (or undefined) is left to the general copy, which leaves it out.
    ...(required.length > 0 ? [`  if (${required.map((key) => `copy[${q(key)}] === undefined`).join(' || ')}) return undefined;`] : []),
    '  return keys === copied ? copy : undefined;',
    '};',
  ].join('\n');
  // Generated from the codec's keys only, each JSON-quoted.
  return new Function(source)() as FastCopy;
};
