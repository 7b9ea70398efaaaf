import { needsUtf16 } from './key-probe.js';
import type { PagedColumn } from './paged-column.js';
import { TextArena, offsetOf, readVarint, varintSize, writeVarint } from './text-arena.js';

/**
 * One learner's text as one arena record: a header byte, then each field as
 * a LEB128 number and its bytes, in the order of {@link TextField}. The
 * number is the byte length × 2, + 1 when the field is UTF-16 (a string with a
 * lone surrogate) rather than UTF-8, so every string comes back exactly.
 * The employee id is there only when the learner has one (header bit 1); the
 * normalized e-mail only when it differs from the e-mail (header bit 2), so
 * most learners (lower-case addresses) do not store it twice.
 */
export const TextField = { LearnerId: 0, Email: 1, FirstName: 2, LastName: 3, EmployeeId: 4, NormalizedEmail: 5 } as const;
export type TextField = (typeof TextField)[keyof typeof TextField];

/** The fields of a learner's record that live in its text. */
export const TEXT_FIELDS: { readonly [K in keyof LearnerText]: TextField } = {
  learnerId: TextField.LearnerId,
  email: TextField.Email,
  firstName: TextField.FirstName,
  lastName: TextField.LastName,
  employeeId: TextField.EmployeeId,
};

const HAS_EMPLOYEE_ID = 1;
const HAS_NORMALIZED_EMAIL = 2;

export interface LearnerText {
  readonly learnerId: string;
  readonly email: string;
  readonly firstName: string;
  readonly lastName: string;
  readonly employeeId: string | null;
}

/** The text fields a change gives (the others stay as they are). */
export const textOf = (patch: Partial<LearnerText>): Partial<LearnerText> => ({
  ...(patch.email !== undefined ? { email: patch.email } : {}),
  ...(patch.firstName !== undefined ? { firstName: patch.firstName } : {}),
  ...(patch.lastName !== undefined ? { lastName: patch.lastName } : {}),
  ...(patch.employeeId !== undefined ? { employeeId: patch.employeeId } : {}),
});

/** Where one field's bytes are: filled in by {@link fieldSpan}. */
export interface Span {
  page: Buffer;
  start: number;
  end: number;
  utf16: boolean;
}

const cursor = { value: 0, at: 0 };

/** Appends a learner's text to the arena; returns its reference. */
export const writeLearnerText = (arena: TextArena, text: LearnerText, normalizedEmail: string): number => {
  const fields: string[] = [text.learnerId, text.email, text.firstName, text.lastName];
  let header = 0;
  if (text.employeeId !== null) {
    header |= HAS_EMPLOYEE_ID;
    fields.push(text.employeeId);
  }
  if (normalizedEmail !== text.email) {
    header |= HAS_NORMALIZED_EMAIL;
    fields.push(normalizedEmail);
  }
  let size = 1;
  const lengths: number[] = [];
  const ascii: boolean[] = [];
  for (const field of fields) {
    const asciiOnly = isAscii(field);
    const utf16 = !asciiOnly && needsUtf16(field);
    const length = asciiOnly ? field.length : Buffer.byteLength(field, utf16 ? 'utf16le' : 'utf8');
    const tagged = length * 2 + (utf16 ? 1 : 0);
    lengths.push(tagged);
    ascii.push(asciiOnly);
    size += varintSize(tagged) + length;
  }
  const { ref, page, offset } = arena.reserve(size);
  page[offset] = header;
  let at = offset + 1;
  for (let i = 0; i < fields.length; i++) {
    const tagged = lengths[i]!;
    const field = fields[i]!;
    at = writeVarint(page, at, tagged);
    if (ascii[i]) {
      // The same bytes as UTF-8, without a call into the runtime for a short string.
      for (let c = 0; c < field.length; c++) page[at + c] = field.charCodeAt(c);
      at += field.length;
    } else {
      at += page.write(field, at, tagged & 1 ? 'utf16le' : 'utf8');
    }
  }
  return ref;
};

/** Whether every character of `text` is ASCII (one byte each in UTF-8). */
const isAscii = (text: string): boolean => {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) >= 0x80) return false;
  return true;
};

