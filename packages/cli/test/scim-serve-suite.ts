import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { request } from 'node:http';
import { BIN, buildCli, runBin, tempDir, type BinRun } from './e2e-support.js';
import type { E2eStore } from './e2e-suite.js';

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

interface Reply {
  readonly status: number;
  readonly body: any;
  readonly headers: Record<string, string | string[] | undefined>;
}

/** The `scim serve` process: its origin (from its first line), everything it printed, and how it ended. */
interface Served {
  readonly child: ChildProcessWithoutNullStreams;
  readonly origin: string;
  output(): string;
  waitFor(text: string | RegExp): Promise<void>;
  exited: Promise<number | null>;
}

const serve = (store: string, cwd: string): Promise<Served> =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, '--store', store, 'scim', 'serve', '--port', '0'], { cwd, env: { ...process.env, LEARNER_LEDGER_ACTOR: 'e2e@acme.test' } });
    let out = '';
    let err = '';
    const waiters: { text: string | RegExp; done: () => void }[] = [];
    const printed = (text: string | RegExp): boolean => (typeof text === 'string' ? out.includes(text) : text.test(out));
    const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      for (const waiter of waiters.splice(0)) if (printed(waiter.text)) waiter.done();
      else waiters.push(waiter);
      const origin = /listening on (http:\/\/[\d.]+:\d+)\//.exec(out)?.[1];
      if (origin !== undefined) resolve(served(origin));
    });
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    void exited.then((code) => reject(new Error(`scim serve exited ${code} before listening:\n${out}${err}`)));
    const served = (origin: string): Served => ({
      child,
      origin,
      output: () => out,
      waitFor: (text) => (printed(text) ? Promise.resolve() : new Promise((done) => waiters.push({ text, done }))),
      exited,
    });
  });

/** Holds a request's body: the request is sent with `Expect: 100-continue`, `received` is called once the service has it, the body goes when `release` resolves. */
interface Hold {
  readonly received: () => void;
  readonly release: Promise<void>;
}

/** One HTTP request to the served process. */
const call = (origin: string, token: string, method: string, path: string, body?: unknown, hold?: Hold): Promise<Reply> =>
  new Promise((resolve, reject) => {
    const text = body === undefined ? undefined : JSON.stringify(body);
    const req = request(`${origin}${path}`, {
      method,
      headers: { Authorization: `Bearer ${token}`, Accept: 'application/scim+json', ...(text !== undefined ? { 'Content-Type': 'application/scim+json', 'Content-Length': Buffer.byteLength(text) } : {}), ...(hold ? { Expect: '100-continue' } : {}) },
    });
    req.on('error', reject);
    req.on('response', (res) => {
      let data = '';
      res.on('data', (chunk: Buffer) => (data += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: data === '' ? undefined : JSON.parse(data), headers: res.headers }));
    });
    if (text === undefined) req.end();
    else if (hold === undefined) req.end(text);
    else {
      // The service answers 100 Continue once its handler has the request: from then on it is in flight.
      req.once('continue', () => {
        hold.received();
        void hold.release.then(() => req.end(text));
      });
      req.flushHeaders();
    }
  });

/**
 * The SCIM service as an administrator runs it: `learner-ledger scim serve`
 * as a child process on a free port, tokens from `scim token create`, and the
 * request sequences Okta and Microsoft Entra ID send, over real HTTP.
 */
