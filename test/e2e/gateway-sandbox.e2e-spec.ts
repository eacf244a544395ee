import request from 'supertest';
import { PaymongoProvider } from 'src/modules/payments/providers/paymongo/paymongo.provider';
import { ProviderError } from 'src/modules/payments/providers/provider-errors';
import { XenditProvider } from 'src/modules/payments/providers/xendit/xendit.provider';
import type { CreateCheckoutInput } from 'src/modules/payments/providers/payment-provider';
import { bearer } from '../support/auth-helpers';
import { createAdmin, sandboxAct, sandboxControls } from '../support/sandbox-helpers';
import { createTestApp, TestApp } from '../support/test-app';
import { eventually } from '../support/eventually';

const checkout = (over: Partial<CreateCheckoutInput> = {}): CreateCheckoutInput => ({
  amount: 150_000,
  currency: 'PHP',
  description: 'Wallet deposit',
  reference: `ref-${Math.random().toString(36).slice(2)}`,
  idempotencyKey: `idem-${Math.random().toString(36).slice(2)}`,
  customer: { name: 'Juan Dela Cruz', email: 'juan@example.ph' },
  methods: ['gcash'],
  metadata: { payment_type: 'wallet_deposit', transaction_id: 'tx-1' },
  successUrl: 'http://127.0.0.1/success',
  cancelUrl: 'http://127.0.0.1/cancel',
  ...over,
});

