import { createCipheriv, createDecipheriv } from 'node:crypto';
import type { NewStoredEvent } from '../store/port.js';
import { ERASED } from './erased.js';
import { drawRandomBytes } from './random.js';

/*
 * Sealing: the personal fields of an event (a learner's e-mail, names and
 * employee id; an import line's message, which may quote them) are stored
 * encrypted with the learner's own key (AES-256-GCM), in place of the fields.
 * The chain hashes the sealed form, so shredding the key changes no stored
 * byte: the log still verifies, and the fields read as erased.
 */

/** The field of a stored event's data (or of an import line) that holds its sealed personal fields. */
export const SEALED = 'sealed';
const FORMAT = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** A learner's key as the sealing step finds it: a key, or undefined when there is none (erased, or never made). */
export type KeyOf = (learnerId: string) => Uint8Array | undefined;

/** The ciphertext is bound to its event and learner: a sealed value copied elsewhere does not open. */
const aad = (eventId: string, learnerId: string): Buffer => Buffer.from(`${eventId}\n${learnerId}`, 'utf8');

const seal = (plain: unknown, key: Uint8Array, eventId: string, learnerId: string): string => {
  const iv = drawRandomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(aad(eventId, learnerId));
  const body = Buffer.concat([cipher.update(JSON.stringify(plain), 'utf8'), cipher.final(), cipher.getAuthTag()]);
  return `${FORMAT}:${iv.toString('base64')}:${body.toString('base64')}`;
};

/** The plain value of a sealed text, or undefined when it does not open with this key (another key, an edited byte). */
const open = (sealed: unknown, key: Uint8Array, eventId: string, learnerId: string): unknown => {
  if (typeof sealed !== 'string') return undefined;
  const [format, iv, body] = sealed.split(':');
  if (format !== FORMAT || iv === undefined || body === undefined) return undefined;
  try {
    const bytes = Buffer.from(body, 'base64');
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64'));
    decipher.setAAD(aad(eventId, learnerId));
    decipher.setAuthTag(bytes.subarray(bytes.length - TAG_BYTES));
    const plain = Buffer.concat([decipher.update(bytes.subarray(0, bytes.length - TAG_BYTES)), decipher.final()]).toString('utf8');
    return JSON.parse(plain) as unknown;
  } catch {
    return undefined;
  }
};

const PROFILE_FIELDS = ['email', 'firstName', 'lastName', 'employeeId'] as const;
type Data = Record<string, unknown>;
interface Line extends Data {
  readonly learnerId: string;
}

const isSealed = (data: unknown): data is Data => typeof data === 'object' && data !== null && SEALED in data;

/**
 * A copy of `data` without the `left` keys, then `added`'s keys: written key
 * by key, since spreading the rest of a destructuring costs V8 several times
 * more (a few µs an event on every registration sealed or opened).
 */
const copyWithout = (data: Data, left: readonly string[], added: Data): Data => {
  const copy: Data = {};
  for (const key in data) if (Object.prototype.hasOwnProperty.call(data, key) && !left.includes(key)) copy[key] = data[key];
  for (const key in added) if (Object.prototype.hasOwnProperty.call(added, key)) copy[key] = added[key];
  return copy;
};

const SEALED_ONLY: readonly string[] = [SEALED];
const SEALED_AND_NAMES: readonly string[] = [SEALED, 'fields'];
const MESSAGE: readonly string[] = ['message'];
const CHANGES: readonly string[] = ['changes'];

/** Whether events of this type can hold personal fields. */
export const holdsPersonalData = (type: string): boolean => type === 'LearnerRegistered' || type === 'LearnerProfileUpdated' || type === 'ImportLinesRecorded';

/** The learners whose personal fields a stored event holds sealed. */
export const sealedLearners = (stored: NewStoredEvent): string[] => {
  if (!holdsPersonalData(stored.type)) return [];
  const data = stored.data as Data;
  if (stored.type === 'ImportLinesRecorded') {
    const lines = Array.isArray(data['lines']) ? (data['lines'] as unknown[]) : [];
    return lines.filter(isSealed).map((line) => String(line['learnerId']));
  }
  return isSealed(data) ? [String(data['learnerId'])] : [];
};

/** Whether a stored event holds a learner's personal fields in plain text (written without sealing). */
export const holdsPlainPersonalData = (stored: NewStoredEvent, learnerId: string): boolean => {
  if (!holdsPersonalData(stored.type)) return false;
  const data = stored.data as Data;
  if (stored.type === 'ImportLinesRecorded') {
    const lines = Array.isArray(data['lines']) ? (data['lines'] as Data[]) : [];
    return lines.some((line) => line['learnerId'] === learnerId && typeof line['message'] === 'string' && !isSealed(line));
  }
  return data['learnerId'] === learnerId && !isSealed(data);
};

