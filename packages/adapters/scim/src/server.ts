import { createServer, type Server } from 'node:http';
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
  const server = createServer((request, response) => {
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
      server.close((error) => (error ? reject(error) : resolve()));
      // Keep-alive connections with no request in flight would hold the close open.
      server.closeIdleConnections();
    });
  return { server, origin: `http://${host.includes(':') ? `[${host}]` : host}:${port}`, port, close };
};
