import { randomBytes } from 'node:crypto';
import { InvalidArgumentError } from 'commander';
import { scimAdapter } from '../adapters.js';
import { wholeNumber } from '../parsing.js';
import { table } from '../output.js';
import type { Register } from './action.js';
import { registerScimServeCommand } from './scim-serve.js';

const clientName = (value: string): string => {
  const name = value.trim();
  if (!/^[A-Za-z0-9][A-Za-z0-9_.@-]{0,63}$/.test(name)) throw new InvalidArgumentError(`expected a client name of 1-64 letters, digits, "_", ".", "@" or "-", got ${JSON.stringify(value)}`);
  return name;
};

const UNIT_MINUTES: Record<string, number> = { m: 1, h: 60, d: 24 * 60 };

/** Commander parser for a duration in whole minutes, hours or days (`90m`, `2h`, `1d`), as minutes. */
const duration = (value: string): number => {
  const match = /^(\d{1,6})\s*([mhd])$/i.exec(value.trim());
  if (!match) throw new InvalidArgumentError(`expected a duration such as 90m, 2h or 1d, got ${JSON.stringify(value)}`);
  return Number(match[1]) * UNIT_MINUTES[match[2]!.toLowerCase()]!;
};

/** `scim serve`, `scim token create|revoke|list`, `scim allow-deactivations`. */
export const registerScimCommands: Register = (program, action) => {
  const scim = program.command('scim').description('provisioning from identity providers (Okta, Entra ID) over SCIM 2.0: the service and its tokens');
  registerScimServeCommand(scim, action);

  const token = scim.command('token').description("bearer tokens of an organization's SCIM clients (kept as SHA-256 digests in the organization's history)");

  token
    .command('create')
    .description('issue a bearer token for an identity provider: printed once, kept only as its digest')
    .argument('<orgId>', 'organization id')
    .option('--client <name>', "the identity provider's client: the actor of the changes it makes (e.g. okta, entra)", clientName, 'scim')
    .action(
      action(async (session, [orgId], options) => {
        const { hashToken, issueToken } = await scimAdapter();
        const secret = issueToken();
        const tokenId = `tok-${randomBytes(6).toString('hex')}`;
        await session.execute({ type: 'IssueScimToken', orgId, tokenId, client: options.client, sha256: hashToken(secret) });
        return {
          json: { token: secret, tokenId, client: options.client, orgId, basePath: `/scim/v2/${orgId}` },
          text:
            `SCIM token ${tokenId} for client ${options.client} of ${orgId}:\n${secret}\n` +
            `It is shown this once (only its digest is kept). Give it to the identity provider as the bearer token, with the tenant URL https://<host>/scim/v2/${orgId}.\n`,
        };
      }),
    );

  token
    .command('revoke')
    .description('revoke a token by its id, or every token of a client by the client name; requests with it are refused at once')
    .argument('<orgId>', 'organization id')
    .argument('<tokenIdOrClient>', 'a token id (tok-…) or a client name')
    .action(
      action(async (session, [orgId, which]) => {
        const result = await session.execute({ type: 'RevokeScimToken', orgId, token: which });
        const revoked = result.outcomes.filter((outcome) => outcome.status === 'applied').map((outcome) => outcome.subject);
        const already = result.outcomes.filter((outcome) => outcome.status === 'skipped').map((outcome) => outcome.subject);
        return {
          json: { orgId, revoked, alreadyRevoked: already },
          text: revoked.length > 0 ? `Revoked SCIM token${revoked.length > 1 ? 's' : ''} ${revoked.join(', ')} of ${orgId}.\n` : `SCIM token${already.length > 1 ? 's' : ''} ${already.join(', ')} of ${orgId} already revoked: nothing changed.\n`,
        };
      }),
    );

  scim
    .command('allow-deactivations')
    .description(
      "release the organization's SCIM mass-deactivation guard: a hold ends and the hour's count starts again; --for lets every SCIM deactivation pass for a while, --count lets that many more pass",
    )
    .argument('<orgId>', 'organization id')
    .option('--for <duration>', 'let SCIM deactivations pass the guard for this long (e.g. 90m, 2h, 1d; at most 30d)', duration)
    .option('--count <n>', 'let this many more SCIM deactivations pass the guard', wholeNumber)
    .action(
      action(async (session, [orgId], options) => {
        const held = (await session.organization(orgId)).scimGuard.held;
        const result = await session.execute({
          type: 'AllowScimDeactivations',
          orgId,
          ...(options.for !== undefined ? { forMinutes: options.for } : {}),
          ...(options.count !== undefined ? { count: options.count } : {}),
        });
        const allowed = result.events.find((change) => change.event.type === 'ScimDeactivationsAllowed');
        const data = allowed?.event.type === 'ScimDeactivationsAllowed' ? allowed.event.data : {};
        const beyond = data.until !== undefined ? `every SCIM deactivation passes the guard until ${data.until}` : data.count !== undefined ? `${data.count} more SCIM deactivations pass the guard` : 'the guard counts SCIM deactivations again from now';
        return {
          json: { orgId, released: held, ...data },
          text: `${held ? `Released the hold on the SCIM deactivations of ${orgId}` : `Nothing was held for ${orgId}`}: ${beyond}.\n`,
        };
      }),
    );

  token
    .command('list')
    .description("an organization's SCIM tokens: id, client, status (never the token)")
    .argument('<orgId>', 'organization id')
    .action(
      action(async (session, [orgId]) => {
        const tokens = [...(await session.organization(orgId)).scimTokens.values()].map(({ tokenId, client, status }) => ({ tokenId, client, status }));
        if (tokens.length === 0 && !session.json) return { json: { orgId, tokens }, text: `No SCIM tokens for ${orgId} (create one with: scim token create ${orgId} --client <name>).\n` };
        return { json: { orgId, tokens }, text: table(tokens.map((t) => [t.tokenId, t.client, t.status]), ['token', 'client', 'status']) };
      }),
    );
};

