import type { Command, LearnerRecord, OrganizationState } from '@learner-ledger/core';
import { parseAttributeProjection, projectResource, type AttributeProjection } from './attributes.js';
import type { ScimCaller, ScimOperations, ScimReply } from './operations.js';
import { applyPatch, patchOperations } from './patch.js';
import { ScimError, entityTag, listResponse } from './protocol.js';
import { equalityOn, matches, parseListQuery } from './query.js';
import { learnerToUser, profileChanges, userToDesired, type DesiredLearner } from './user-resource.js';

/**
 * The Users endpoint over the ledger: create → register, PUT/PATCH → profile
 * update and deactivate/reactivate, DELETE → deactivate (never erased).
 * Requests compare what they ask with what is, so a retried request asks
 * nothing the second time.
 */
export class ScimUsers {
  constructor(private readonly ops: ScimOperations) {}

  /** `POST /Users`: registers the learner, active unless `active: false`; 409 `uniqueness` on a taken userName or id. */
  create(caller: ScimCaller, body: unknown): Promise<ScimReply> {
    const desired = userToDesired(body);
    return this.ops.exclusive(caller.orgId, async () => {
      const state = await this.ops.state(caller.orgId);
      const learnerId = desired.externalId ?? this.ops.newId();
      const command: Command = {
        type: 'RegisterLearner',
        orgId: caller.orgId,
        learnerId,
        email: desired.email,
        firstName: desired.firstName,
        lastName: desired.lastName,
        ...(desired.employeeId !== undefined ? { employeeId: desired.employeeId } : {}),
        active: desired.active ?? true,
      };
      await this.ops.apply(caller, state, [command]);
      return this.reply(caller, learnerId, 201);
    });
  }

  /** `GET /Users/{id}`, with `attributes` or `excludedAttributes` when given. */
  async get(caller: ScimCaller, id: string, params: URLSearchParams = new URLSearchParams()): Promise<ScimReply> {
    return this.reply(caller, id, 200, parseAttributeProjection(params));
  }

  /** `GET /Users?filter=…&startIndex=…&count=…&attributes=…|excludedAttributes=…`: the filter sees every attribute, the page only those asked for. */
  async list(caller: ScimCaller, params: URLSearchParams): Promise<ScimReply> {
    const query = parseListQuery(params);
    const projection = parseAttributeProjection(params);
    const state = await this.ops.state(caller.orgId);
    const { learners: stamps } = await this.ops.versions.catchUp(caller.orgId);
    const toUser = (learner: LearnerRecord) => learnerToUser(state, learner, stamps.get(learner.learnerId), caller.baseUrl);
    const candidates = indexedCandidates(state, equalityOn(query.filter, ['userName', 'emails.value', 'externalId', 'id'])) ?? state.learners.values();
    const found: Record<string, unknown>[] = [];
    for (const learner of candidates) {
      const user = toUser(learner);
      if (query.filter === undefined || matches(user, query.filter)) found.push(user);
    }
    const page = found.slice(query.startIndex - 1, query.startIndex - 1 + query.count).map((user) => projectResource(user, projection));
    return { status: 200, body: listResponse(page, found.length, query.startIndex) };
  }

  /** `PUT /Users/{id}`: the whole user; `active` left out leaves the status as it is. */
  replace(caller: ScimCaller, id: string, body: unknown, ifMatch?: string): Promise<ScimReply> {
    const desired = userToDesired(body);
    return this.change(caller, id, ifMatch, () => desired);
  }

  /** `PATCH /Users/{id}`: the operations applied to the user as it reads now, then handled as a replacement. */
  patch(caller: ScimCaller, id: string, body: unknown, ifMatch?: string): Promise<ScimReply> {
    const operations = patchOperations(body);
    return this.change(caller, id, ifMatch, (current) => userToDesired(applyPatch(current, operations)));
  }

