import { createHmac } from 'node:crypto';
import request from 'supertest';
import { bearer, registerUser, TestUser } from '../support/auth-helpers';
import { createTestApp, TestApp } from '../support/test-app';

/** The secret createTestApp gives every app. */
const TEST_JWT_SECRET = 'e2e-test-secret-that-is-long-enough-0123456789';

/** Polls until `path` answers `status` for the user (sessions are re-checked every few seconds). */
async function statusBecomes(
  url: string,
  u: { accessToken: string },
  path: string,
  status: number,
  method: 'get' | 'post' = 'get',
): Promise<number> {
  const deadline = Date.now() + 30_000;
  let last = 0;
  while (Date.now() < deadline) {
    const req = method === 'get' ? request(url).get(path) : request(url).post(path).send({});
    last = (await req.set(bearer(u))).status;
    if (last === status) return last;
    await new Promise((r) => setTimeout(r, 250));
  }
  return last;
}

function hs256(payload: Record<string, unknown>): string {
  const enc = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const head = `${enc({ alg: 'HS256', typ: 'JWT' })}.${enc(payload)}`;
  return `${head}.${createHmac('sha256', TEST_JWT_SECRET).update(head).digest('base64url')}`;
}

function claimsOf(u: TestUser): { sub: string; sid: string; role: string; exp: number } {
  return JSON.parse(Buffer.from(u.accessToken.split('.')[1], 'base64url').toString('utf8')) as {
    sub: string;
    sid: string;
    role: string;
    exp: number;
  };
}