export const describeScimServeEndToEnd = (name: string, newStore: () => Promise<E2eStore>): void => {
  jest.setTimeout(180_000);
  describe(`learner-ledger scim serve end to end on ${name}`, () => {
    let store: E2eStore;
    let work: { dir: string; remove: () => void };
    let server: Served | undefined;
    const tokens: Record<string, string> = {};
    const ok = async (...args: string[]): Promise<BinRun> => {
      const result = await runBin(['--store', store.location, ...args], { cwd: work.dir });
      if (result.code !== 0) throw new Error(`learner-ledger ${args.join(' ')} exited ${result.code}:\n${result.err}${result.out}`);
      return result;
    };
    const scim = (client: string, method: string, path: string, body?: unknown, hold?: Hold) => call(server!.origin, tokens[client]!, method, `/scim/v2/acme${path}`, body, hold);
    const auditOf = async (learnerId: string, orgId = 'acme') => (await ok('audit', 'learner', orgId, learnerId, '--json')).json().entries as { type: string; channel: string; actor: { kind: string; id: string } }[];

    beforeAll(async () => {
      buildCli();
      store = await newStore();
      work = tempDir('learner-ledger-scim-e2e-');
      await ok('org', 'create', 'acme', '--name', 'Acme Corp', '--seats', '5');
      await ok('org', 'create', 'globex', '--name', 'Globex', '--seats', '5');
      await ok('org', 'create', 'initech', '--name', 'Initech', '--seats', '60');
      for (const [org, client] of [['acme', 'okta'], ['acme', 'entra'], ['globex', 'okta'], ['initech', 'okta']] as const) {
        const created = await ok('scim', 'token', 'create', org, '--client', client, '--json');
        expect(Object.keys(created.json())).toContain('token');
        tokens[org === 'acme' ? client : `${org}-${client}`] = created.json().token;
      }
      server = await serve(store.location, work.dir);
    }, 240_000);
    afterAll(async () => {
      if (server && server.child.exitCode === null) {
        server.child.kill('SIGTERM');
        await server.exited;
      }
      await store?.dispose();
      work?.remove();
    });

    test('Okta: create, update (PUT), deactivate, retried deactivation writes nothing, reactivate, delete; the audit shows channel scim and okta', async () => {
      const created = await scim('okta', 'POST', '/Users', {
        schemas: [USER], userName: 'dana.scully@acme.test', name: { givenName: 'Dana', familyName: 'Scully' },
        emails: [{ primary: true, value: 'dana.scully@acme.test', type: 'work' }], externalId: '00u1dana', active: true,
      });
      expect(created.status).toBe(201);
      const id = created.body.id as string;
      const put = await scim('okta', 'PUT', `/Users/${id}`, { ...created.body, name: { givenName: 'Dana', familyName: 'Scully-Mulder' } });
      expect(put.body).toMatchObject({ active: true, name: { familyName: 'Scully-Mulder' } });

      const deactivate = { schemas: [PATCH_OP], Operations: [{ op: 'replace', value: { active: false } }] };
      const first = await scim('okta', 'PATCH', `/Users/${id}`, deactivate);
      expect(first.body.active).toBe(false);
      const retried = await scim('okta', 'PATCH', `/Users/${id}`, deactivate);
      expect(retried.status).toBe(200);
      expect(retried.headers['etag']).toBe(first.headers['etag']);

      expect((await scim('okta', 'PATCH', `/Users/${id}`, { schemas: [PATCH_OP], Operations: [{ op: 'replace', value: { active: true } }] })).body.active).toBe(true);
      expect((await scim('okta', 'DELETE', `/Users/${id}`)).status).toBe(204);
      expect((await scim('okta', 'GET', `/Users/${id}`)).body).toMatchObject({ id, active: false });

      const trail = await auditOf(id);
      const deactivations = trail.filter((entry) => entry.type === 'LearnerDeactivated');
      expect(deactivations).toHaveLength(2); // the PATCH and the DELETE; the retry added none
      for (const entry of deactivations) expect(entry).toMatchObject({ channel: 'scim', actor: { kind: 'connector', id: 'okta' } });
      expect(trail.filter((entry) => entry.type === 'LearnerReactivated')).toHaveLength(1);
    });

    test("Entra ID: create, PATCH Replace with string booleans, retried deactivation writes nothing, reactivate, delete; the audit shows entra", async () => {
      const created = await scim('entra', 'POST', '/Users', {
        schemas: [USER, 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User'], externalId: 'fox.mulder', userName: 'fox.mulder@acme.test', active: true,
        emails: [{ primary: true, type: 'work', value: 'fox.mulder@acme.test' }], name: { formatted: 'Fox Mulder', familyName: 'Mulder', givenName: 'Fox' },
        'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User': { employeeNumber: 'E-1013' },
      });
      expect(created.status).toBe(201);
      const id = created.body.id as string;
      const rename = await scim('entra', 'PATCH', `/Users/${id}`, { schemas: [PATCH_OP], Operations: [{ op: 'Replace', path: 'name.familyName', value: 'Mulder-Scully' }] });
      expect(rename.body.name.familyName).toBe('Mulder-Scully');
      const disable = { schemas: [PATCH_OP], Operations: [{ op: 'Replace', path: 'active', value: 'False' }] };
      const first = await scim('entra', 'PATCH', `/Users/${id}`, disable);
      expect(first.body.active).toBe(false);
      const retried = await scim('entra', 'PATCH', `/Users/${id}`, disable);
      expect(retried.headers['etag']).toBe(first.headers['etag']);
      expect((await scim('entra', 'PATCH', `/Users/${id}`, { schemas: [PATCH_OP], Operations: [{ op: 'Replace', path: 'active', value: 'True' }] })).body.active).toBe(true);
      expect((await scim('entra', 'DELETE', `/Users/${id}`)).status).toBe(204);
      expect((await scim('entra', 'DELETE', `/Users/${id}`)).status).toBe(204);

      const deactivations = (await auditOf(id)).filter((entry) => entry.type === 'LearnerDeactivated');
      expect(deactivations).toHaveLength(2); // the PATCH and the first DELETE
      for (const entry of deactivations) expect(entry).toMatchObject({ channel: 'scim', actor: { kind: 'connector', id: 'entra' } });
    });

    test("another organization's token and a revoked token are refused with 401; the log names no token", async () => {
      expect((await scim('globex-okta', 'GET', '/Users')).status).toBe(401);
      // A refused request is logged with the organization of its path, and no client.
      await server!.waitFor(/GET \/scim\/v2\/acme\/Users 401 [\d.]+ms org=acme client=- request=\S+\n/);
      expect((await scim('entra', 'GET', '/Users')).status).toBe(200);
      const revoked = await ok('scim', 'token', 'revoke', 'acme', 'entra', '--json');
      expect(revoked.json().revoked).toHaveLength(1);
      expect((await scim('entra', 'GET', '/Users')).status).toBe(401);
      expect((await scim('okta', 'GET', '/Users')).status).toBe(200);
      // The log line follows the response: wait for it.
      await server!.waitFor(/GET \/scim\/v2\/acme\/Users 200 [\d.]+ms org=acme client=okta request=\S+\n/);
      for (const token of Object.values(tokens)) expect(server!.output()).not.toContain(token);
    });

    test('a mass deactivation is held after the threshold with a 409, listed by report anomalies, and let through by scim allow-deactivations', async () => {
      const initech = (method: string, path: string, body?: unknown) => call(server!.origin, tokens['initech-okta']!, method, `/scim/v2/initech${path}`, body);
      const ids: string[] = [];
      for (let i = 0; i < 50; i++) {
        const created = await initech('POST', '/Users', { schemas: [USER], userName: `peter${i}@initech.test`, name: { givenName: 'Peter', familyName: `Gibbons ${i}` }, externalId: `pg${i}`, active: true });
        expect(created.status).toBe(201);
        ids.push(created.body.id as string);
      }
      for (const id of ids.slice(0, 10)) expect((await initech('DELETE', `/Users/${id}`)).status).toBe(204);
      const refused = await initech('DELETE', `/Users/${ids[10]}`);
      expect(refused.status).toBe(409);
      expect(refused.body).toMatchObject({ schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '409' });
      expect(refused.body.detail).toMatch(/mass-deactivation guard.*10 within the last hour and 1 more.*50 learners active when the hour began.*scim allow-deactivations initech/);
      expect((await initech('PATCH', `/Users/${ids[11]}`, { schemas: [PATCH_OP], Operations: [{ op: 'replace', value: { active: false } }] })).status).toBe(409);
      expect((await initech('DELETE', `/Users/${ids[0]}`)).status).toBe(204); // a retry of one that landed

      const report = (await ok('report', 'anomalies', 'initech', '--json')).json();
      expect(report.anomalies).toEqual([expect.objectContaining({ kind: 'scim-deactivations-held', detail: expect.stringMatching(/1 more \(pg10\) on top of 10 within the hour would pass 20% of the 50 learners/) })]);
      expect((await ok('report', 'anomalies', 'initech')).out).toMatch(/scim-deactivations-held/);

      const allowed = await ok('scim', 'allow-deactivations', 'initech', '--count', '5', '--json');
      expect(allowed.json()).toEqual({ orgId: 'initech', released: true, count: 5 });
      for (const id of ids.slice(10, 15)) expect((await initech('DELETE', `/Users/${id}`)).status).toBe(204);
      expect((await initech('GET', `/Users/${ids[10]}`)).body).toMatchObject({ active: false });
      expect((await ok('report', 'anomalies', 'initech', '--json')).json().anomalies).toEqual([]);
      const released = (await auditOf('pg10', 'initech')).filter((entry) => entry.type === 'LearnerDeactivated');
      expect(released).toEqual([expect.objectContaining({ channel: 'scim', actor: { kind: 'connector', id: 'okta' } })]);
    });

    test('SIGTERM lets the request in flight finish, then the service exits 0', async () => {
      let release!: () => void;
      let received!: () => void;
      const inFlight = new Promise<void>((done) => (received = done));
      const hold: Hold = { received, release: new Promise<void>((done) => (release = done)) };
      const pending = scim('okta', 'POST', '/Users', { schemas: [USER], userName: 'walter.skinner@acme.test', name: { givenName: 'Walter', familyName: 'Skinner' }, externalId: 'wskinner' }, hold);
      await inFlight;
      server!.child.kill('SIGTERM');
      await server!.waitFor('SCIM service stopping (SIGTERM)');
      release();
      const reply = await pending;
      expect(reply.status).toBe(201);
      expect(await server!.exited).toBe(0);
      expect(server!.output()).toContain('SCIM service stopped (SIGTERM)');
      const registered = (await auditOf('wskinner')).filter((entry) => entry.type === 'LearnerRegistered');
      expect(registered).toEqual([expect.objectContaining({ channel: 'scim', actor: { kind: 'connector', id: 'okta' } })]);
    });
  });
};