  /** `DELETE /Users/{id}`: deactivates with the organization's move policy; the learner and their history stay. */
  delete(caller: ScimCaller, id: string, ifMatch?: string): Promise<ScimReply> {
    return this.ops.exclusive(caller.orgId, async () => {
      const { state, learner } = await this.learner(caller, id, ifMatch);
      if (learner.status === 'active') await this.ops.apply(caller, state, [deactivation(caller, id)]);
      return { status: 204 };
    });
  }

  private change(caller: ScimCaller, id: string, ifMatch: string | undefined, desiredOf: (current: Record<string, unknown>) => DesiredLearner): Promise<ScimReply> {
    return this.ops.exclusive(caller.orgId, async () => {
      const { state, learner, user } = await this.learner(caller, id, ifMatch);
      const desired = desiredOf(user);
      if (desired.externalId !== undefined && desired.externalId !== learner.learnerId) {
        throw new ScimError(400, `externalId is the learner ID ${JSON.stringify(learner.learnerId)} and cannot change`, 'mutability');
      }
      const commands: Command[] = [];
      // The status first: a reactivation refused for want of a license leaves the profile as it was too.
      if (desired.active === false && learner.status === 'active') commands.push(deactivation(caller, id));
      if (desired.active === true && learner.status === 'inactive') commands.push({ type: 'ReactivateLearner', orgId: caller.orgId, learnerId: id });
      const changes = profileChanges(learner, desired);
      if (Object.keys(changes).length > 0) commands.push({ type: 'UpdateLearnerProfile', orgId: caller.orgId, learnerId: id, changes });
      if (commands.length > 0) await this.ops.apply(caller, state, commands);
      return this.reply(caller, id, 200);
    });
  }

  /** The learner behind an id as it reads now, after the If-Match check; 404 when there is none. */
  private async learner(caller: ScimCaller, id: string, ifMatch: string | undefined) {
    const state = await this.ops.state(caller.orgId);
    const learner = state.learners.get(id);
    if (learner === undefined) throw new ScimError(404, `User ${JSON.stringify(id)} not found`);
    const stamp = (await this.ops.versions.catchUp(caller.orgId)).learners.get(id);
    this.ops.checkIfMatch(ifMatch, stamp === undefined ? undefined : entityTag(stamp.version));
    return { state, learner, user: learnerToUser(state, learner, stamp, caller.baseUrl) };
  }

  private async reply(caller: ScimCaller, id: string, status: number, projection?: AttributeProjection): Promise<ScimReply> {
    const state = await this.ops.state(caller.orgId);
    const learner = state.learners.get(id);
    if (learner === undefined) throw new ScimError(404, `User ${JSON.stringify(id)} not found`);
    const stamp = (await this.ops.versions.catchUp(caller.orgId)).learners.get(id);
    const user = learnerToUser(state, learner, stamp, caller.baseUrl);
    const location = (user.meta as { location: string }).location;
    return {
      status,
      body: projectResource(user, projection),
      headers: { ...(stamp !== undefined ? { ETag: entityTag(stamp.version) } : {}), ...(status === 201 ? { Location: location } : {}) },
    };
  }
}

const deactivation = (caller: ScimCaller, learnerId: string): Command => ({
  type: 'DeactivateLearners',
  orgId: caller.orgId,
  learnerIds: [learnerId],
  reason: `Deprovisioned by ${caller.client} over SCIM`,
});

/** The learners an equality filter can name, found by index instead of by scanning the organization (a miss on an id scans: ids compare without case). */
const indexedCandidates = (state: OrganizationState, equality: ReturnType<typeof equalityOn>): Iterable<LearnerRecord> | undefined => {
  if (equality === undefined) return undefined;
  if (equality.attribute === 'userName' || equality.attribute === 'emails.value') {
    const learnerId = state.learnerIdsByEmail.get(equality.value.trim().toLowerCase());
    const learner = learnerId === undefined ? undefined : state.learners.get(learnerId);
    return learner === undefined ? [] : [learner];
  }
  const learner = state.learners.get(equality.value);
  return learner === undefined ? undefined : [learner];
};
