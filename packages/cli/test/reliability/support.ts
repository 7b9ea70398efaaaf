import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import { ChainVerifier, decodeEvent, orgIdOfStream, readAllBatches, type DomainEvent, type EventMetadata, type EventStore, type GlobalPosition, type StoredEvent } from '@learner-ledger/core';

/**
 * Shared by the reliability tests: the light/heavy switch, an auditor that
 * re-derives the invariants (docs/design.md, Invariants) from the raw log alone, and child processes that run the
 * real packages from source.
 */

/** `LEARNER_LEDGER_STRESS=1` (the `test:stress` script) scales every reliability test up. */
export const STRESS = process.env.LEARNER_LEDGER_STRESS === '1';
export const scaled = <T>(light: T, heavy: T): T => (STRESS ? heavy : light);
/** A per-test time limit generous enough for the heavy runs on a 2-core machine (light runs: up to ~80 s on a busy one). */
export const TIMEOUT = STRESS ? 30 * 60_000 : 300_000;

export const temporaryDirectory = (prefix = 'll-reliability-'): { dir: string; file: (name: string) => string; remove: () => void } => {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, file: (name) => join(dir, name), remove: () => rmSync(dir, { recursive: true, force: true }) };
};

export const rightOf = <A>(result: E.Either<{ readonly code?: string; readonly message: string }, A>): A => {
  if (E.isLeft(result)) throw new Error(`expected success, got ${result.left.code ?? ''}: ${result.left.message}`);
  return result.right;
};

export const readLog = async (store: EventStore): Promise<StoredEvent[]> => {
  const events: StoredEvent[] = [];
  for await (const batch of readAllBatches(store, { maxCount: 5000 })) events.push(...batch.events);
  return events;
};

/** One command as the log shows it: the contiguous run of events that carries its command id. */
export interface LoggedCommand {
  readonly commandId: string;
  readonly streamId: string;
  readonly first: GlobalPosition;
  readonly last: GlobalPosition;
  readonly types: readonly string[];
}

export interface LogAudit {
  readonly events: number;
  readonly head: GlobalPosition;
  readonly commands: ReadonlyMap<string, LoggedCommand>;
  /** Per organization at the end of the log. */
  readonly organizations: ReadonlyMap<string, { seats: number; inUse: number; active: number; maxInUse: number }>;
  readonly countsByType: ReadonlyMap<string, number>;
  readonly releases: number;
  readonly assignments: number;
  /** Streams whose hash chain was recomputed from version 1 and matched, and the events in them without a link (written before the chain). */
  readonly chains: number;
  readonly unchainedEvents: number;
}

interface LearnerModel {
  active: boolean;
  license: boolean;
}
interface OrgModel {
  seats: number;
  inUse: number;
  maxInUse: number;
  learners: Map<string, LearnerModel>;
}

/**
 * Reads the whole log and checks, from the events alone (never the decider's
 * state): every event decodes; positions run 1, 2, 3… with no gap or repeat;
 * event ids are unique; the events of one command form one contiguous run and
 * no command id appears twice; at EVERY position licenses in use are between 0
 * and the seats, no license is assigned to a holder or released by a
 * non-holder; and at every command boundary (every position a reader can see,
 * since each command is one atomic append) licenses in use equal active
 * learners, learner by learner; and every stream's hash chain, recomputed
 * from version 1, matches the links its events carry. Throws at the first
 * violation, naming it.
 */
