import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import type { ScimLogEntry } from '@learner-ledger/scim';
import { scimAdapter } from '../adapters.js';
import { describeStoreLocation } from '../store.js';
import { wholeNumber } from '../parsing.js';
import { toJson } from '../output.js';
import type { Action } from './action.js';

const port = (value: string): number => {
  const n = Number(value.trim());
  if (!/^\d+$/.test(value.trim()) || n > 65535) throw new InvalidArgumentError(`expected a TCP port 0-65535 (0: any free port), got ${JSON.stringify(value)}`);
  return n;
};

/** Resolves on the first SIGTERM or SIGINT (the service then stops taking requests and lets those in flight finish). */
const untilSignal = (): Promise<string> =>
  new Promise((resolve) => {
    const stop = (signal: string) => {
      process.off('SIGTERM', stop);
      process.off('SIGINT', stop);
      resolve(signal);
    };
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
  });

/** One request as one line: no token, body or filter ever reaches the log. */
const logLine = (at: string, entry: ScimLogEntry, json: boolean): string =>
  json
    ? `${toJson({ at, ...entry })}\n`
    : `${at} ${entry.method} ${entry.path} ${entry.status} ${entry.durationMs}ms org=${entry.orgId ?? '-'} client=${entry.client ?? '-'} request=${entry.requestId}\n`;

/** `scim serve`: the SCIM 2.0 service over the chosen store until SIGTERM or SIGINT. */
export const registerScimServeCommand = (scim: Command, action: Action): void => {
  scim
    .command('serve')
    .description('serve SCIM 2.0 for every organization of the store at /scim/v2/<orgId> (plain HTTP: put TLS in front); stops on SIGTERM or SIGINT after the requests in flight')
    .requiredOption('--port <n>', 'TCP port (0: any free port, printed at start)', port)
    .option('--host <address>', 'address to listen on', '127.0.0.1')
    .option('--public-url <url>', 'the public origin the identity provider uses, for meta.location (default: from the Host header)')
    .option('--max-body-bytes <n>', 'largest request body accepted, in bytes (default 1 MiB)', wholeNumber)
    .action(
      action(async (session, _args, options) => {
        const { ledgerTokenAuthenticator, startScimServer } = await scimAdapter();
        const ledger = await session.ledger();
        let requests = 0;
        const server = await startScimServer({
          ledger,
          port: options.port,
          host: options.host,
          authenticate: ledgerTokenAuthenticator(ledger),
          ...(options.publicUrl !== undefined ? { publicOrigin: options.publicUrl } : {}),
          ...(options.maxBodyBytes !== undefined ? { maxBodyBytes: options.maxBodyBytes } : {}),
          log: (entry) => {
            requests++;
            session.io.stdout(logLine(session.now(), entry, session.json));
          },
        });
        const listening = { origin: server.origin, port: server.port, tenantUrl: `${server.origin}/scim/v2/<orgId>`, store: describeStoreLocation(session.location) };
        session.io.stdout(session.json ? `${toJson({ listening })}\n` : `SCIM service listening on ${server.origin}/scim/v2/<orgId> (${listening.store})\n`);
        const signal = await (session.io.untilShutdown ?? untilSignal)();
        const stopping = server.close();
        session.io.stdout(session.json ? `${toJson({ stopping: { signal } })}\n` : `SCIM service stopping (${signal}): no new requests; those in flight finish first.\n`);
        await stopping;
        return { json: { stopped: { signal, requests } }, text: `SCIM service stopped (${signal}) after ${requests} request${requests === 1 ? '' : 's'}.\n` };
      }),
    );
};
