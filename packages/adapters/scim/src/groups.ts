import * as E from 'fp-ts/lib/Either.js';
import { decide, type Command, type OrganizationState } from '@learner-ledger/core';
import { scimErrorOf } from './domain-errors.js';
import { groupToDesired, membersByTeam, teamToGroup, type DesiredTeam } from './group-resource.js';
import { parseAttributeProjection, projectResource } from './attributes.js';
import type { ScimCaller, ScimOperations, ScimReply } from './operations.js';
import { applyPatch, patchOperations } from './patch.js';
import type { ScimPatchOperation } from 'scim-patch';
import { ScimError, attribute, entityTag, isObject, listResponse } from './protocol.js';
import { matches, parseListQuery } from './query.js';

/**
 * The Groups endpoint over the ledger: a group is a team, its members the
 * learners on it. Member changes become team membership changes, decided by
 * the ledger's rules (an inactive learner joins no standard team). The
 * inactive team's members follow deactivation and reactivation alone, so a
 * group change never takes a deactivated learner out of it.
 */
export class ScimGroups {
  constructor(private readonly ops: ScimOperations) {}

  /** `POST /Groups`: creates the team (409 `uniqueness` on a taken name) and adds the members given. */
  create(caller: ScimCaller, body: unknown): Promise<ScimReply> {
    const desired = groupToDesired(body);
    return this.ops.exclusive(caller.orgId, async () => {
      const state = await this.ops.state(caller.orgId);
      // The ledger names the team; asking it on the state gives the id the member changes need.
      const named = decide({ type: 'CreateTeam', orgId: caller.orgId, name: desired.name }, state, { now: this.ops.ledger.now() });
      if (E.isLeft(named)) throw scimErrorOf(named.left);
      const teamId = named.right.outcomes[0]!.subject;
      const commands: Command[] = [{ type: 'CreateTeam', orgId: caller.orgId, name: desired.name, teamId }, ...memberChanges(caller, teamId, [], desired.members ?? [])];
      await this.applyMembers(caller, state, commands);
      return this.reply(caller, teamId, 201);
    });
  }

  /** `GET /Groups/{id}`, with `attributes` or `excludedAttributes` when given. */
  async get(caller: ScimCaller, id: string, params: URLSearchParams = new URLSearchParams()): Promise<ScimReply> {
    const projection = parseAttributeProjection(params);
    const reply = await this.reply(caller, id, 200);
    return projection === undefined ? reply : { ...reply, body: projectResource(reply.body as Record<string, unknown>, projection) };
  }

  /** `GET /Groups?filter=…`: `displayName eq` is what identity providers send; `excludedAttributes=members` is what Entra ID sends to spare the member lists. */
  async list(caller: ScimCaller, params: URLSearchParams): Promise<ScimReply> {
    const query = parseListQuery(params);
    const projection = parseAttributeProjection(params);
    const state = await this.ops.state(caller.orgId);
    const { teams: stamps } = await this.ops.versions.catchUp(caller.orgId);
    const members = membersByTeam(state);
    const found: Record<string, unknown>[] = [];
    for (const team of state.teams.values()) {
      const group = teamToGroup(team, members.get(team.teamId) ?? [], stamps.get(team.teamId), caller.baseUrl);
      if (query.filter === undefined || matches(group, query.filter)) found.push(group);
    }
    const page = found.slice(query.startIndex - 1, query.startIndex - 1 + query.count).map((group) => projectResource(group, projection));
    return { status: 200, body: listResponse(page, found.length, query.startIndex) };
  }

  /** `PUT /Groups/{id}`: the members become those listed. */
  replace(caller: ScimCaller, id: string, body: unknown, ifMatch?: string): Promise<ScimReply> {
    const desired = groupToDesired(body);
    return this.change(caller, id, ifMatch, () => desired);
  }

  /** `PATCH /Groups/{id}`: `add`/`remove`/`replace` on `members` (by value filter or value list), as Okta and Entra ID send them. */
  patch(caller: ScimCaller, id: string, body: unknown, ifMatch?: string): Promise<ScimReply> {
    const operations = patchOperations(body).flatMap(memberRemovalsByValue);
    return this.change(caller, id, ifMatch, (current) => {
      const patched = applyPatch(current, operations);
      // A remove of the last member leaves no members attribute: the team is then empty, not left as it was.
      return groupToDesired({ members: [], ...patched });
    });
  }