/**
 * Finds a field of the record at `ref`; false when the record does not hold
 * it (no employee id). The normalized e-mail is the e-mail when not stored.
 */
export const fieldSpan = (arena: TextArena, ref: number, field: TextField, span: Span): boolean => {
  const page = arena.page(ref);
  const start = offsetOf(ref);
  const header = page[start]!;
  let wanted: number = field;
  if (field === TextField.EmployeeId && (header & HAS_EMPLOYEE_ID) === 0) return false;
  if (field === TextField.NormalizedEmail) {
    if ((header & HAS_NORMALIZED_EMAIL) === 0) wanted = TextField.Email;
    else if ((header & HAS_EMPLOYEE_ID) === 0) wanted = TextField.EmployeeId; // it takes the employee id's place
  }
  let at = start + 1;
  for (let i = 0; ; i++) {
    readVarint(page, at, cursor);
    const length = Math.floor(cursor.value / 2);
    if (i === wanted) {
      span.page = page;
      span.start = cursor.at;
      span.end = cursor.at + length;
      span.utf16 = (cursor.value & 1) === 1;
      return true;
    }
    at = cursor.at + length;
  }
};

const scratchSpan: Span = { page: Buffer.alloc(0), start: 0, end: 0, utf16: false };

/** The string a span holds. */
export const spanText = (span: Span): string => span.page.toString(span.utf16 ? 'utf16le' : 'utf8', span.start, span.end);

/** A field of the record at `ref` as a string (null: a missing employee id). */
export const textField = (arena: TextArena, ref: number, field: TextField): string | null => {
  if (!fieldSpan(arena, ref, field, scratchSpan)) return null;
  return spanText(scratchSpan);
};

/** Every field of the record at `ref`. */
export const learnerText = (arena: TextArena, ref: number): LearnerText => {
  const page = arena.page(ref);
  const start = offsetOf(ref);
  const header = page[start]!;
  const count = (header & HAS_EMPLOYEE_ID) !== 0 ? 5 : 4;
  const values: string[] = [];
  let at = start + 1;
  for (let i = 0; i < count; i++) {
    readVarint(page, at, cursor);
    const end = cursor.at + Math.floor(cursor.value / 2);
    values.push(page.toString(cursor.value & 1 ? 'utf16le' : 'utf8', cursor.at, end));
    at = end;
  }
  return { learnerId: values[0]!, email: values[1]!, firstName: values[2]!, lastName: values[3]!, employeeId: count === 5 ? values[4]! : null };
};

/** Bytes of the record that starts at `offset` of `bytes`, or -1 when it does not end inside `limit`. */
export const recordSize = (bytes: Uint8Array, offset: number, limit: number = bytes.length): number => {
  if (offset >= limit) return -1;
  const header = bytes[offset]!;
  if (header > (HAS_EMPLOYEE_ID | HAS_NORMALIZED_EMAIL)) return -1;
  const count = 4 + ((header & HAS_EMPLOYEE_ID) !== 0 ? 1 : 0) + ((header & HAS_NORMALIZED_EMAIL) !== 0 ? 1 : 0);
  let at = offset + 1;
  for (let i = 0; i < count; i++) {
    if (at >= limit) return -1;
    readVarint(bytes, at, cursor);
    at = cursor.at + Math.floor(cursor.value / 2);
    if (at > limit) return -1;
  }
  return at - offset;
};

/**
 * A new arena holding only the records the first `rows` rows of `text`
 * refer to, each copied as it is, and those rows pointed at the copies: the
 * records rows no longer refer to are left behind with the old arena.
 */
export const compactedText = (arena: TextArena, text: PagedColumn<Uint32Array>, rows: number): TextArena => {
  const compacted = TextArena.empty();
  for (let row = 0; row < rows; row++) {
    const ref = text.get(row);
    const page = arena.page(ref);
    const start = offsetOf(ref);
    const size = recordSize(page, start);
    const target = compacted.reserve(size);
    page.copy(target.page, target.offset, start, start + size);
    text.set(row, target.ref);
  }
  return compacted;
};
