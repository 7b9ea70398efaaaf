import { randomUUID } from 'node:crypto';
import * as E from 'fp-ts/lib/Either.js';
import { decide, draftOf, evolve, type Command, type CommandContext, type CommandResult, type Ledger, type OrganizationState, type Outcome, type RejectedOutcome } from '@learner-ledger/core';
import { scimErrorOf } from './domain-errors.js';
import { ScimError, ifMatchAdmits } from './protocol.js';
import { ResourceVersions } from './versions.js';

/** Who is asking, for which organization, at which address. */
export interface ScimCaller {
  readonly orgId: string;
  /** The identity provider's client name: the actor of every change it causes. */
  readonly client: string;
  /** The organization's SCIM base URL, e.g. `https://lms.example.com/scim/v2/acme`. */
  readonly baseUrl: string;
  /** Correlates the events of one request. */
  readonly requestId?: string;
}

/** A SCIM response before it is written: status, body, and headers such as `ETag` and `Location`. */
export interface ScimReply {
  readonly status: number;
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

const rejectedOf = (outcomes: readonly Outcome[]): RejectedOutcome | undefined => outcomes.find((outcome): outcome is RejectedOutcome => outcome.status === 'rejected');

/** One queue per organization, so a check (If-Match, the plan on a draft) and the writes after it see the same state. */
class OrganizationQueue {
  private readonly tails = new Map<string, Promise<unknown>>();

  run<T>(orgId: string, work: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(orgId) ?? Promise.resolve();
    const result = previous.then(work, work);
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.tails.set(orgId, tail);
    void tail.then(() => {
      if (this.tails.get(orgId) === tail) this.tails.delete(orgId);
    });
    return result;
  }
}

/**
 * What the Users and Groups operations share: the ledger, the resource
 * versions, the per-organization queue, and the way a request becomes
 * commands (planned on a draft of the state first, so a request that the
 * ledger would refuse halfway writes nothing).
 */
export class ScimOperations {
  readonly versions: ResourceVersions;
  private readonly queue = new OrganizationQueue();

  constructor(
    readonly ledger: Ledger,
    readonly newId: () => string = randomUUID,
  ) {
    this.versions = new ResourceVersions(ledger.store);
  }

  /** Runs a request's work alone for its organization. */
  exclusive<T>(orgId: string, work: () => Promise<T>): Promise<T> {
    return this.queue.run(orgId, work);
  }

  /** The organization's current state; an organization that does not exist is a 404. */
  async state(orgId: string): Promise<OrganizationState> {
    const state = await this.ledger.state(orgId);
    if (E.isLeft(state)) throw scimErrorOf(state.left);
    if (!state.right.exists) throw new ScimError(404, `Organization ${orgId} does not exist`);
    return state.right;
  }

  /** Refuses with 412 when `If-Match` names another version than the resource's. */
  checkIfMatch(ifMatch: string | undefined, current: string | undefined): void {
    if (ifMatch === undefined || ifMatch.trim() === '') return;
    if (current === undefined || !ifMatchAdmits(ifMatch, current)) {
      throw new ScimError(412, `The resource changed since it was read: it is at version ${current ?? 'unknown'}, the request expects ${ifMatch}. Read it again and retry.`, 'invalidVers');
    }
  }

  /**
   * Decides the commands one after the other on a draft of the state, then
   * executes them. A refusal on the draft writes nothing; commands the draft
   * finds already done (a retried request) write nothing either. A command
   * the ledger answers with a refused subject (the mass-deactivation guard
   * holding a deactivation) is executed alone, so the refusal leaves its
   * record and nothing else of the request is written.
   */
  async apply(caller: ScimCaller, state: OrganizationState, commands: readonly Command[]): Promise<readonly CommandResult[]> {
    const draft = draftOf(state);
    const now = this.ledger.now();
    let refused: Command | undefined;
    for (const command of commands) {
      const decision = decide(command, draft, { now, channel: 'scim' });
      if (E.isLeft(decision)) throw scimErrorOf(decision.left);
      if (rejectedOf(decision.right.outcomes) !== undefined) {
        refused = command;
        break;
      }
      for (const emitted of decision.right.events) evolve(draft, emitted.event);
    }
    // The refused command first: if the ledger lets it through after all (released meanwhile), the others follow.
    const order = refused === undefined ? commands : [refused, ...commands.filter((command) => command !== refused)];
    const results: CommandResult[] = [];
    for (const command of order) {
      const result = await this.ledger.execute(command, this.context(caller));
      if (E.isLeft(result)) throw scimErrorOf(result.left);
      const rejected = rejectedOf(result.right.outcomes);
      if (rejected !== undefined) throw scimErrorOf(rejected);
      results.push(result.right);
    }
    return results;
  }

  private context(caller: ScimCaller): CommandContext {
    return {
      actor: { kind: 'connector', id: caller.client },
      channel: 'scim',
      ...(caller.requestId !== undefined ? { correlationId: caller.requestId } : {}),
    };
  }
}