/**
 * The event as it is stored: its personal fields sealed with their learner's
 * key. An event without personal fields is returned as it is. A registration
 * or profile change whose learner has no key throws (nothing may be written
 * in plain text); an import line's message whose learner has none (a line
 * naming an erased or unknown learner) stays as it is.
 */
export const sealEvent = (event: NewStoredEvent, keyOf: KeyOf): NewStoredEvent => {
  if (!holdsPersonalData(event.type)) return event;
  const data = event.data as Data;
  const learnerId = String(data['learnerId']);
  if (event.type === 'ImportLinesRecorded') {
    const lines = (data['lines'] as Line[]).map((line) => {
      const key = line.message !== undefined && line.learnerId !== '' ? keyOf(line.learnerId) : undefined;
      if (key === undefined) return line;
      return copyWithout(line, MESSAGE, { [SEALED]: seal(line.message, key, event.eventId, line.learnerId) }) as Line;
    });
    return { ...event, data: { ...data, lines } };
  }
  const key = keyOf(learnerId);
  if (key === undefined) throw new Error(`Learner ${learnerId} has no personal-data key: their ${event.type} cannot be sealed`);
  if (event.type === 'LearnerRegistered') {
    const { email, firstName, lastName, employeeId } = data;
    return { ...event, data: copyWithout(data, PROFILE_FIELDS, { [SEALED]: seal({ email, firstName, lastName, employeeId }, key, event.eventId, learnerId) }) };
  }
  const changes = data['changes'] as Data;
  return { ...event, data: copyWithout(data, CHANGES, { fields: Object.keys(changes), [SEALED]: seal(changes, key, event.eventId, learnerId) }) };
};

/** A learner's key as reading finds it: a key, null when there is none (erased), undefined when it was not looked up. */
export type LoadedKeyOf = (learnerId: string) => Uint8Array | null | undefined;

/** Raised when a learner's key was not looked up before a read that needs it. */
export class PersonalKeyNotLoadedError extends Error {
  override readonly name = 'PersonalKeyNotLoadedError';
  constructor(readonly learnerId: string) {
    super(`The personal-data key of learner ${learnerId} was not loaded`);
  }
}

const keyOrThrow = (keyOf: LoadedKeyOf, learnerId: string): Uint8Array | null => {
  const key = keyOf(learnerId);
  if (key === undefined) throw new PersonalKeyNotLoadedError(learnerId);
  return key;
};

/**
 * The event as the library reads it: sealed fields opened with their
 * learner's key, or `[erased]` when the key is gone. A sealed value that does
 * not open (edited) is left sealed, so decoding the event names it.
 */
export const unsealEvent = <S extends NewStoredEvent>(stored: S, keyOf: LoadedKeyOf): S => {
  if (!holdsPersonalData(stored.type)) return stored;
  const data = stored.data as Data;
  if (stored.type === 'ImportLinesRecorded') {
    if (!Array.isArray(data['lines']) || !(data['lines'] as unknown[]).some(isSealed)) return stored;
    const lines = (data['lines'] as unknown[]).map((line) => {
      if (!isSealed(line)) return line;
      const learnerId = String(line['learnerId']);
      const key = keyOrThrow(keyOf, learnerId);
      const message = key === null ? ERASED : open(line[SEALED], key, stored.eventId, learnerId);
      if (typeof message !== 'string') return line;
      return copyWithout(line, SEALED_ONLY, { message });
    });
    return { ...stored, data: { ...data, lines } };
  }
  if (!isSealed(data)) return stored;
  const learnerId = String(data['learnerId']);
  const key = keyOrThrow(keyOf, learnerId);
  const sealed = data[SEALED];
  if (stored.type === 'LearnerRegistered') {
    const fields = key === null ? { email: ERASED, firstName: ERASED, lastName: ERASED, employeeId: ERASED } : open(sealed, key, stored.eventId, learnerId);
    return typeof fields === 'object' && fields !== null ? { ...stored, data: copyWithout(data, SEALED_ONLY, fields as Data) } : stored;
  }
  const names = data['fields'];
  const erased = Object.fromEntries((Array.isArray(names) ? names : []).filter((name): name is string => PROFILE_FIELDS.includes(name as never)).map((name) => [name, ERASED]));
  const changes = key === null ? erased : open(sealed, key, stored.eventId, learnerId);
  return typeof changes === 'object' && changes !== null ? { ...stored, data: copyWithout(data, SEALED_AND_NAMES, { changes }) } : stored;
};
