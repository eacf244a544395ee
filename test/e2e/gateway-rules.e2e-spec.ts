import { createHash } from 'node:crypto';
import request from 'supertest';
import { bearer, registerUser, TestUser } from '../support/auth-helpers';
import { eventually } from '../support/eventually';
import { fundWallet } from '../support/ledger-helpers';
import { connectSocket, nextEvent } from '../support/socket-helpers';
import { WithdrawalsService } from 'src/modules/withdrawals/withdrawals.service';
import { startDeposit, transactionOf, walletOf } from '../support/payment-helpers';
import { createAdmin, sandboxAct, sandboxControls } from '../support/sandbox-helpers';
import { createTestApp, TestApp } from '../support/test-app';
import { signPaymongoWebhook } from 'src/modules/payments/providers/webhook-signatures';
import { SandboxRecords } from 'src/modules/sandbox/sandbox-records';

type Provider = 'paymongo' | 'xendit';

/** A saved (verified) bank payout account with our directory code. */
async function bankAccount(url: string, u: TestUser, bankCode: string): Promise<string> {
  const r = await request(url)
    .post('/api/payment-methods')
    .set(bearer(u))
    .send({ type: 'BANK', accountName: 'Juan Cruz', accountNumber: '001234567890', bankCode })
    .expect(201);
  return r.body.paymentMethod.id as string;
}

/**
 * A merchant account as strict as the real ones: the documented ₱20 minimum and only GCash and cards
 * activated. The service must send only activated methods and refuse what the gateway would refuse.
 */
describe.each<Provider>(['paymongo', 'xendit'])(
  'Strict gateway account via %s (e2e)',
  (provider) => {
    let t: TestApp;
    const gcashMinimum = provider === 'paymongo' ? 2000 : 100;
    const strict =
      provider === 'paymongo'
        ? { paymongoMinAmount: 2000, paymongoMethods: ['gcash', 'card'] }
        : { xenditMethods: ['GCASH', 'CREDIT_CARD'] };

    beforeAll(async () => {
      t = await createTestApp({
        env: {
          PAYMENT_PROVIDER: provider,
          PAYMONGO_PAYMENT_METHODS: 'gcash,card',
          XENDIT_PAYMENT_METHODS: 'gcash,card',
        },
      });
    });
    afterAll(async () => {
      await t.close();
      for (const k of ['PAYMENT_PROVIDER', 'PAYMONGO_PAYMENT_METHODS', 'XENDIT_PAYMENT_METHODS'])
        delete process.env[k];
    });
    beforeEach(async () => {
      await request(t.url).post('/sandbox/_control/reset').expect(200);
      await sandboxControls(t.url, { retryBaseMs: 20, maxAttempts: 3, ...strict });
    });

    it('should send only the activated methods and credit a deposit once', async () => {
      const u = await registerUser(t.url, 'CLIENT');
      const d = await startDeposit(t.url, u, 2_000);
      const gw = await request(t.url)
        .get(`/sandbox/_control/checkouts/${d.checkoutId}`)
        .expect(200);
      expect(gw.body.methods).toEqual(
        provider === 'paymongo' ? ['gcash', 'card'] : ['GCASH', 'CREDIT_CARD'],
      );
      await sandboxControls(t.url, { duplicates: 5 });
      await sandboxAct(t.url, d.checkoutId, 'pay');
      expect((await walletOf(t.url, u)).balance).toBe(2_000);
    });

    it('should verify GCash after a failed attempt then a payment, crediting the gateway minimum once', async () => {
      const u = await registerUser(t.url, 'WORKER');
      const added = await request(t.url)
        .post('/api/payment-methods')
        .set(bearer(u))
        .send({ type: 'GCASH', accountName: 'Juan Dela Cruz', accountNumber: '09171234567' })
        .expect(201);
      const checkoutId = added.body.verification.checkoutId as string;
      expect(added.body.verification.amount).toBe(gcashMinimum);
      await sandboxAct(t.url, checkoutId, 'fail');
      const still = await t.db.query<Array<{ is_verified: boolean }>>(
        `SELECT is_verified FROM payment_methods WHERE user_id = $1`,
        [u.id],
      );
      expect(still).toEqual([{ is_verified: false }]);
      await sandboxControls(t.url, { duplicates: 10 });
      await sandboxAct(t.url, checkoutId, 'pay');
      const methods = await request(t.url).get('/api/payment-methods').set(bearer(u)).expect(200);
      expect(methods.body).toEqual({
        data: [expect.objectContaining({ isVerified: true })],
        nextCursor: null,
      });
      expect((await walletOf(t.url, u)).balance).toBe(gcashMinimum);
      const entries = await t.db.query<Array<{ n: string }>>(
        `SELECT count(*) AS n FROM ledger_entries WHERE entry_id LIKE 'verification:%'
         AND metadata->>'paymentMethodId' = $1`,
        [added.body.paymentMethod.id],
      );
      expect(Number(entries[0].n)).toBe(1);
    });

    it('should refuse a deposit below the minimum with 400 naming it, with no gateway call and no PENDING left', async () => {
      const u = await registerUser(t.url, 'CLIENT');
      const store = t.app.get(SandboxRecords);
      const before = await store.countCheckouts();
      const r = await request(t.url)
        .post('/api/wallet/deposit')
        .set(bearer(u))
        .send({ amount: 1_999 })
        .expect(400);
      // Cards (₱20.00) are offered on both accounts, so ₱20.00 is the floor of the checkout.
      expect(r.body.code).toBe('AMOUNT_BELOW_MINIMUM');
      expect(r.body.message).toContain('2000 centavos (₱20.00)');
      expect(await store.countCheckouts()).toBe(before);
      const txns = await request(t.url).get('/api/wallet/transactions').set(bearer(u)).expect(200);
      expect(txns.body.data).toEqual([]);
    });

    it('should be refused by the sandbox, like the real gateway, when a sent method is not activated', async () => {
      const u = await registerUser(t.url, 'CLIENT');
      await sandboxControls(
        t.url,
        provider === 'paymongo' ? { paymongoMethods: ['gcash'] } : { xenditMethods: ['GCASH'] },
      );
      const r = await request(t.url)
        .post('/api/wallet/deposit')
        .set(bearer(u))
        .send({ amount: 5_000 })
        .expect(422);
      expect(r.body.code).toBe('PROVIDER_REJECTED');
      const txns = await request(t.url).get('/api/wallet/transactions').set(bearer(u)).expect(200);
      expect((txns.body.data as Array<{ status: string }>).map((x) => x.status)).toEqual([
        'FAILED',
      ]);
    });
  },
);

