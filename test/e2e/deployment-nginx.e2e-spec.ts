import { request as httpRequest } from 'node:http';
import request from 'supertest';
import { createAdmin } from '../support/admin-helpers';
import { bearer, registerUser } from '../support/auth-helpers';
import { startNginx, type RunningNginx } from '../support/nginx';
import { startDeposit } from '../support/payment-helpers';
import { sandboxAct } from '../support/sandbox-helpers';
import { connectSocket, recordEvents } from '../support/socket-helpers';
import { createTestApp, freePort, TestApp } from '../support/test-app';

/** Loopback addresses standing for the machines of the production shape (all on `lo`). */
const NGINX_LISTEN = '127.0.0.3';
const NGINX_EGRESS = '127.0.0.2'; // the only TRUSTED_PROXIES entry
const CLIENT = '127.0.0.5'; // a user on the internet

/** One HTTP request from a chosen source address (fetch cannot pick it). */
function call(
  url: string,
  opts: {
    from?: string;
    method?: string;
    headers?: Record<string, string>;
    body?: Buffer | string;
  } = {},
): Promise<{ status: number; headers: Record<string, unknown>; text: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      url,
      { method: opts.method ?? 'GET', headers: opts.headers, localAddress: opts.from },
      (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
      },
    );
    req.on('error', reject);
    req.end(opts.body);
  });
}

/**
 * The deployment shape without Docker: the repository's nginx configuration in front of two
 * instances sharing PostgreSQL and Redis, as docker-compose.yml runs them.
 */
describe('Deployment shape: nginx in front of two instances (e2e)', () => {
  let a: TestApp;
  let b: TestApp;
  let nginx: RunningNginx;

  beforeAll(async () => {
    const env = (version: string) => ({ TRUSTED_PROXIES: NGINX_EGRESS, APP_VERSION: version });
    a = await createTestApp({ env: env('instance-a') });
    b = await createTestApp({
      databaseUrl: a.databaseUrl,
      redisPrefix: a.redisPrefix,
      env: env('instance-b'),
    });
    nginx = await startNginx({
      listen: NGINX_LISTEN,
      port: await freePort(),
      upstreams: [a.url.replace('http://', ''), b.url.replace('http://', '')],
      proxyBind: NGINX_EGRESS,
    });
  });
  afterAll(async () => {
    await nginx?.stop();
    await b?.close();
    await a?.close();
    delete process.env.TRUSTED_PROXIES;
    delete process.env.APP_VERSION;
  });

  it('should spread requests over both instances', async () => {
    const seen = new Set<string>();
    for (let i = 0; i < 12; i++) {
      const res = await call(`${nginx.url}/health/status`, { from: CLIENT });
      seen.add((JSON.parse(res.text) as { version: string }).version);
    }
    expect([...seen].sort()).toEqual(['instance-a', 'instance-b']);
  });

  it('should trust X-Forwarded-For from nginx only', async () => {
    const admin = await createAdmin(a);
    const reject = (url: string, headers: Record<string, string> = {}) =>
      call(`${url}/api/accounts/wallet/paymongo-webhook`, {
        from: CLIENT,
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'paymongo-signature': 't=1,te=bad',
          ...headers,
        },
        body: JSON.stringify({ data: { id: 'evt_forged' } }),
      });
    // Through nginx: the app sees the real client, even when the client forges the header.
    expect((await reject(nginx.url)).status).toBe(401);
    expect((await reject(nginx.url, { 'x-forwarded-for': '198.51.100.7' })).status).toBe(401);
    // Straight to an instance (not via nginx): a forged header is ignored.
    expect((await reject(a.url, { 'x-forwarded-for': '198.51.100.8' })).status).toBe(401);
    const list = await request(a.url)
      .get('/api/admin/webhook-rejections?limit=10')
      .set(bearer(admin))
      .expect(200);
    const ips = (list.body as { data: Array<{ sourceIp: string }> }).data.map((r) => r.sourceIp);
    expect(ips.sort()).toEqual([CLIENT, CLIENT, CLIENT].sort());
  });

  it('should not serve /metrics publicly through nginx', async () => {
    expect((await call(`${nginx.url}/metrics`, { from: CLIENT })).status).toBe(404);
    expect((await call(`${a.url}/metrics`)).status).toBe(200); // the scraper's internal path
  });

  it('should refuse a 2 MB body at nginx, before any instance reads it', async () => {
    const body = Buffer.alloc(2 * 1024 * 1024 + 1, 'a');
    const res = await call(`${nginx.url}/api/auth/login`, {
      from: CLIENT,
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-length': String(body.length) },
      body,
    });
    expect(res.status).toBe(413);
    expect(res.text).toContain('<center>nginx</center>');
    // Smaller than nginx's cap but over the app's BODY_LIMIT: the app answers in the error shape.
    const small = Buffer.alloc(512 * 1024, 'a');
    const app = await call(`${nginx.url}/api/auth/login`, {
      from: CLIENT,
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-length': String(small.length) },
      body: small,
    });
    expect(app.status).toBe(413);
    expect(JSON.parse(app.text)).toMatchObject({ statusCode: 413, code: 'PAYLOAD_TOO_LARGE' });
  });

  it('should carry Socket.IO through nginx and deliver events raised on either instance', async () => {
    const u = await registerUser(nginx.url, 'CLIENT');
    const socket = await connectSocket(nginx.url, { token: u.accessToken });
    const events = recordEvents(socket);
    try {
      // One deposit paid on each instance: whichever instance holds the socket, one of the two
      // wallet events was raised on the other one and must cross over (Redis adapter).
      for (const [t, amount] of [
        [a, 10_000],
        [b, 20_000],
      ] as const) {
        const d = await startDeposit(t.url, u, amount);
        await sandboxAct(t.url, d.checkoutId, 'pay');
      }
      const deadline = Date.now() + 30_000;
      const balances = () =>
        events
          .filter((e) => e.event === 'wallet.updated')
          .map((e) => (e.payload as { balance: number }).balance);
      while (!balances().includes(30_000) && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 200));
      expect(balances()).toEqual(expect.arrayContaining([10_000, 30_000]));
    } finally {
      socket.close();
    }
  });
});
