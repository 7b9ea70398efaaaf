import { canonicalJson } from '../chain/canonical.js';
import { verifyChain } from '../chain/audit.js';
import type { ChainVerification } from '../chain/verify.js';
import type { Command } from '../commands.js';
import { organizationStreamId } from '../ids.js';
import type { Ledger } from '../ledger/index.js';
import { adminContext, sampleOrganizationCommands } from './fixtures.js';
import { mulberry32 } from './random.js';

/**
 * Tamper evidence, tried on a store's raw tables: write a random history
 * through the ledger, edit one stored field of one event behind the store's
 * back, and expect verification to name that event. A store's property test
 * draws {@link TamperChoice}s (with fast-check) and gives a {@link TamperKit}
 * that reads and writes its raw rows.
 */

/** The stored fields of an event an edit can hit. */
export const TAMPER_FIELDS = ['type', 'schemaVersion', 'data', 'metadata', 'eventId', 'streamVersion'] as const;
export type TamperField = (typeof TAMPER_FIELDS)[number];

/** One edit, as plain numbers a property test can draw and shrink. */
export interface TamperChoice {
  /** Seeds the history written before the edit. */
  readonly seed: number;
  /** Commands after the organization's onboarding (0 or more). */
  readonly commands: number;
  /** Which event, as a fraction of the stream in [0, 1). */
  readonly at: number;
  readonly field: TamperField;
  /** Picks where in the field and how it is edited. */
  readonly edit: number;
  /** A JSON value an edit of `data` or `metadata` may write. */
  readonly value: unknown;
}

/** An event's row as the store keeps it, JSON columns parsed. */
export interface RawEventRow {
  readonly eventId: string;
  readonly type: string;
  readonly schemaVersion: number;
  readonly data: unknown;
  readonly metadata: unknown;
  readonly streamVersion: number;
}

export interface TamperKit {
  readonly ledger: Ledger;
  /** The row of the event at `streamVersion`. */
  readRow(streamId: string, streamVersion: number): Promise<RawEventRow>;
  /** Writes one field of the row of the event at `streamVersion`, directly in the store's table. */
  writeField(streamId: string, streamVersion: number, field: TamperField, value: unknown): Promise<void>;
}

/** A seeded history: onboarding, then `count` commands (registrations, deactivations, reactivations, activity, profile changes, resizes). */
export const randomHistory = (orgId: string, seed: number, count: number): Command[] => {
  const rng = mulberry32(seed);
  const pick = (n: number) => Math.floor(rng() * n);
  const commands: Command[] = sampleOrganizationCommands(orgId, 50).slice(0, 3);
  let learners = 0;
  for (let i = 0; i < count; i++) {
    const id = (n: number) => `L${String(n).padStart(3, '0')}`;
    const someone = id(pick(Math.max(1, learners)));
    switch (learners === 0 ? 0 : pick(6)) {
      case 0:
        commands.push({ type: 'RegisterLearner', orgId, learnerId: id(learners), email: `${id(learners)}@${orgId}.test`, firstName: `Fïrst ${seed}`, lastName: 'Last', teams: pick(2) ? ['sales'] : [] });
        learners++;
        break;
      case 1:
        commands.push({ type: 'DeactivateLearners', orgId, learnerIds: [someone], reason: 'left', partial: true });
        break;
      case 2:
        commands.push({ type: 'ReactivateLearner', orgId, learnerId: someone });
        break;
      case 3:
        commands.push({ type: 'RecordActivity', orgId, learnerId: someone, activityId: `a${i}`, kind: pick(2) ? 'assignment' : 'completion', courseId: `c${pick(5)}` });
        break;
      case 4:
        commands.push({ type: 'UpdateLearnerProfile', orgId, learnerId: someone, changes: { lastName: `Renamed ${i}` } });
        break;
      default:
        commands.push({ type: 'ResizeLicensePool', orgId, seats: 50 + pick(10) });
    }
  }
  return commands;
};

const editString = (text: string, edit: number): string => {
  const at = text.length === 0 ? 0 : (edit >>> 2) % text.length;
  const char = String.fromCharCode(33 + ((edit >>> 8) % 90));
  const replaced = text.slice(0, at) + char + text.slice(at + 1);
  const edited = edit % 3 === 0 && text.length > 1 ? text.slice(0, at) + text.slice(at + 1) : edit % 3 === 1 || replaced === text ? text.slice(0, at) + char + text.slice(at) : replaced;
  return edited === text ? `${text}~` : edited;
};