describe('Webhook operations: verify first, failed-verification records, secret rotation (e2e)', () => {
  let t: TestApp;
  let admin: { accessToken: string; id: string };
  beforeAll(async () => {
    t = await createTestApp({
      env: {
        TRUSTED_PROXIES: '127.0.0.1',
        PAYMONGO_WEBHOOK_SECRET: 'whsk_current_rotation_aaaa,whsk_previous_rotation_bbbb',
      },
    });
    admin = await createAdmin(t);
  });
  afterAll(async () => {
    await t.close();
    delete process.env.TRUSTED_PROXIES;
    delete process.env.PAYMONGO_WEBHOOK_SECRET;
  });
  beforeEach(async () => {
    await request(t.url).post('/sandbox/_control/reset').expect(200);
    await sandboxControls(t.url, { retryBaseMs: 20, maxAttempts: 2 });
  });

  const bad = (ip?: string, body = '{"data":{"id":"evt_bad"}}') => {
    const r = request(t.url)
      .post('/api/accounts/wallet/paymongo-webhook')
      .set('Content-Type', 'application/json')
      .set('Paymongo-Signature', `t=${Math.floor(Date.now() / 1000)},te=${'0'.repeat(64)},li=`);
    if (ip) void r.set('X-Forwarded-For', ip);
    return r.send(body);
  };

  it('should accept and credit a correctly signed delivery after 25 badly signed ones from the same IP', async () => {
    const u = await registerUser(t.url, 'CLIENT');
    const d = await startDeposit(t.url, u, 4_000);
    const statuses: number[] = [];
    // The sandbox delivers from 127.0.0.1 without X-Forwarded-For: the very same source.
    for (let i = 0; i < 25; i++) statuses.push((await bad()).status);
    expect(statuses.slice(0, 20).every((s) => s === 401)).toBe(true);
    expect(statuses.slice(20).every((s) => s === 429)).toBe(true);
    const deliveries = await sandboxAct(t.url, d.checkoutId, 'pay');
    expect(deliveries.map((x) => x.attempts[0].status)).toEqual([200, 200]);
    expect((await walletOf(t.url, u)).balance).toBe(4_000);
    expect((await transactionOf(t.url, u, d.transaction.id)).status).toBe('COMPLETED');
  });

  it('should record failed verifications (hash and size, not the body) and list them for admins only', async () => {
    const body = '{"data":{"id":"evt_probe_1"}}';
    await bad('198.51.100.23', body).expect(401);
    const list = await request(t.url)
      .get('/api/admin/webhook-rejections?provider=paymongo&limit=100')
      .set(bearer(admin))
      .expect(200);
    const mine = (list.body.data as Array<Record<string, unknown>>).filter(
      (r) => r.sourceIp === '198.51.100.23',
    );
    expect(mine).toEqual([
      {
        id: expect.any(String),
        provider: 'paymongo',
        receivedAt: expect.any(String),
        sourceIp: '198.51.100.23',
        reason: 'signature: mismatch',
        bodySha256: createHash('sha256').update(body).digest('hex'),
        bodyBytes: Buffer.byteLength(body),
      },
    ]);
    const worker = await registerUser(t.url, 'WORKER');
    await request(t.url).get('/api/admin/webhook-rejections').set(bearer(worker)).expect(403);
    await request(t.url).get('/api/admin/webhook-rejections').expect(401);
  });

  it('should count IPv6 sources by /64: another address of the prefix is limited, another prefix is not', async () => {
    for (let i = 0; i < 20; i++) await bad(`2001:db8:77:1::${(i + 1).toString(16)}`).expect(401);
    await bad('2001:db8:77:1:ffff:ffff:ffff:ffff').expect(429);
    await bad('2001:db8:77:2::1').expect(401);
  });

  it('should accept events signed with the previous secret while both are configured, and no other', async () => {
    const u = await registerUser(t.url, 'CLIENT');
    const d = await startDeposit(t.url, u, 3_000);
    // The gateway still signs with the old secret (rotation in progress): the sandbox loses its copy.
    await sandboxControls(t.url, { dropNextWebhooks: 2 });
    await sandboxAct(t.url, d.checkoutId, 'pay');
    const session = await request(t.url)
      .get(`/sandbox/paymongo/v1/checkout_sessions/${d.checkoutId}`)
      .auth('sk_test_sandbox', '')
      .expect(200);
    const event = JSON.stringify({
      data: {
        id: 'evt_rotation_1',
        type: 'event',
        attributes: {
          type: 'checkout_session.payment.paid',
          livemode: false,
          data: session.body.data,
          previous_data: {},
          pending_webhooks: 1,
          created_at: Math.floor(Date.now() / 1000),
          updated_at: Math.floor(Date.now() / 1000),
        },
      },
    });
    const post = (secret: string) =>
      request(t.url)
        .post('/api/accounts/wallet/paymongo-webhook')
        .set('Content-Type', 'application/json')
        .set('X-Forwarded-For', '192.0.2.50')
        .set(
          'Paymongo-Signature',
          signPaymongoWebhook(secret, event, {
            t: Math.floor(Date.now() / 1000),
            livemode: false,
          }),
        )
        .send(event);
    await post('whsk_some_other_secret').expect(401);
    await post('whsk_previous_rotation_bbbb').expect(200);
    expect((await walletOf(t.url, u)).balance).toBe(3_000);
  });
});

