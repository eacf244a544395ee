import request from 'supertest';
import { UsersService } from 'src/modules/users/users.service';
import { bearer, registerUser } from '../support/auth-helpers';
import { createTestApp, TestApp } from '../support/test-app';

describe('Auth (e2e)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('should register, set httpOnly cookies, and return the user without secrets', async () => {
    const res = await request(t.url)
      .post('/api/auth/register')
      .send({
        email: 'Maria@Example.com',
        password: 'long enough password',
        name: 'Maria',
        role: 'WORKER',
      })
      .expect(201);
    expect(res.body.user).toEqual({
      id: expect.any(String),
      email: 'maria@example.com',
      name: 'Maria',
      role: 'WORKER',
      createdAt: expect.any(String),
    });
    expect(typeof res.body.accessToken).toBe('string');
    expect(typeof res.body.refreshToken).toBe('string');
    const cookies = res.headers['set-cookie'] as unknown as string[];
    expect(cookies.find((c) => c.startsWith('access='))).toMatch(
      /HttpOnly.*SameSite=Lax|SameSite=Lax.*HttpOnly/,
    );
    expect(cookies.find((c) => c.startsWith('refresh='))).toContain('Path=/api/auth');
    expect(JSON.stringify(res.body)).not.toMatch(/password/i);
  });

  it('should refuse a duplicate email (any case) with 409', async () => {
    await registerUser(t.url, 'CLIENT', { email: 'dup@example.com' });
    const res = await request(t.url)
      .post('/api/auth/register')
      .send({
        email: 'DUP@example.com',
        password: 'long enough password',
        name: 'X',
        role: 'CLIENT',
      })
      .expect(409);
    expect(res.body.code).toBe('EMAIL_TAKEN');
  });

  it('should never let anyone register as ADMIN, and reject short passwords', async () => {
    const admin = await request(t.url)
      .post('/api/auth/register')
      .send({ email: 'a@example.com', password: 'long enough password', name: 'A', role: 'ADMIN' })
      .expect(400);
    expect(admin.body.code).toBe('VALIDATION_FAILED');
    await request(t.url)
      .post('/api/auth/register')
      .send({ email: 'b@example.com', password: 'short', name: 'B', role: 'CLIENT' })
      .expect(400);
  });

  it('should log in, and answer wrong password and unknown email with the same 401', async () => {
    const u = await registerUser(t.url);
    const ok = await request(t.url)
      .post('/api/auth/login')
      .send({ email: u.email, password: u.password })
      .expect(200);
    expect(ok.body.user.id).toBe(u.id);
    const wrong = await request(t.url)
      .post('/api/auth/login')
      .send({ email: u.email, password: 'nope nope nope' })
      .expect(401);
    const unknown = await request(t.url)
      .post('/api/auth/login')
      .send({ email: 'nobody@example.com', password: 'nope nope nope' })
      .expect(401);
    expect(wrong.body.code).toBe('INVALID_CREDENTIALS');
    expect(unknown.body.message).toBe(wrong.body.message);
  });

  it('should accept the access token as Bearer and as the access cookie, and 401 without one', async () => {
    const u = await registerUser(t.url, 'AGENCY');
    const viaBearer = await request(t.url).get('/api/auth/me').set(bearer(u)).expect(200);
    expect(viaBearer.body).toEqual({
      id: u.id,
      email: u.email,
      name: 'Test User',
      role: 'AGENCY',
      createdAt: expect.any(String),
    });
    await request(t.url).get('/api/auth/me').set('Cookie', `access=${u.accessToken}`).expect(200);
    const none = await request(t.url).get('/api/auth/me').expect(401);
    expect(none.body).toEqual({
      statusCode: 401,
      code: 'UNAUTHORIZED',
      message: expect.any(String),
      requestId: expect.any(String),
    });
    await request(t.url).get('/api/auth/me').set('Authorization', 'Bearer not.a.jwt').expect(401);
  });

  it('should rotate refresh tokens and revoke the whole family when an old one is reused', async () => {
    const u = await registerUser(t.url);
    const first = await request(t.url)
      .post('/api/auth/refresh')
      .send({ refreshToken: u.refreshToken })
      .expect(200);
    const second = first.body.refreshToken as string;
    expect(second).not.toBe(u.refreshToken);
    // Reuse of the first token: rejected, and the family (including `second`) is revoked.
    const reuse = await request(t.url)
      .post('/api/auth/refresh')
      .send({ refreshToken: u.refreshToken })
      .expect(401);
    expect(reuse.body.code).toBe('REFRESH_TOKEN_REUSED');
    const afterReuse = await request(t.url)
      .post('/api/auth/refresh')
      .send({ refreshToken: second })
      .expect(401);
    expect(afterReuse.body.code).toBe('REFRESH_TOKEN_REUSED');
  });

  it('should refresh from the refresh cookie', async () => {
    const u = await registerUser(t.url);
    const res = await request(t.url)
      .post('/api/auth/refresh')
      .set('Cookie', `refresh=${u.refreshToken}`)
      .set('Origin', t.url)
      .send({})
      .expect(200);
    expect(res.body.user.id).toBe(u.id);
  });

  it('should rotate exactly once when the same refresh token is presented concurrently', async () => {
    const u = await registerUser(t.url);
    const results = await Promise.all(
      Array.from({ length: 10 }, () =>
        request(t.url).post('/api/auth/refresh').send({ refreshToken: u.refreshToken }),
      ),
    );
    expect(results.filter((r) => r.status === 200)).toHaveLength(1);
    expect(results.filter((r) => r.status === 401)).toHaveLength(9);
  });

  it('should log out: revoke the refresh family and clear cookies', async () => {
    const u = await registerUser(t.url);
    const res = await request(t.url)
      .post('/api/auth/logout')
      .set(bearer(u))
      .send({ refreshToken: u.refreshToken })
      .expect(204);
    const cookies = res.headers['set-cookie'] as unknown as string[];
    expect(cookies.some((c) => c.startsWith('access=;'))).toBe(true);
    await request(t.url)
      .post('/api/auth/refresh')
      .send({ refreshToken: u.refreshToken })
      .expect(401);
    await request(t.url).post('/api/auth/logout').send({}).expect(401);
  });

  it('should let an operator-created ADMIN sign in with role ADMIN', async () => {
    await t.app.get(UsersService).create({
      email: 'ops@example.com',
      password: 'admin password 123',
      name: 'Ops',
      role: 'ADMIN',
    });
    const res = await request(t.url)
      .post('/api/auth/login')
      .send({ email: 'ops@example.com', password: 'admin password 123' })
      .expect(200);
    expect(res.body.user.role).toBe('ADMIN');
  });
});
