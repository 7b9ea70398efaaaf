import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createScimHandler, type ScimHandlerOptions } from './http.js';

export interface ScimServerOptions extends ScimHandlerOptions {
  /** Default 0: a free port. */
  readonly port?: number;
  /** Default `127.0.0.1`. */
  readonly host?: string;
}

/** A running SCIM server. */
export interface RunningScimServer {
  readonly server: Server;
  /** `http://host:port`. */
  readonly origin: string;
  readonly port: number;
  /** Stops taking requests, lets those in flight finish, then resolves. */
  close(): Promise<void>;
}

/** Starts a plain HTTP server with the SCIM handler (put TLS in front of it: tokens travel in headers). */
export const startScimServer = async (options: ScimServerOptions): Promise<RunningScimServer> => {
  const handler = createScimHandler(options);
  const inFlight = new Set<ServerResponse>();
  let closing = false;
  const server = createServer((request, response) => {
    inFlight.add(response);
    response.once('close', () => inFlight.delete(response));
    if (closing) response.setHeader('Connection', 'close');
    void handler(request, response);
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const close = (): Promise<void> =>
    new Promise((resolve, reject) => {
      closing = true;
      server.close((error) => (error ? reject(error) : resolve()));
      // Keep-alive connections would hold the close open: idle ones close now, busy ones after their response.
      for (const response of inFlight) if (!response.headersSent) response.setHeader('Connection', 'close');
      server.closeIdleConnections();
    });
  return { server, origin: `http://${host.includes(':') ? `[${host}]` : host}:${port}`, port, close };
};