describe('Xendit callback token rotation (e2e)', () => {
  let x: TestApp;
  beforeAll(async () => {
    x = await createTestApp({
      env: {
        PAYMENT_PROVIDER: 'xendit',
        XENDIT_WEBHOOK_TOKEN: 'tok_current_1234,tok_previous_5678',
      },
    });
  });
  afterAll(async () => {
    await x.close();
    delete process.env.PAYMENT_PROVIDER;
    delete process.env.XENDIT_WEBHOOK_TOKEN;
  });

  it('should accept the previous token during a rotation, and no other', async () => {
    await request(x.url).post('/sandbox/_control/reset').expect(200);
    const u = await registerUser(x.url, 'CLIENT');
    const d = await startDeposit(x.url, u, 5_000);
    await sandboxControls(x.url, { dropNextWebhooks: 1 });
    await sandboxAct(x.url, d.checkoutId, 'pay');
    const invoice = await request(x.url)
      .get(`/sandbox/xendit/v2/invoices/${d.checkoutId}`)
      .auth('xnd_development_sandbox', '')
      .expect(200);
    const post = (token: string) =>
      request(x.url)
        .post('/api/accounts/wallet/xendit-webhook')
        .set('Content-Type', 'application/json')
        .set('x-callback-token', token)
        .send(invoice.body as object);
    await post('tok_unknown').expect(401);
    await post('tok_previous_5678').expect(200);
    expect((await walletOf(x.url, u)).balance).toBe(5_000);
  });
});