describe('Gateway adapters against the sandbox over HTTP (e2e)', () => {
  let t: TestApp;
  let paymongo: PaymongoProvider;
  let xendit: XenditProvider;

  beforeAll(async () => {
    t = await createTestApp();
    paymongo = t.app.get(PaymongoProvider);
    xendit = t.app.get(XenditProvider);
  });
  afterAll(() => t.close());
  beforeEach(async () => {
    await request(t.url).post('/sandbox/_control/reset').expect(200);
    // No webhook route is the subject here: one attempt, no retries.
    await sandboxControls(t.url, { maxAttempts: 1 });
  });

  it('should create, read, pay and expire PayMongo checkout sessions', async () => {
    const s = await paymongo.createCheckout(checkout());
    expect(s.checkoutId).toMatch(/^cs_[0-9A-Za-z]{24}$/);
    expect(s.checkoutUrl).toBe(`${t.url}/sandbox/checkout/${s.checkoutId}`);
    expect(s.paymentIntentId).toMatch(/^pi_/);
    expect(await paymongo.getCheckoutStatus(s.checkoutId)).toMatchObject({
      status: 'pending',
      amount: 150_000,
      currency: 'PHP',
      metadata: { payment_type: 'wallet_deposit', transaction_id: 'tx-1' },
    });
    const deliveries = await sandboxAct(t.url, s.checkoutId, 'pay');
    expect(deliveries.map((d) => d.eventType).sort()).toEqual([
      'checkout_session.payment.paid',
      'payment.paid',
    ]);
    const paid = await paymongo.getCheckoutStatus(s.checkoutId);
    expect(paid).toMatchObject({ status: 'paid', amount: 150_000, paymentMethod: 'gcash' });
    expect(paid.paymentId).toMatch(/^pay_/);

    const other = await paymongo.createCheckout(checkout());
    await paymongo.expireCheckout(other.checkoutId);
    expect((await paymongo.getCheckoutStatus(other.checkoutId)).status).toBe('expired');
    const again = await paymongo.expireCheckout(other.checkoutId).catch((e: unknown) => e);
    expect(again).toBeInstanceOf(ProviderError);
    expect((again as ProviderError).kind).toBe('rejected');
    const missing = await paymongo.getCheckoutStatus('cs_doesnotexist').catch((e: unknown) => e);
    expect((missing as ProviderError).kind).toBe('not_found');
  });

  it('should speak the real wire format: 200 on create, errors[] bodies, Basic auth', async () => {
    const noAuth = await request(t.url)
      .post('/sandbox/paymongo/v1/checkout_sessions')
      .send({ data: { attributes: {} } })
      .expect(401);
    expect(noAuth.body.errors[0].code).toBe('api_key_invalid');
    const wrongKey = await request(t.url)
      .get('/sandbox/paymongo/v1/checkout_sessions/cs_x')
      .auth('sk_test_wrong', '')
      .expect(401);
    expect(Array.isArray(wrongKey.body.errors)).toBe(true);
    const invalid = await request(t.url)
      .post('/sandbox/paymongo/v1/checkout_sessions')
      .auth('sk_test_sandbox', '')
      .send({
        data: {
          attributes: {
            line_items: [{ name: 'x', amount: 2000, currency: 'PHP', quantity: 1 }],
            payment_method_types: ['gcash'],
            metadata: { n: 1 },
          },
        },
      })
      .expect(400);
    expect(invalid.body.errors[0]).toMatchObject({ code: 'parameter_data_type_invalid' });
    const ok = await request(t.url)
      .post('/sandbox/paymongo/v1/checkout_sessions')
      .auth('sk_test_sandbox', '')
      .send({
        data: {
          attributes: {
            line_items: [{ name: 'x', amount: 1000, currency: 'PHP', quantity: 2 }],
            payment_method_types: ['gcash'],
          },
        },
      })
      .expect(200);
    expect(ok.body.data).toMatchObject({
      type: 'checkout_session',
      attributes: { status: 'active', payments: [], livemode: false },
    });
    expect(ok.body.data.attributes.amount).toBeUndefined();
  });

  it('should map the configurable minimum amount to PROVIDER_REJECTED without tripping the breaker', async () => {
    await sandboxControls(t.url, { paymongoMinAmount: 2000 });
    for (let i = 0; i < 6; i++) {
      const err = await paymongo.createCheckout(checkout({ amount: 100 })).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ProviderError);
      expect((err as ProviderError).status).toBe(422);
      expect((err as ProviderError).code).toBe('PROVIDER_REJECTED');
      expect((err as ProviderError).providerCode).toBe('parameter_below_minimum');
    }
    const health = await request(t.url).get('/health/status').expect(200);
    expect(health.body.checks.circuit_breakers).toContainEqual({
      name: 'paymongo',
      state: 'closed',
      failure_count: 0,
    });
  });

  it('should replay a create with the same Idempotency-Key and refuse different parameters', async () => {
    const input = checkout();
    const a = await paymongo.createCheckout(input);
    const b = await paymongo.createCheckout(input);
    expect(b.checkoutId).toBe(a.checkoutId);
    const c = await paymongo
      .createCheckout({ ...input, amount: input.amount + 1 })
      .catch((e: unknown) => e);
    expect((c as ProviderError).kind).toBe('rejected');
  });

  it('should send Xendit pesos with two decimals converted exactly, and read them back in centavos', async () => {
    const s = await xendit.createCheckout(checkout({ amount: 1999 }));
    expect(s.checkoutId).toMatch(/^[0-9a-f]{24}$/);
    const raw = await request(t.url).get(`/sandbox/_control/checkouts/${s.checkoutId}`).expect(200);
    expect(raw.body.request.amount).toBe(19.99);
    expect(raw.body.request.payment_methods).toEqual(['GCASH']);
    expect(raw.body.amount).toBe(1999);
    expect(await xendit.getCheckoutStatus(s.checkoutId)).toMatchObject({
      status: 'pending',
      amount: 1999,
    });
    await sandboxAct(t.url, s.checkoutId, 'pay');
    expect(await xendit.getCheckoutStatus(s.checkoutId)).toMatchObject({
      status: 'paid',
      amount: 1999,
      paymentMethod: 'gcash',
    });
    const other = await xendit.createCheckout(checkout());
    await xendit.expireCheckout(other.checkoutId);
    expect((await xendit.getCheckoutStatus(other.checkoutId)).status).toBe('expired');
  });

  it('should create Xendit payouts with an idempotency key and let them settle', async () => {
    await sandboxControls(t.url, { payoutDelayMs: 10 });
    const input = {
      reference: 'wd-1',
      idempotencyKey: 'wd-1',
      amount: 50_001,
      currency: 'PHP' as const,
      channel: 'GCASH' as const,
      accountNumber: '09171234567',
      accountName: 'Juan Dela Cruz',
      description: 'Wallet withdrawal',
    };
    const p = await xendit.createPayout(input);
    expect(p).toMatchObject({ status: 'pending', amount: 50_001 });
    expect((await xendit.createPayout(input)).payoutId).toBe(p.payoutId);
    let status = p.status;
    await eventually(async () => {
      status = (await xendit.getPayout(p.payoutId)).status;
      return status !== 'pending';
    });
    expect(status).toBe('succeeded');
    const failing = await xendit.createPayout({
      ...input,
      reference: 'wd-2',
      idempotencyKey: 'wd-2',
      accountNumber: '09999990002',
    });
    let s2 = failing.status;
    await eventually(async () => {
      s2 = (await xendit.getPayout(failing.payoutId)).status;
      return s2 !== 'pending';
    });
    expect(s2).toBe('failed');
  });

  it('should open the breaker after 5 gateway 5xx, fail fast with 503 + Retry-After, and close on admin reset', async () => {
    const admin = await createAdmin(t);
    await sandboxControls(t.url, { failNextCalls: 5 });
    for (let i = 0; i < 5; i++) {
      const err = await xendit.createCheckout(checkout()).catch((e: unknown) => e);
      expect((err as ProviderError).code).toBe('PROVIDER_UNAVAILABLE');
      expect((err as ProviderError).status).toBe(503);
    }
    const before = await request(t.url).get('/sandbox/_control/controls').expect(200);
    expect(before.body.failNextCalls).toBe(0);
    const open = await xendit.createCheckout(checkout()).catch((e: unknown) => e);
    expect(open).toMatchObject({ status: 503, code: 'PROVIDER_UNAVAILABLE' });
    const retryAfter = Number((open as ProviderError).headers?.['Retry-After']);
    expect(retryAfter).toBeGreaterThanOrEqual(59);
    expect(retryAfter).toBeLessThanOrEqual(60);

    const health = await request(t.url).get('/health/status').expect(200);
    expect(health.body.status).toBe('degraded');
    expect(health.body.checks.circuit_breakers).toContainEqual({
      name: 'xendit',
      state: 'open',
      failure_count: 5,
    });
    const metrics = await request(t.url).get('/metrics').expect(200);
    expect(metrics.text).toContain('circuit_breaker_state{name="xendit"} 2');
    expect(metrics.text).toMatch(
      /gateway_calls_total\{provider="xendit",operation="checkout.create",outcome="unavailable"\} \d+/,
    );

    const list = await request(t.url)
      .get('/api/admin/circuit-breakers')
      .set(bearer(admin))
      .expect(200);
    expect(list.body).toMatchObject({ nextCursor: null });
    const listed = (list.body as { data: Array<{ name: string }> }).data;
    expect(listed.find((b) => b.name === 'xendit')).toMatchObject({
      state: 'open',
      failure_count: 5,
    });
    const user = await request(t.url)
      .post('/api/auth/register')
      .send({
        email: `c-${Date.now()}@example.com`,
        password: 'long enough password',
        name: 'C',
        role: 'CLIENT',
      })
      .expect(201);
    await request(t.url)
      .post('/api/admin/circuit-breakers/xendit/reset')
      .set(bearer(user.body))
      .expect(403);
    await request(t.url)
      .post('/api/admin/circuit-breakers/nope/reset')
      .set(bearer(admin))
      .expect(404);
    const reset = await request(t.url)
      .post('/api/admin/circuit-breakers/xendit/reset')
      .set(bearer(admin))
      .expect(200);
    expect(reset.body).toMatchObject({
      name: 'xendit',
      state: 'closed',
      failure_count: 0,
      before: { state: 'open' },
    });
    const audit = await request(t.url)
      .get('/api/admin/audit-log?action=circuit_breaker.reset')
      .set(bearer(admin))
      .expect(200);
    expect(audit.body.data[0]).toMatchObject({
      actorId: admin.id,
      targetId: 'xendit',
      before: { state: 'open', failure_count: 5 },
      after: { state: 'closed', failure_count: 0 },
    });
    await expect(xendit.createCheckout(checkout())).resolves.toMatchObject({
      checkoutUrl: expect.any(String),
    });
  });

  it('should serve a hosted checkout page that works without script', async () => {
    const s = await paymongo.createCheckout(
      checkout({ amount: 123_456, description: 'Top-up <b>' }),
    );
    const page = await request(t.url).get(`/sandbox/checkout/${s.checkoutId}`).expect(200);
    expect(page.headers['content-type']).toMatch(/text\/html/);
    expect(page.text).toContain('₱1,234.56');
    expect(page.text).toContain('Top-up &lt;b&gt;');
    expect(page.text).toContain(`action="/sandbox/checkout/${s.checkoutId}/pay"`);
    const done = await request(t.url)
      .post(`/sandbox/checkout/${s.checkoutId}/pay`)
      .type('form')
      .send('')
      .expect(200);
    expect(done.text).toContain('data-state="paid"');
    expect((await paymongo.getCheckoutStatus(s.checkoutId)).status).toBe('paid');
    await request(t.url).get('/sandbox/checkout/cs_unknown').expect(404);
  });
});

describe('Gateway sandbox switched off when real gateways are configured (e2e)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({
      env: {
        PAYMONGO_SECRET_KEY: 'sk_test_realkey',
        PAYMONGO_BASE_URL: 'https://api.paymongo.com',
        XENDIT_BASE_URL: 'https://api.xendit.co',
      },
    });
  });
  afterAll(async () => {
    await t.close();
    delete process.env.PAYMONGO_SECRET_KEY;
    delete process.env.PAYMONGO_BASE_URL;
    delete process.env.XENDIT_BASE_URL;
  });

  it('should answer 404 on every sandbox route', async () => {
    await request(t.url).get('/sandbox/checkout/cs_x').expect(404);
    await request(t.url).get('/sandbox/_control/controls').expect(404);
    await request(t.url)
      .post('/sandbox/paymongo/v1/checkout_sessions')
      .auth('sk_test_realkey', '')
      .send({})
      .expect(404);
  });
});
