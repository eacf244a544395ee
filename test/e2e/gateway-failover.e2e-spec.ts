import request from 'supertest';
import { LedgerService } from 'src/modules/ledger/ledger.service';
import { PaymentProviderRegistry } from 'src/modules/payments/providers/payment-provider.token';
import { ProviderError } from 'src/modules/payments/providers/provider-errors';
import { createAdmin } from '../support/admin-helpers';
import { bearer, registerUser, TestUser } from '../support/auth-helpers';
import { createJob } from '../support/job-helpers';
import { walletOf } from '../support/payment-helpers';
import { sandboxAct, sandboxControls } from '../support/sandbox-helpers';
import { createTestApp, TestApp } from '../support/test-app';

interface DepositBody {
  transaction: { id: string; status: string; provider: string; amount: number };
  checkoutId: string;
  provider: string;
}
interface SandboxCheckoutRow {
  provider: string;
  id: string;
  reference: string | null;
}

/** Sum of one Prometheus series (0 when absent). */
async function metric(url: string, name: string, labels: Record<string, string>): Promise<number> {
  const text = (await request(url).get('/metrics').expect(200)).text;
  let total = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`)) continue;
    if (Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`)))
      total += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return total;
}

const checkoutsAt = async (url: string) =>
  (
    (await request(url).get('/sandbox/_control/checkouts').expect(200)).body as {
      data: SandboxCheckoutRow[];
    }
  ).data;