describe('Sessions and access-token revocation (e2e)', () => {
  let a: TestApp;
  let b: TestApp;
  beforeAll(async () => {
    a = await createTestApp();
    // A second instance on the same database and Redis: it learns of revocations on its own.
    b = await createTestApp({ databaseUrl: a.databaseUrl, redisPrefix: a.redisPrefix });
  });
  afterAll(async () => {
    await b.close();
    await a.close();
  });

  it('should put a session id in access tokens, one session per sign-in', async () => {
    const u = await registerUser(a.url);
    const c = claimsOf(u);
    expect(c.sub).toBe(u.id);
    expect(c.sid).toMatch(/^[0-9a-f-]{36}$/);
    expect(typeof c.exp).toBe('number');
    const login = await request(a.url)
      .post('/api/auth/login')
      .send({ email: u.email, password: u.password })
      .expect(200);
    expect(claimsOf({ ...u, accessToken: login.body.accessToken as string }).sid).not.toBe(c.sid);
  });

  it('should end the access token at logout without a body, on this and on another instance', async () => {
    const u = await registerUser(a.url);
    await request(b.url).get('/api/wallet').set(bearer(u)).expect(200); // b caches the live session
    await request(a.url).post('/api/auth/logout').set(bearer(u)).expect(204);
    await request(a.url).get('/api/auth/me').set(bearer(u)).expect(401);
    expect(await statusBecomes(b.url, u, '/api/wallet', 401)).toBe(401);
    // The session's refresh token ended with it.
    await request(a.url)
      .post('/api/auth/refresh')
      .send({ refreshToken: u.refreshToken })
      .expect(401);
  });

  it('should end only the signed-out session: other sign-ins of the same user keep working', async () => {
    const u = await registerUser(a.url);
    const other = await request(a.url)
      .post('/api/auth/login')
      .send({ email: u.email, password: u.password })
      .expect(200);
    await request(a.url)
      .post('/api/auth/logout')
      .set(bearer(u))
      .send({ refreshToken: u.refreshToken })
      .expect(204);
    await request(a.url).get('/api/auth/me').set(bearer(u)).expect(401);
    await request(a.url)
      .get('/api/auth/me')
      .set('Authorization', `Bearer ${other.body.accessToken as string}`)
      .expect(200);
  });

  it('should end the access tokens of a family revoked for refresh-token reuse', async () => {
    const u = await registerUser(a.url);
    const rotated = await request(a.url)
      .post('/api/auth/refresh')
      .send({ refreshToken: u.refreshToken })
      .expect(200);
    const current = { accessToken: rotated.body.accessToken as string };
    await request(b.url).get('/api/auth/me').set(bearer(current)).expect(200);
    // The first refresh token again: a stolen copy. The whole family (= session) ends.
    const reuse = await request(a.url)
      .post('/api/auth/refresh')
      .send({ refreshToken: u.refreshToken })
      .expect(401);
    expect(reuse.body.code).toBe('REFRESH_TOKEN_REUSED');
    await request(a.url).get('/api/auth/me').set(bearer(current)).expect(401);
    await request(a.url).get('/api/auth/me').set(bearer(u)).expect(401);
    expect(await statusBecomes(b.url, current, '/api/auth/me', 401)).toBe(401);
  });

  it("should answer 401 (not 200 or 500) to a deleted user's token within seconds, reads and writes", async () => {
    const u = await registerUser(a.url);
    await request(a.url).get('/api/auth/me').set(bearer(u)).expect(200);
    await a.db.query(`DELETE FROM users WHERE id = $1`, [u.id]);
    expect(await statusBecomes(a.url, u, '/api/auth/me', 401)).toBe(401);
    expect(await statusBecomes(a.url, u, '/api/wallet', 401)).toBe(401);
    expect(await statusBecomes(a.url, u, '/api/payment-methods', 401, 'post')).toBe(401);
  });

  it("should answer 401 to a disabled user's token within seconds and refuse their sign-in and refresh", async () => {
    const u = await registerUser(a.url);
    await request(a.url).get('/api/wallet').set(bearer(u)).expect(200);
    await a.db.query(`UPDATE users SET disabled_at = now() WHERE id = $1`, [u.id]);
    expect(await statusBecomes(a.url, u, '/api/wallet', 401)).toBe(401);
    const login = await request(a.url)
      .post('/api/auth/login')
      .send({ email: u.email, password: u.password })
      .expect(401);
    expect(login.body.code).toBe('ACCOUNT_DISABLED');
    await request(a.url)
      .post('/api/auth/refresh')
      .send({ refreshToken: u.refreshToken })
      .expect(401);
  });

  it('should refuse a correctly signed token without exp, without a session id, or of an unknown session', async () => {
    const u = await registerUser(a.url);
    const c = claimsOf(u);
    const iat = Math.floor(Date.now() / 1000);
    const base = { sub: u.id, role: 'CLIENT', typ: 'access', iat };
    // Control: the hand-made signature is right, so only the claims decide.
    await request(a.url)
      .get('/api/auth/me')
      .set('Authorization', `Bearer ${hs256({ ...base, sid: c.sid, exp: iat + 600 })}`)
      .expect(200);
    for (const token of [
      hs256({ ...base, sid: c.sid }),
      hs256({ ...base, exp: iat + 600 }),
      hs256({ ...base, sid: '00000000-0000-4000-8000-000000000000', exp: iat + 600 }),
    ])
      await request(a.url).get('/api/auth/me').set('Authorization', `Bearer ${token}`).expect(401);
  });

  it('should refuse a token from its exp on, though it was accepted (and remembered) before', async () => {
    const u = await registerUser(a.url);
    const c = claimsOf(u);
    const iat = Math.floor(Date.now() / 1000);
    const exp = iat + 5; // the two requests below have seconds to spare on a busy machine
    const token = hs256({ sub: u.id, role: 'CLIENT', typ: 'access', iat, sid: c.sid, exp });
    const auth = { Authorization: `Bearer ${token}` };
    await request(a.url).get('/api/auth/me').set(auth).expect(200);
    await request(a.url).get('/api/auth/me').set(auth).expect(200);
    // Waits until the clock has passed exp (seconds), whatever the machine's speed.
    while (Date.now() < exp * 1000 + 50) await new Promise((r) => setTimeout(r, 100));
    const late = await request(a.url).get('/api/auth/me').set(auth).expect(401);
    expect(late.body.code).toBe('UNAUTHORIZED');
  });

  it('should mark authenticated responses Cache-Control: no-store', async () => {
    const u = await registerUser(a.url);
    for (const path of ['/api/wallet', '/api/auth/me', '/api/wallet/transactions']) {
      const res = await request(a.url).get(path).set(bearer(u)).expect(200);
      expect(res.headers['cache-control']).toBe('no-store');
    }
    const unauthenticated = await request(a.url).get('/api/wallet');
    expect(unauthenticated.status).toBe(401);
  });
});