type Path = readonly (string | number)[];

const pathsOf = (value: unknown, path: Path = [], out: Path[] = []): Path[] => {
  out.push(path);
  if (Array.isArray(value)) value.forEach((item, i) => pathsOf(item, [...path, i], out));
  else if (value !== null && typeof value === 'object') for (const key of Object.keys(value)) pathsOf((value as Record<string, unknown>)[key], [...path, key], out);
  return out;
};

const setAt = (root: unknown, path: Path, update: (old: unknown) => unknown | typeof REMOVE): unknown => {
  if (path.length === 0) return update(root);
  const [head, ...rest] = path;
  const copy = (Array.isArray(root) ? [...(root as unknown[])] : { ...(root as Record<string, unknown>) }) as Record<string | number, unknown>;
  const next = setAt(copy[head!], rest, update);
  if (next === REMOVE) {
    if (Array.isArray(copy)) (copy as unknown[]).splice(head as number, 1);
    else delete copy[head!];
  } else copy[head!] = next;
  return copy;
};
const REMOVE = Symbol('remove');

/** An edit of a JSON value that changes what it says: replace, remove or add at one of its places. */
export const editJson = (original: unknown, edit: number, value: unknown): unknown => {
  const paths = pathsOf(original);
  const path = paths[edit % paths.length]!;
  const how = (edit >>> 4) % 3;
  let edited = setAt(original, path, (old) => {
    if (how === 0 && path.length > 0) return REMOVE;
    if (how === 1 && old !== null && typeof old === 'object' && !Array.isArray(old)) return { ...old, [`x${edit % 7}`]: value };
    if (typeof old === 'string') return editString(old, edit);
    return value;
  });
  if (canonicalJson(edited) === canonicalJson(original)) edited = setAt(original, path, (old) => ({ tampered: old ?? null }));
  return edited;
};

/** The value the edit writes into the field (always different from what is there). */
export const tamperedValue = (row: RawEventRow, choice: TamperChoice, streamLength: number): unknown => {
  switch (choice.field) {
    case 'type':
      return editString(row.type, choice.edit);
    case 'eventId':
      return editString(row.eventId, choice.edit);
    case 'schemaVersion':
      return choice.edit % 2 === 0 ? row.schemaVersion + 1 + (choice.edit % 5) : row.schemaVersion - 1 - (choice.edit % 5);
    case 'streamVersion':
      // Past the end: the stream then lacks the event at its place.
      return streamLength + 1 + (choice.edit % 5);
    case 'data':
      return editJson(row.data, choice.edit, choice.value);
    case 'metadata':
      return editJson(row.metadata, choice.edit, choice.value);
  }
};

/** What one tampering came to: the verification before and after the edit, and which event was edited. */
export interface TamperOutcome {
  readonly before: ChainVerification;
  readonly after: ChainVerification;
  readonly editedVersion: number;
  readonly field: TamperField;
  readonly value: unknown;
}

/** Writes the choice's history for `orgId`, verifies it, edits one field of one event and verifies again. */
export const tamperOnce = async (kit: TamperKit, orgId: string, choice: TamperChoice): Promise<TamperOutcome> => {
  for (const command of randomHistory(orgId, choice.seed, choice.commands)) {
    const result = await kit.ledger.execute(command, adminContext());
    // Refusals are part of a random history; a store that fails is not.
    if (result._tag === 'Left' && result.left.code === 'STORE_FAILURE') throw new Error(result.left.message);
  }
  const store = kit.ledger.store;
  const before = await verifyChain(store, orgId);
  const length = before.head.streamVersion;
  const editedVersion = 1 + Math.floor(choice.at * length);
  const streamId = organizationStreamId(orgId);
  const row = await kit.readRow(streamId, editedVersion);
  const value = tamperedValue(row, choice, length);
  await kit.writeField(streamId, editedVersion, choice.field, value);
  const after = await verifyChain(store, orgId);
  return { before, after, editedVersion, field: choice.field, value };
};