describe('Gateway failover of new checkouts, PayMongo primary (e2e)', () => {
  let t: TestApp;
  let admin: TestUser;

  beforeAll(async () => {
    t = await createTestApp({
      // No QR Ph at PayMongo: its checkouts go up to ₱100,000, Xendit's (with QR Ph) to ₱50,000.
      env: {
        PAYMENT_PROVIDER: 'paymongo',
        GATEWAY_FAILOVER: 'true',
        PAYMONGO_PAYMENT_METHODS: 'gcash,paymaya,card',
      },
    });
    admin = await createAdmin(t);
  });
  afterAll(async () => {
    await t.close();
    delete process.env.PAYMENT_PROVIDER;
    delete process.env.GATEWAY_FAILOVER;
    delete process.env.PAYMONGO_PAYMENT_METHODS;
  });
  beforeEach(async () => {
    jest.restoreAllMocks();
    await request(t.url).post('/sandbox/_control/reset').expect(200);
    await sandboxControls(t.url, { retryBaseMs: 20, maxAttempts: 3 });
    for (const name of ['paymongo', 'xendit'])
      await request(t.url)
        .post(`/api/admin/circuit-breakers/${name}/reset`)
        .set(bearer(admin))
        .expect(200);
  });

  const deposit = (u: TestUser, amount: number) =>
    request(t.url).post('/api/wallet/deposit').set(bearer(u)).send({ amount });
  const failPaymongo = (n: number) =>
    sandboxControls(t.url, { failNextCalls: n, failCallsOf: 'paymongo' });
  const routing = async () =>
    (
      (await request(t.url).get('/health/status').expect(200)).body as {
        checks: { gateway_routing: { primary: string; current: string; failed_over: boolean } };
      }
    ).checks.gateway_routing;

  it('should open deposits at Xendit when PayMongo fails 5 times; the 6th goes straight there (breaker open), is paid and credited once', async () => {
    const u = await registerUser(t.url);
    const viaCreate0 = await metric(t.url, 'gateway_failovers_total', {
      reason: 'create_unavailable',
    });
    const viaBreaker0 = await metric(t.url, 'gateway_failovers_total', { reason: 'breaker_open' });
    await failPaymongo(5);
    const bodies: DepositBody[] = [];
    for (let i = 0; i < 6; i++)
      bodies.push((await deposit(u, 5_000 + i).expect(201)).body as DepositBody);
    for (const b of bodies) {
      expect(b.provider).toBe('xendit');
      expect(b.transaction).toMatchObject({ provider: 'xendit', status: 'PENDING' });
    }
    // The five PayMongo calls all failed (nothing was created there); the sixth never reached it.
    const controls = (await request(t.url).get('/sandbox/_control/controls').expect(200)).body as {
      failNextCalls: number;
    };
    expect(controls.failNextCalls).toBe(0);
    const atGateways = await checkoutsAt(t.url);
    expect(atGateways.filter((c) => c.provider === 'paymongo')).toEqual([]);
    expect(atGateways.filter((c) => c.provider === 'xendit').map((c) => c.reference)).toEqual(
      bodies.map((b) => b.transaction.id),
    );
    expect(await routing()).toMatchObject({
      primary: 'paymongo',
      current: 'xendit',
      failed_over: true,
    });
    expect(
      (await metric(t.url, 'gateway_failovers_total', { reason: 'create_unavailable' })) -
        viaCreate0,
    ).toBe(5);
    expect(
      (await metric(t.url, 'gateway_failovers_total', { reason: 'breaker_open' })) - viaBreaker0,
    ).toBe(1);

    // Paid through the Xendit sandbox, its callback delivered 5 times: credited once.
    await sandboxControls(t.url, { duplicates: 5 });
    const sixth = bodies[5];
    await sandboxAct(t.url, sixth.checkoutId, 'pay');
    const txn = (
      await request(t.url)
        .get(`/api/wallet/transactions/${sixth.transaction.id}`)
        .set(bearer(u))
        .expect(200)
    ).body as { status: string; provider: string };
    expect(txn).toMatchObject({ status: 'COMPLETED', provider: 'xendit' });
    expect(await walletOf(t.url, u)).toMatchObject({ balance: 5_005, available: 5_005 });
    expect((await t.app.get(LedgerService).balance('gateway:xendit:clearing')).posted).toBeLessThan(
      0,
    );
  });

  it('should answer 503 after an ambiguous PayMongo timeout and open nothing at Xendit', async () => {
    const u = await registerUser(t.url);
    const registry = t.app.get(PaymentProviderRegistry);
    jest
      .spyOn(registry.get('paymongo'), 'createCheckout')
      .mockRejectedValue(new ProviderError('paymongo', 'ambiguous', null, 'timed out'));
    const xendit = jest.spyOn(registry.get('xendit'), 'createCheckout');
    const res = await deposit(u, 8_000).expect(503);
    expect(res.body).toMatchObject({ code: 'PROVIDER_UNAVAILABLE' });
    expect(res.headers['retry-after']).toEqual(expect.stringMatching(/^\d+$/));
    expect(xendit).not.toHaveBeenCalled();
    expect(await checkoutsAt(t.url)).toEqual([]);
    // The record stays PENDING at PayMongo for reconciliation (that checkout may exist).
    const rows = await t.db.query<Array<{ status: string; provider: string }>>(
      `SELECT status, provider FROM transactions WHERE user_id = $1 AND type = 'DEPOSIT'`,
      [u.id],
    );
    expect(rows).toEqual([{ status: 'PENDING', provider: 'paymongo' }]);
  });

  it("should answer PayMongo's 503 when Xendit's table cannot take the payment", async () => {
    const u = await registerUser(t.url);
    // ₱60,000 is within PayMongo's limits but above Xendit's QR Ph cap (₱50,000).
    await failPaymongo(1);
    const res = await deposit(u, 6_000_000).expect(503);
    expect(res.body).toMatchObject({ code: 'PROVIDER_UNAVAILABLE' });
    expect(res.headers['retry-after']).toEqual(expect.stringMatching(/^\d+$/));
    await failPaymongo(5);
    for (let i = 0; i < 5; i++) await deposit(u, 3_000).expect(201);
    const open = await deposit(u, 6_000_000).expect(503);
    expect(open.headers['retry-after']).toEqual(expect.stringMatching(/^\d+$/));
    expect((await checkoutsAt(t.url)).filter((c) => c.provider === 'paymongo')).toEqual([]);
    const rows = await t.db.query<Array<{ amount: string; status: string; provider: string }>>(
      `SELECT amount, status, provider FROM transactions WHERE user_id = $1 AND amount = 6000000`,
      [u.id],
    );
    // The create failure closed its record; the open breaker wrote nothing at all.
    expect(rows).toEqual([{ amount: '6000000', status: 'FAILED', provider: 'paymongo' }]);
  });

  it('should fail a GCash verification over to Xendit and verify the account when it is paid', async () => {
    const u = await registerUser(t.url, 'WORKER');
    await failPaymongo(1);
    const res = await request(t.url)
      .post('/api/payment-methods')
      .set(bearer(u))
      .send({ type: 'GCASH', accountName: 'Juan Cruz', accountNumber: '09171234567' })
      .expect(201);
    const body = res.body as {
      paymentMethod: { id: string };
      verification: { required: boolean; checkoutId: string };
    };
    const [checkout] = await checkoutsAt(t.url);
    expect(checkout).toMatchObject({ provider: 'xendit', id: body.verification.checkoutId });
    await sandboxAct(t.url, body.verification.checkoutId, 'pay');
    // The list holds verified accounts only.
    const list = (await request(t.url).get('/api/payment-methods').set(bearer(u)).expect(200))
      .body as { data: Array<{ id: string }> };
    expect(list.data.map((m) => m.id)).toEqual([body.paymentMethod.id]);
  });

  it('should fail a GCash downpayment over to Xendit and fund escrow when it is paid', async () => {
    const [client, worker] = await Promise.all([
      registerUser(t.url, 'CLIENT'),
      registerUser(t.url, 'WORKER'),
    ]);
    const job = await createJob(t.url, client, worker, 100_000);
    await failPaymongo(1);
    const res = await request(t.url)
      .post(`/api/jobs/${job.id}/downpayment`)
      .set(bearer(client))
      .send({ method: 'GCASH' })
      .expect(200);
    const dp = res.body as {
      checkout: { provider: string; checkoutId: string; transactionId: string };
    };
    expect(dp.checkout.provider).toBe('xendit');
    await sandboxAct(t.url, dp.checkout.checkoutId, 'pay');
    const after = (await request(t.url).get(`/api/jobs/${job.id}`).set(bearer(client)).expect(200))
      .body as { status: string };
    expect(after.status).toBe('IN_PROGRESS');
    const txn = (
      await request(t.url)
        .get(`/api/wallet/transactions/${dp.checkout.transactionId}`)
        .set(bearer(client))
        .expect(200)
    ).body as { status: string; provider: string };
    expect(txn).toMatchObject({ status: 'COMPLETED', provider: 'xendit' });
  });
});

describe('Gateway failover switched off (e2e)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ env: { PAYMENT_PROVIDER: 'paymongo', GATEWAY_FAILOVER: 'false' } });
  });
  afterAll(async () => {
    await t.close();
    delete process.env.PAYMENT_PROVIDER;
    delete process.env.GATEWAY_FAILOVER;
  });

  it('should answer 503 as before and open nothing at Xendit', async () => {
    await request(t.url).post('/sandbox/_control/reset').expect(200);
    await sandboxControls(t.url, { failNextCalls: 1, failCallsOf: 'paymongo' });
    const u = await registerUser(t.url);
    const res = await request(t.url)
      .post('/api/wallet/deposit')
      .set(bearer(u))
      .send({ amount: 5_000 })
      .expect(503);
    expect(res.body).toMatchObject({ code: 'PROVIDER_UNAVAILABLE' });
    expect(await checkoutsAt(t.url)).toEqual([]);
    const status = (await request(t.url).get('/health/status').expect(200)).body as {
      checks: { gateway_routing: { failover_enabled: boolean; current: string } };
    };
    expect(status.checks.gateway_routing).toMatchObject({
      failover_enabled: false,
      current: 'paymongo',
    });
  });
});