export const auditLog = async (store: EventStore, options: { contiguousPositions?: boolean } = {}): Promise<LogAudit> => {
  const events = await readLog(store);
  const commands = new Map<string, LoggedCommand>();
  const organizations = new Map<string, OrgModel>();
  const eventIds = new Set<string>();
  const countsByType = new Map<string, number>();
  let releases = 0;
  let assignments = 0;
  let current: { commandId: string; streamId: string; first: GlobalPosition; last: GlobalPosition; types: string[] } | undefined;
  const fail = (stored: StoredEvent | undefined, message: string): never => {
    throw new Error(`log audit failed${stored ? ` at ${stored.streamId}#${stored.streamVersion} (global ${stored.globalPosition}, ${stored.type})` : ''}: ${message}`);
  };
  const closeCommand = (at: StoredEvent | undefined) => {
    if (!current) return;
    if (commands.has(current.commandId)) fail(at, `command ${current.commandId} appears in two separate runs of the log (applied twice or split)`);
    commands.set(current.commandId, { ...current });
    const orgId = orgIdOfStream(current.streamId);
    const org = orgId !== undefined ? organizations.get(orgId) : undefined;
    if (org) {
      let active = 0;
      for (const [learnerId, learner] of org.learners) {
        if (learner.active) active++;
        if (learner.active !== learner.license) fail(at, `after command ${current.commandId}, ${learnerId} is ${learner.active ? 'active' : 'inactive'} but ${learner.license ? 'holds' : 'holds no'} license`);
      }
      if (active !== org.inUse) fail(at, `after command ${current.commandId}, licenses in use ${org.inUse} ≠ active learners ${active}`);
    }
    current = undefined;
  };
  const chains = new Map<string, ChainVerifier>();
  let expectedPosition = 1n;
  for (const stored of events) {
    if (options.contiguousPositions !== false && stored.globalPosition !== expectedPosition) fail(stored, `expected global position ${expectedPosition} (a gap or a repeat)`);
    expectedPosition = stored.globalPosition + 1n;
    if (eventIds.has(stored.eventId)) fail(stored, `event id ${stored.eventId} is in the log twice`);
    eventIds.add(stored.eventId);
    const decoded = decodeEvent(stored);
    if (E.isLeft(decoded)) fail(stored, decoded.left.message);
    const { event, metadata } = (decoded as E.Right<{ event: DomainEvent; metadata: EventMetadata }>).right;
    let chain = chains.get(stored.streamId);
    if (!chain) chains.set(stored.streamId, (chain = new ChainVerifier(stored.streamId, [], { merkleTree: false })));
    if (!chain.push(stored)) fail(stored, `hash chain: ${chain.mismatch!.message}`);
    countsByType.set(event.type, (countsByType.get(event.type) ?? 0) + 1);
    if (!current || current.commandId !== metadata.commandId || current.streamId !== stored.streamId || stored.globalPosition !== current.last + 1n) {
      closeCommand(stored);
      current = { commandId: metadata.commandId, streamId: stored.streamId, first: stored.globalPosition, last: stored.globalPosition, types: [event.type] };
    } else {
      current.last = stored.globalPosition;
      current.types.push(event.type);
    }
    const orgId = orgIdOfStream(stored.streamId) ?? fail(stored, 'an event outside every organization stream');
    if (metadata.orgId !== orgId) fail(stored, `metadata.orgId ${metadata.orgId} in the stream of ${orgId}`);
    if (event.type === 'OrganizationOnboarded') {
      if (organizations.has(orgId)) fail(stored, `${orgId} onboarded twice`);
      organizations.set(orgId, { seats: event.data.seats, inUse: 0, maxInUse: 0, learners: new Map() });
      continue;
    }
    const org = organizations.get(orgId) ?? fail(stored, `event of ${orgId} before it was onboarded`);
    const learner = (id: string): LearnerModel => org.learners.get(id) ?? fail(stored, `unknown learner ${id}`);
    switch (event.type) {
      case 'LicensePoolResized':
        org.seats = event.data.seats;
        break;
      case 'LearnerRegistered':
        if (org.learners.has(event.data.learnerId)) fail(stored, `${event.data.learnerId} registered twice`);
        org.learners.set(event.data.learnerId, { active: event.data.status === 'active', license: false });
        break;
      case 'LicenseAssigned': {
        const l = learner(event.data.learnerId);
        if (l.license) fail(stored, `a second license assigned to ${event.data.learnerId}`);
        l.license = true;
        org.inUse++;
        assignments++;
        break;
      }
      case 'LicenseReleased': {
        const l = learner(event.data.learnerId);
        if (!l.license) fail(stored, `license of ${event.data.learnerId} released twice (or never held)`);
        l.license = false;
        org.inUse--;
        releases++;
        break;
      }
      case 'LearnerDeactivated': {
        const l = learner(event.data.learnerId);
        if (!l.active) fail(stored, `${event.data.learnerId} deactivated while inactive`);
        l.active = false;
        break;
      }
      case 'LearnerReactivated': {
        const l = learner(event.data.learnerId);
        if (l.active) fail(stored, `${event.data.learnerId} reactivated while active`);
        l.active = true;
        break;
      }
      default:
        break;
    }
    if (org.inUse > org.seats) fail(stored, `licenses in use ${org.inUse} > seats ${org.seats}`);
    if (org.inUse < 0) fail(stored, `licenses in use ${org.inUse} < 0`);
    org.maxInUse = Math.max(org.maxInUse, org.inUse);
  }
  closeCommand(undefined);
  const summary = new Map<string, { seats: number; inUse: number; active: number; maxInUse: number }>();
  for (const [orgId, org] of organizations) {
    summary.set(orgId, { seats: org.seats, inUse: org.inUse, active: [...org.learners.values()].filter((l) => l.active).length, maxInUse: org.maxInUse });
  }
  const unchainedEvents = [...chains.values()].reduce((sum, chain) => sum + chain.result().unchainedEvents, 0);
  return { events: events.length, head: events.at(-1)?.globalPosition ?? 0n, commands, organizations: summary, countsByType, releases, assignments, chains: chains.size, unchainedEvents };
};

const WORKERS = join(__dirname, 'workers');

export interface ChildRun<R> {
  readonly child: ChildProcessWithoutNullStreams;
  /** Resolves once the child printed `ready` (it waits for `go()` then). */
  readonly ready: Promise<void>;
  go(): void;
  /** The child's last stdout line, parsed as JSON, once it exits 0. */
  readonly report: Promise<R>;
  /** Every stdout line so far. */
  readonly lines: string[];
  /** Resolves with the exit code and signal, whatever they are. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>;
}

/** Starts `workers/<name>.cjs` as a separate OS process running the packages' TypeScript sources. */
export const startChild = <R = unknown>(name: string, args: readonly string[]): ChildRun<R> => {
  const child = spawn(process.execPath, [join(WORKERS, `${name}.cjs`), ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
  const lines: string[] = [];
  let buffered = '';
  let stderr = '';
  let markReady: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => (markReady = resolve));
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    buffered += chunk;
    let newline: number;
    while ((newline = buffered.indexOf('\n')) !== -1) {
      const line = buffered.slice(0, newline);
      buffered = buffered.slice(newline + 1);
      lines.push(line);
      if (line === 'ready') markReady();
    }
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stderr })));
  const report = exited.then(({ code, signal }) => {
    if (code !== 0) throw new Error(`${name} ${args.join(' ')} exited with ${code ?? signal}: ${stderr}`);
    const last = (buffered.trim() !== '' ? buffered.trim() : lines.at(-1)) ?? '';
    return JSON.parse(last) as R;
  });
  report.catch(() => undefined);
  return { child, ready: Promise.race([ready, exited.then(() => undefined)]), go: () => child.stdin.end('go\n'), report, lines, exited };
};

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