  /** `DELETE /Groups/{id}`: teams are kept with their history, so this is refused. */
  async delete(caller: ScimCaller, id: string): Promise<ScimReply> {
    const state = await this.ops.state(caller.orgId);
    if (!state.teams.has(id)) throw new ScimError(404, `Group ${JSON.stringify(id)} not found`);
    throw new ScimError(405, `Team ${id} cannot be deleted: teams are kept with their history. Remove its members instead.`);
  }

  private change(caller: ScimCaller, id: string, ifMatch: string | undefined, desiredOf: (current: Record<string, unknown>) => DesiredTeam): Promise<ScimReply> {
    return this.ops.exclusive(caller.orgId, async () => {
      const state = await this.ops.state(caller.orgId);
      const team = state.teams.get(id);
      if (team === undefined) throw new ScimError(404, `Group ${JSON.stringify(id)} not found`);
      const stamp = (await this.ops.versions.catchUp(caller.orgId)).teams.get(id);
      this.ops.checkIfMatch(ifMatch, stamp === undefined ? undefined : entityTag(stamp.version));
      const members = membersByTeam(state).get(id) ?? [];
      const current = members.map((learner) => learner.learnerId);
      const desired = desiredOf(teamToGroup(team, members, stamp, caller.baseUrl));
      if (desired.name.trim() !== team.name) throw new ScimError(400, `Team ${id} is named ${JSON.stringify(team.name)}; teams cannot be renamed over SCIM`, 'mutability');
      const changes = desired.members === undefined ? [] : memberChanges(caller, id, current, desired.members);
      if (team.kind === 'inactive' && changes.length > 0) {
        throw new ScimError(400, `The members of the inactive team ${team.name} follow deactivation: set the user's active attribute instead`, 'mutability');
      }
      await this.applyMembers(caller, state, changes);
      return this.reply(caller, id, 200);
    });
  }

  /** A member that is no learner is a value the client sent wrong (400), not a missing group (404). */
  private async applyMembers(caller: ScimCaller, state: OrganizationState, commands: readonly Command[]): Promise<void> {
    try {
      if (commands.length > 0) await this.ops.apply(caller, state, commands);
    } catch (error) {
      if (error instanceof ScimError && error.code === 'LEARNER_NOT_FOUND') throw new ScimError(400, error.detail, 'invalidValue', error.code);
      throw error;
    }
  }

  private async reply(caller: ScimCaller, id: string, status: number): Promise<ScimReply> {
    const state = await this.ops.state(caller.orgId);
    const team = state.teams.get(id);
    if (team === undefined) throw new ScimError(404, `Group ${JSON.stringify(id)} not found`);
    const stamp = (await this.ops.versions.catchUp(caller.orgId)).teams.get(id);
    const group = teamToGroup(team, membersByTeam(state).get(id) ?? [], stamp, caller.baseUrl);
    const location = (group.meta as { location: string }).location;
    return { status, body: group, headers: { ...(stamp !== undefined ? { ETag: entityTag(stamp.version) } : {}), ...(status === 201 ? { Location: location } : {}) } };
  }
}

/**
 * Entra ID removes members with `path: "members"` and a list of `{"value": id}`;
 * matched on the whole member object, those would never equal the members as
 * they read (with `display` and `$ref`), so each becomes a removal by value.
 */
const memberRemovalsByValue = (operation: ScimPatchOperation): ScimPatchOperation[] => {
  if (operation.op !== 'remove' || operation.path?.toLowerCase() !== 'members' || !Array.isArray(operation.value)) return [operation];
  return operation.value.map((member: unknown): ScimPatchOperation => {
    const value = isObject(member) ? attribute(member, 'value') : undefined;
    if (typeof value !== 'string') throw new ScimError(400, 'Each member to remove needs a "value": the learner id', 'invalidValue');
    return { op: 'remove', path: `members[value eq ${JSON.stringify(value)}]` };
  });
};

/** One membership change per learner who joins or leaves the team. */
const memberChanges = (caller: ScimCaller, teamId: string, current: readonly string[], desired: readonly string[]): Command[] => {
  const currentSet = new Set(current);
  const desiredSet = new Set(desired);
  return [
  ...desired.filter((id) => !currentSet.has(id)).map((learnerId): Command => ({ type: 'ChangeTeamMembership', orgId: caller.orgId, learnerId, add: [teamId] })),
  ...current.filter((id) => !desiredSet.has(id)).map((learnerId): Command => ({ type: 'ChangeTeamMembership', orgId: caller.orgId, learnerId, remove: [teamId] })),
  ];
};
