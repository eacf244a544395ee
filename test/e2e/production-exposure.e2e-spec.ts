import request from 'supertest';
import { createTestApp, TestApp } from '../support/test-app';

/** A production-configured instance: PayMongo only, strong secrets, no built-in fallbacks. */
const METRICS_TOKEN = 'mT4kQ9xZ2pV7nL1wR8cY5bH3';
const PRODUCTION = {
  NODE_ENV: 'production',
  ENVIRONMENT: 'staging',
  RATE_LIMIT_DISABLED: 'false',
  PUBLIC_BASE_URL: 'https://pay.example.com',
  JWT_SECRET: 'Yq3vN8rT1xKpW6zLmB0sHdFj4cVgE7aU9iOeRnQ2',
  PAYMENT_PROVIDER: 'paymongo',
  PAYMONGO_SECRET_KEY: 'sk_test_Lk2m9QzR4vX8bN1c',
  PAYMONGO_WEBHOOK_SECRET: 'whsk_Zr8Kp2QmXv5Tn9Lb3Hc7Wd1F',
  METRICS_TOKEN,
};
const UNSET = ['XENDIT_API_KEY', 'XENDIT_WEBHOOK_TOKEN', 'API_DOCS_ENABLED'];

describe('Production exposure (e2e)', () => {
  let migrated: TestApp;
  let prod: TestApp;
  beforeAll(async () => {
    // Production never migrates at boot: a development instance prepares the database first.
    migrated = await createTestApp();
    await migrated.app.close();
    prod = await createTestApp({
      databaseUrl: migrated.databaseUrl,
      env: { ...PRODUCTION, ...Object.fromEntries(UNSET.map((k) => [k, undefined])) },
    });
  });
  afterAll(async () => {
    await prod.close();
    for (const k of [...Object.keys(PRODUCTION), ...UNSET]) delete process.env[k];
  });

  it('should answer 404 and store nothing for the unconfigured gateway, even with the sandbox token', async () => {
    const forged = JSON.stringify({
      id: 'inv_forged_1',
      external_id: 'anything',
      status: 'PAID',
      amount: 1000,
      paid_amount: 1000,
      currency: 'PHP',
    });
    const res = await request(prod.url)
      .post('/api/accounts/wallet/xendit-webhook')
      .set('Content-Type', 'application/json')
      .set('x-callback-token', 'xendit-sandbox-callback-token')
      .send(forged);
    expect(res.status).toBe(404);
    expect(res.body.code).toBe('NOT_FOUND');
    const rows = await prod.db.query<unknown[]>(`SELECT id FROM webhook_events`);
    expect(rows).toEqual([]);
    // The configured gateway still verifies its own deliveries (an unsigned one is refused, not 404).
    const paymongo = await request(prod.url)
      .post('/api/accounts/wallet/paymongo-webhook')
      .set('Content-Type', 'application/json')
      .send('{}');
    expect(paymongo.status).toBe(401);
  });

  it('should not serve the API docs in production unless enabled', async () => {
    expect((await request(prod.url).get('/docs')).status).toBe(404);
    expect((await request(prod.url).get('/docs-json')).status).toBe(404);
  });

  it('should serve /metrics only with the metrics bearer token', async () => {
    expect((await request(prod.url).get('/metrics')).status).toBe(401);
    const wrong = await request(prod.url)
      .get('/metrics')
      .set('Authorization', `Bearer ${METRICS_TOKEN}x`);
    expect(wrong.status).toBe(401);
    expect(wrong.body.code).toBe('UNAUTHORIZED');
    const ok = await request(prod.url)
      .get('/metrics')
      .set('Authorization', `Bearer ${METRICS_TOKEN}`);
    expect(ok.status).toBe(200);
    expect(ok.text).toContain('http_request_duration_seconds');
  });
});