describe.each<Provider>(['paymongo', 'xendit'])(
  'Payouts under the gateway rules via %s (e2e)',
  (provider) => {
    let t: TestApp;
    let admin: { accessToken: string; id: string };
    beforeAll(async () => {
      t = await createTestApp({
        env: { PAYMENT_PROVIDER: provider, PAYOUT_ACCOUNT_COOLDOWN_HOURS: '0' },
      });
      admin = await createAdmin(t);
    });
    afterAll(async () => {
      await t.close();
      delete process.env.PAYMENT_PROVIDER;
      delete process.env.PAYOUT_ACCOUNT_COOLDOWN_HOURS;
    });
    beforeEach(async () => {
      await request(t.url).post('/sandbox/_control/reset').expect(200);
      await sandboxControls(t.url, { retryBaseMs: 20, maxAttempts: 3, payoutDelayMs: 20 });
    });

    const addBank = (u: TestUser, bankCode = 'BDO') => bankAccount(t.url, u, bankCode);
    const addGcash = async (u: TestUser) => {
      const r = await request(t.url)
        .post('/api/payment-methods')
        .set(bearer(u))
        .send({ type: 'GCASH', accountName: 'Juan Cruz', accountNumber: '09171234567' })
        .expect(201);
      await sandboxAct(t.url, r.body.verification.checkoutId as string, 'pay');
      return r.body.paymentMethod.id as string;
    };
    /** Withdraws; a first bank payout is held for an admin, who releases it to the gateway. */
    const withdraw = async (u: TestUser, amount: number, paymentMethodId: string) => {
      const r = await request(t.url)
        .post('/api/wallet/withdraw')
        .set(bearer(u))
        .send({ amount, paymentMethodId })
        .expect(201);
      const id = r.body.transaction.id as string;
      if (r.body.payout === 'review')
        await request(t.url)
          .post(`/api/admin/withdrawals/${id}/approve`)
          .set(bearer(admin))
          .send({ reference: 'first bank payout checked' })
          .expect(200);
      return id;
    };
    const settled = async (u: TestUser, id: string) => {
      let status = 'PENDING';
      await eventually(
        async () => {
          await t.app.get(WithdrawalsService).pollPayouts();
          status = (await transactionOf(t.url, u, id)).status;
          return status !== 'PENDING';
        },
        { intervalMs: 50, what: `withdrawal ${id} settled` },
      );
      return status;
    };
    const sandboxPayout = async (txnId: string) => {
      const [row] = await t.db.query<
        Array<{ provider_reference: string; metadata: { rail: string } }>
      >(`SELECT provider_reference, metadata FROM transactions WHERE id = $1`, [txnId]);
      const p = await request(t.url)
        .get(`/sandbox/_control/payouts/${row.provider_reference}`)
        .expect(200);
      return { rail: row.metadata.rail, payout: p.body as Record<string, unknown> };
    };

    it('should pay out to GCash and to a bank with the gateway identifiers from the one directory', async () => {
      const u = await registerUser(t.url, 'WORKER');
      await fundWallet(t, u, 100_000);
      const gcash = await addGcash(u);
      const bank = await addBank(u);
      const a = await withdraw(u, 20_000, gcash);
      const b = await withdraw(u, 30_000, bank);
      expect(await settled(u, a)).toBe('COMPLETED');
      expect(await settled(u, b)).toBe('COMPLETED');
      const pa = await sandboxPayout(a);
      const pb = await sandboxPayout(b);
      expect([pa.rail, pb.rail]).toEqual(['instapay', 'instapay']);
      if (provider === 'paymongo') {
        expect(pa.payout).toMatchObject({
          channel: 'GXCHPHM2XXX',
          rail: 'instapay',
          sourceAccount: { number: '000000012345', bic: 'PAEYPHM2XXX' },
        });
        expect(pb.payout).toMatchObject({ channel: 'BNORPHMMXXX', rail: 'instapay' });
      } else {
        expect(pa.payout).toMatchObject({ channel: 'PH_GCASH' });
        expect(pb.payout).toMatchObject({ channel: 'PH_BDO' });
      }
      expect((await walletOf(t.url, u)).balance).toBe(
        100_000 + (provider === 'paymongo' ? 2000 : 100) - 50_000,
      );
    });

    it('should send a withdrawal above the InstaPay cap by PESONet and record the rail', async () => {
      const u = await registerUser(t.url, 'WORKER');
      await fundWallet(t, u, 6_000_000);
      const bank = await addBank(u, 'BPI');
      const id = await withdraw(u, 5_000_001, bank);
      expect(await settled(u, id)).toBe('COMPLETED');
      const p = await sandboxPayout(id);
      expect(p.rail).toBe('pesonet');
      if (provider === 'paymongo')
        expect(p.payout).toMatchObject({ rail: 'pesonet', channel: 'BOPIPHMMXXX' });
      else expect(p.payout).toMatchObject({ channel: 'PH_BPI' });
      expect((await walletOf(t.url, u)).balance).toBe(6_000_000 - 5_000_001);
    });

    it('should refuse a bank code outside the directory with 400', async () => {
      const u = await registerUser(t.url, 'WORKER');
      const r = await request(t.url)
        .post('/api/payment-methods')
        .set(bearer(u))
        .send({
          type: 'BANK',
          accountName: 'Juan Cruz',
          accountNumber: '001234567890',
          bankCode: 'NOPE',
        })
        .expect(400);
      expect(r.body.code).toBe('UNKNOWN_BANK_CODE');
      const banks = await request(t.url)
        .get('/api/payment-methods/banks')
        .set(bearer(u))
        .expect(200);
      expect(banks.body.nextCursor).toBeNull();
      expect(banks.body.data).toContainEqual({ code: 'BDO', name: 'BDO Unibank' });
    });

    if (provider === 'xendit')
      it('should credit a reversal after success back once under 10 concurrent deliveries, mark it REVERSED and flag it', async () => {
        const u = await registerUser(t.url, 'WORKER');
        await fundWallet(t, u, 50_000);
        const bank = await addBank(u);
        const id = await withdraw(u, 20_000, bank);
        expect(await settled(u, id)).toBe('COMPLETED');
        expect((await walletOf(t.url, u)).balance).toBe(30_000);
        const [row] = await t.db.query<Array<{ provider_reference: string }>>(
          `SELECT provider_reference FROM transactions WHERE id = $1`,
          [id],
        );
        const socket = await connectSocket(t.url, { token: u.accessToken });
        const updated = nextEvent<{ id: string; status: string }>(
          socket,
          'transaction.updated',
          20_000,
        );
        await sandboxControls(t.url, { duplicates: 10 });
        const sent = await request(t.url)
          .post(`/sandbox/_control/payouts/${row.provider_reference}/reverse`)
          .expect(200);
        expect((sent.body.deliveries as unknown[]).length).toBe(10);
        expect(await updated).toMatchObject({ id, status: 'REVERSED' });
        socket.close();
        expect((await walletOf(t.url, u)).balance).toBe(50_000);
        expect((await transactionOf(t.url, u, id)).status).toBe('REVERSED');
        const entries = await t.db.query<Array<{ n: string }>>(
          `SELECT count(*) AS n FROM ledger_entries WHERE entry_id = $1`,
          [`withdrawal-reversal:${id}`],
        );
        expect(Number(entries[0].n)).toBe(1);
        const events = await t.db.query<Array<{ status: string }>>(
          `SELECT status FROM webhook_events WHERE event_type = 'payout.reversed' AND transaction_id = $1`,
          [id],
        );
        expect(events).toEqual([{ status: 'FLAGGED' }]);
      });
  },
);

describe('PESONet not enabled on the PayMongo account (e2e)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ env: { PAYMONGO_PESONET_ENABLED: 'false' } });
  });
  afterAll(async () => {
    await t.close();
    delete process.env.PAYMONGO_PESONET_ENABLED;
  });

  it('should refuse a withdrawal above the InstaPay cap with 422 naming the cap, holding nothing', async () => {
    const u = await registerUser(t.url, 'WORKER');
    await fundWallet(t, u, 6_000_000);
    const pm = await bankAccount(t.url, u, 'BDO');
    const r = await request(t.url)
      .post('/api/wallet/withdraw')
      .set(bearer(u))
      .send({ amount: 5_000_001, paymentMethodId: pm })
      .expect(422);
    expect(r.body).toMatchObject({
      code: 'PAYOUT_RAIL_UNAVAILABLE',
      message:
        'Withdrawals above ₱50,000.00 need PESONet, which is not enabled on the paymongo account',
    });
    expect(await walletOf(t.url, u)).toMatchObject({ balance: 6_000_000, available: 6_000_000 });
  });
});
