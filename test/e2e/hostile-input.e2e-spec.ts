import request from 'supertest';
import { createAdmin } from '../support/admin-helpers';
import { bearer, registerUser, TestUser } from '../support/auth-helpers';
import { createTestApp, TestApp } from '../support/test-app';

/**
 * Hostile input (issue 10, items 5 and 10): every case below used to answer 500 (and log a stack at
 * error level / reach Sentry) or to be accepted cross-site. Each must be a 4xx with the error shape,
 * and nothing may be logged at error level.
 */
describe('Hostile input and CSRF (e2e)', () => {
  let t: TestApp;
  let admin: TestUser;
  let client: TestUser;
  let worker: TestUser;
  const lines: string[] = [];
  const errorLines = () =>
    lines
      .flatMap((l) => l.split('\n').filter(Boolean))
      .map((l) => JSON.parse(l) as { level: number; msg?: string })
      .filter((e) => e.level >= 50);

  beforeAll(async () => {
    t = await createTestApp({
      env: { LOG_LEVEL: 'info' },
      logDestination: { write: (line: string) => void lines.push(line) },
    });
    admin = await createAdmin(t);
    client = await registerUser(t.url, 'CLIENT');
    worker = await registerUser(t.url, 'WORKER');
  });
  afterAll(() => t.close());

  const expectError = (res: request.Response, statusCode: number, code: string) => {
    expect({ status: res.status, code: (res.body as { code?: string }).code }).toEqual({
      status: statusCode,
      code,
    });
    expect(res.body).toMatchObject({ statusCode, message: expect.any(String) });
    expect(res.body.requestId).toBe(res.headers['x-request-id']);
    expect(JSON.stringify(res.body)).not.toMatch(/at \w+ \(|node_modules|\.ts:\d+|stack/i);
  };
  const rawJson = (method: 'post' | 'put', path: string, body: string, u?: TestUser) => {
    const r = request(t.url)[method](path).set('Content-Type', 'application/json');
    return (u ? r.set(bearer(u)) : r).send(body);
  };

  describe('item 5: bad input never 500s', () => {
    it('should refuse JSON nested 3,000 deep on public, user and webhook routes with 400 JSON_TOO_DEEP', async () => {
      const deep = '['.repeat(3000) + ']'.repeat(3000);
      const inObject = `{"email":${deep},"password":"x"}`;
      expectError(await rawJson('post', '/api/auth/login', inObject), 400, 'JSON_TOO_DEEP');
      expectError(await rawJson('post', '/api/auth/register', deep), 400, 'JSON_TOO_DEEP');
      expectError(
        await rawJson('post', '/api/wallet/deposit', `{"amount":${deep}}`, client),
        400,
        'JSON_TOO_DEEP',
      );
      expectError(
        await rawJson('put', '/api/admin/settings', `{"platformFeeBps":${deep}}`, admin),
        400,
        'JSON_TOO_DEEP',
      );
      expectError(
        await rawJson('post', '/api/accounts/wallet/paymongo-webhook', `{"data":${deep}}`),
        400,
        'JSON_TOO_DEEP',
      );
    });

    it('should answer 415 to a compressed (gzip, br, deflate) body, even a plain one', async () => {
      for (const encoding of ['gzip', 'br', 'deflate', 'x-unknown']) {
        const res = await request(t.url)
          .post('/api/auth/login')
          .set('Content-Type', 'application/json')
          .set('Content-Encoding', encoding)
          .send('{"email":"a@example.com","password":"long enough pw"}');
        expectError(res, 415, 'UNSUPPORTED_MEDIA_TYPE');
      }
    });

    it('should refuse NUL characters in body fields, query params and path ids with 400 VALIDATION_FAILED', async () => {
      const before = await t.db.query<Array<{ n: string }>>(`SELECT count(*) AS n FROM users`);
      const reg = await request(t.url).post('/api/auth/register').send({
        email: 'nul@example.com',
        password: 'long enough pw',
        name: 'a\0b',
        role: 'CLIENT',
      });
      expectError(reg, 400, 'VALIDATION_FAILED');
      expect(reg.body.details).toEqual(['body.name contains a NUL character or invalid Unicode']);
      expect(await t.db.query(`SELECT count(*) AS n FROM users`)).toEqual(before);

      const job = await request(t.url)
        .post('/api/jobs')
        .set(bearer(client))
        .send({ title: 'Fix\0 sink', budget: 50_000, workerId: worker.id });
      expectError(job, 400, 'VALIDATION_FAILED');

      const adjust = await request(t.url)
        .post('/api/admin/ledger/adjustments')
        .set(bearer(admin))
        .set('Idempotency-Key', 'nul-adjustment-1')
        .send({
          account: `wallet:${client.id}:available`,
          amount: 100,
          direction: 'CREDIT',
          reason: 'typo\0',
        });
      expectError(adjust, 400, 'VALIDATION_FAILED');

      for (const path of [
        '/api/admin/transactions?reference=abc%00def',
        '/api/admin/transactions?userId=%00',
        '/api/admin/audit-log?action=x%00',
        '/api/admin/transactions/%00abc',
        '/api/admin/webhook-events?provider=paymongo%00',
      ]) {
        expectError(await request(t.url).get(path).set(bearer(admin)), 400, 'VALIDATION_FAILED');
      }
      expectError(
        await request(t.url).get('/api/jobs/%00').set(bearer(client)),
        400,
        'VALIDATION_FAILED',
      );
      expectError(
        await request(t.url).get('/api/jobs/%ff%fe').set(bearer(client)),
        400,
        'INVALID_PATH',
      );
    });

    it('should refuse lone surrogates ("\\ud800") anywhere in a JSON body, values or keys', async () => {
      for (const body of [
        '{"email":"\\ud800","password":"long enough pw"}',
        '{"email":"a\\udc00@example.com","password":"long enough pw"}',
        '{"email":"a@example.com","password":"long enough pw","\\ud800":1}',
      ]) {
        const res = await rawJson('post', '/api/auth/login', body);
        expectError(res, 400, 'VALIDATION_FAILED');
      }
      // A well-formed pair (an emoji) is fine: the request reaches the credential check.
      const emoji = await rawJson(
        'post',
        '/api/auth/login',
        '{"email":"a@example.com","password":"long enough pw \\ud83d\\ude00"}',
      );
      expectError(emoji, 401, 'INVALID_CREDENTIALS');
    });

    it('should have logged nothing at error level for any of the above', () => {
      expect(errorLines()).toEqual([]);
    });
  });

  describe('item 10: content types and cookie origins', () => {
    const bank = {
      type: 'BANK',
      accountName: 'Ana Cruz',
      accountNumber: '1234567890',
      bankCode: 'BDO',
    };

    it('should answer 415 to a body that is not application/json on JSON routes', async () => {
      for (const [type, body] of [
        ['application/x-www-form-urlencoded', 'email=a%40example.com&password=long+enough+pw'],
        ['text/plain', '{"email":"a@example.com","password":"long enough pw"}'],
        ['multipart/form-data; boundary=x', '--x\r\n\r\n--x--'],
      ]) {
        const res = await request(t.url)
          .post('/api/auth/login')
          .set('Content-Type', type)
          .send(body);
        expectError(res, 415, 'UNSUPPORTED_MEDIA_TYPE');
      }
      const noType = await request(t.url)
        .post('/api/payment-methods')
        .set(bearer(client))
        .set('Content-Type', '')
        .send(Buffer.from(JSON.stringify(bank)));
      expectError(noType, 415, 'UNSUPPORTED_MEDIA_TYPE');
    });

    it('should refuse a cookie-authenticated form post from another origin (the CSRF the probe found)', async () => {
      const res = await request(t.url)
        .post('/api/payment-methods')
        .set('Cookie', `access=${client.accessToken}`)
        .set('Origin', 'https://evil.example')
        .type('form')
        .send(bank);
      expectError(res, 403, 'ORIGIN_NOT_ALLOWED');
      const rows = await t.db.query(`SELECT id FROM payment_methods WHERE user_id = $1`, [
        client.id,
      ]);
      expect(rows).toEqual([]);
    });

    it('should require an allowed Origin (or Referer) on cookie-authenticated state changes only', async () => {
      const cookie = `access=${client.accessToken}`;
      const post = () => request(t.url).post('/api/wallet/deposit').set('Cookie', cookie);
      expectError(
        await post().set('Origin', 'https://evil.example').send({ amount: 5000 }),
        403,
        'ORIGIN_NOT_ALLOWED',
      );
      expectError(
        await post().set('Origin', 'null').send({ amount: 5000 }),
        403,
        'ORIGIN_NOT_ALLOWED',
      );
      expectError(await post().send({ amount: 5000 }), 403, 'ORIGIN_NOT_ALLOWED');
      expectError(
        await post().set('Referer', 'https://evil.example/page').send({ amount: 5000 }),
        403,
        'ORIGIN_NOT_ALLOWED',
      );
      // The refresh cookie counts too (it is path-scoped to /api/auth).
      expectError(
        await request(t.url)
          .post('/api/auth/refresh')
          .set('Cookie', `refresh=${client.refreshToken}`)
          .set('Origin', 'https://evil.example')
          .send({}),
        403,
        'ORIGIN_NOT_ALLOWED',
      );
      // Our own origin (PUBLIC_BASE_URL), by Origin or by Referer, passes.
      await post().set('Origin', t.url).send({ amount: 5000 }).expect(201);
      await post().set('Referer', `${t.url}/wallet`).send({ amount: 5000 }).expect(201);
      // Reads are not state changes; a Bearer token cannot be sent cross-site without a preflight.
      await request(t.url)
        .get('/api/wallet')
        .set('Cookie', cookie)
        .set('Origin', 'https://evil.example')
        .expect(200);
      await request(t.url)
        .post('/api/wallet/deposit')
        .set(bearer(client))
        .set('Origin', 'https://evil.example')
        .send({ amount: 5000 })
        .expect(201);
    });
  });
});
