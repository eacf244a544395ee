import request from 'supertest';
import { bearer, registerUser, TestUser } from '../support/auth-helpers';
import { DepositBody, startDeposit, transactionOf, walletOf } from '../support/payment-helpers';
import { createAdmin, sandboxAct, sandboxControls } from '../support/sandbox-helpers';
import { connectSocket, nextEvent } from '../support/socket-helpers';
import { createTestApp, TestApp } from '../support/test-app';
import { SandboxRecords } from 'src/modules/sandbox/sandbox-records';
import { signPaymongoWebhook } from 'src/modules/payments/providers/webhook-signatures';

type Provider = 'paymongo' | 'xendit';

/** The same suite runs against both gateways (through the sandbox, over HTTP). */
describe.each<Provider>(['paymongo', 'xendit'])(
  'Deposits and webhooks via %s (e2e)',
  (provider) => {
    let t: TestApp;
    let admin: { accessToken: string; id: string };
    /** Paid produces two events on PayMongo (checkout_session.payment.paid + payment.paid), one on Xendit. */
    const paidEvents = provider === 'paymongo' ? 2 : 1;

    beforeAll(async () => {
      t = await createTestApp({ env: { PAYMENT_PROVIDER: provider } });
      admin = await createAdmin(t);
    });
    afterAll(async () => {
      await t.close();
      delete process.env.PAYMENT_PROVIDER;
    });
    beforeEach(async () => {
      await request(t.url).post('/sandbox/_control/reset').expect(200);
      await sandboxControls(t.url, { retryBaseMs: 20, maxAttempts: 3 });
    });

    const newUser = () => registerUser(t.url, 'CLIENT');
    const eventsFor = async (txnId: string) =>
      t.db.query<Array<{ status: string; event_type: string }>>(
        `SELECT status, event_type FROM webhook_events WHERE transaction_id = $1 ORDER BY received_at`,
        [txnId],
      );
    const ledgerEntries = async (userId: string) =>
      Number(
        (
          await t.db.query<Array<{ n: string }>>(
            `SELECT count(*) AS n FROM ledger_entries WHERE entry_id LIKE 'deposit:%' AND metadata->>'transactionId' IN
             (SELECT id::text FROM transactions WHERE user_id = $1)`,
            [userId],
          )
        )[0].n,
      );

    it('should credit the wallet once the customer pays, and push wallet.updated after commit', async () => {
      const u = await newUser();
      const d = await startDeposit(t.url, u, 150_000);
      expect(d).toMatchObject({
        provider,
        transaction: {
          status: 'PENDING',
          amount: 150_000,
          type: 'DEPOSIT',
          provider,
          providerReference: d.checkoutId,
        },
        checkoutUrl: `${t.url}/sandbox/checkout/${d.checkoutId}`,
      });
      expect(await walletOf(t.url, u)).toMatchObject({ balance: 0 });
      const socket = await connectSocket(t.url, { token: u.accessToken });
      const pushed = nextEvent<{ balance: number }>(socket, 'wallet.updated');
      const deliveries = await sandboxAct(t.url, d.checkoutId, 'pay');
      expect(deliveries).toHaveLength(paidEvents);
      expect(deliveries.every((x) => x.state === 'delivered')).toBe(true);
      expect(await pushed).toEqual({
        balance: 150_000,
        reserved: 0,
        available: 150_000,
        pendingEarnings: 0,
      });
      socket.close();
      expect(await walletOf(t.url, u)).toMatchObject({ balance: 150_000, available: 150_000 });
      expect(await transactionOf(t.url, u, d.transaction.id)).toMatchObject({
        status: 'COMPLETED',
        completedAt: expect.any(String),
      });
      const stored = await eventsFor(d.transaction.id);
      expect(stored.map((e) => e.status).sort()).toEqual(
        provider === 'paymongo' ? ['NO_OP', 'PROCESSED'] : ['PROCESSED'],
      );
    });

    const runReconcile = async (txnId: string) => {
      await t.db.query(
        `UPDATE transactions SET created_at = now() - interval '10 minutes' WHERE id = $1`,
        [txnId],
      );
      await request(t.url)
        .post('/api/admin/scheduled-jobs/payments-reconcile/run')
        .set(bearer(admin))
        .expect(200);
    };

    it('should keep a deposit PENDING after failed attempts and credit once when the customer then pays', async () => {
      const u = await newUser();
      const d = await startDeposit(t.url, u, 5_000);
      const failed = await sandboxAct(t.url, d.checkoutId, 'fail');
      // PayMongo documents only `payment.failed`; a Xendit invoice calls back on PAID/EXPIRED only.
      expect(failed.map((x) => x.eventType)).toEqual(
        provider === 'paymongo' ? ['payment.failed'] : [],
      );
      expect((await transactionOf(t.url, u, d.transaction.id)).status).toBe('PENDING');
      await sandboxAct(t.url, d.checkoutId, 'fail');
      await sandboxAct(t.url, d.checkoutId, 'pay');
      expect((await transactionOf(t.url, u, d.transaction.id)).status).toBe('COMPLETED');
      expect((await walletOf(t.url, u)).balance).toBe(5_000);
      expect(await ledgerEntries(u.id)).toBe(1);
      const statuses = (await eventsFor(d.transaction.id)).map((e) => e.status);
      expect(statuses.filter((x) => x === 'PROCESSED')).toHaveLength(1);
      expect(statuses.filter((x) => x === 'FLAGGED')).toHaveLength(0);
    });

    it('should end a checkout only by expiry (EXPIRED, nothing moved)', async () => {
      const u = await newUser();
      const d = await startDeposit(t.url, u, 6_000);
      const sent = await sandboxAct(t.url, d.checkoutId, 'expire');
      // PayMongo has no expiry event: the service learns it by polling (reconciliation).
      expect(sent.map((x) => x.eventType)).toEqual(
        provider === 'paymongo' ? [] : ['invoice.expired'],
      );
      if (provider === 'paymongo') await runReconcile(d.transaction.id);
      expect((await transactionOf(t.url, u, d.transaction.id)).status).toBe('EXPIRED');
      expect((await walletOf(t.url, u)).balance).toBe(0);
    });

    it('should credit exactly once when every event is delivered 50 times concurrently', async () => {
      const u = await newUser();
      const d = await startDeposit(t.url, u, 25_000);
      await sandboxControls(t.url, { duplicates: 50 });
      const deliveries = await sandboxAct(t.url, d.checkoutId, 'pay');
      expect(deliveries).toHaveLength(50 * paidEvents);
      expect(deliveries.every((x) => x.state === 'delivered' && x.attempts[0].status === 200)).toBe(
        true,
      );
      expect((await walletOf(t.url, u)).balance).toBe(25_000);
      expect(await ledgerEntries(u.id)).toBe(1);
      expect(await eventsFor(d.transaction.id)).toHaveLength(paidEvents);
    });

    it('should keep a COMPLETED deposit COMPLETED when a failed attempt is delivered late, out of order', async () => {
      const u = await newUser();
      const d = await startDeposit(t.url, u, 7_000);
      await sandboxControls(t.url, { holdWebhooks: true });
      await sandboxAct(t.url, d.checkoutId, 'fail');
      await sandboxAct(t.url, d.checkoutId, 'pay');
      // Paid first, the earlier failed attempt last.
      await request(t.url)
        .post('/sandbox/_control/webhooks/release')
        .send({ order: 'reverse' })
        .expect(200);
      await sandboxAct(t.url, d.checkoutId, 'fail', { force: true });
      expect((await transactionOf(t.url, u, d.transaction.id)).status).toBe('COMPLETED');
      expect((await walletOf(t.url, u)).balance).toBe(7_000);
      const statuses = (await eventsFor(d.transaction.id)).map((e) => e.status);
      expect(statuses.filter((s) => s === 'PROCESSED')).toHaveLength(1);
      expect(statuses.filter((s) => s === 'FLAGGED')).toHaveLength(0);
    });

    it('should never credit a payment reported after the checkout expired', async () => {
      const u = await newUser();
      const d = await startDeposit(t.url, u, 9_100);
      await sandboxControls(t.url, { holdWebhooks: true });
      await sandboxAct(t.url, d.checkoutId, 'pay');
      if (provider === 'xendit') {
        // The EXPIRED callback overtakes the held PAID one.
        await sandboxAct(t.url, d.checkoutId, 'expire', { force: true });
        await request(t.url)
          .post('/sandbox/_control/webhooks/release')
          .send({ order: 'reverse' })
          .expect(200);
      } else {
        // Our expire call (or the poll) closed it before the late paid events arrive.
        await t.db.query(`UPDATE transactions SET status = 'EXPIRED' WHERE id = $1`, [
          d.transaction.id,
        ]);
        await request(t.url).post('/sandbox/_control/webhooks/release').send({}).expect(200);
      }
      expect((await transactionOf(t.url, u, d.transaction.id)).status).toBe('EXPIRED');
      expect((await walletOf(t.url, u)).balance).toBe(0);
      const events = await eventsFor(d.transaction.id);
      if (provider === 'paymongo')
        // A signed "paid" after EXPIRED is real money that arrived late: a person must look at it.
        expect(events.filter((e) => e.status === 'FLAGGED')).toHaveLength(2);
      // Xendit is asked before money moves, and it reports the invoice expired: nothing to flag, and
      // the late "PAID" is a duplicate of the expiry already applied (dedupe on the confirmed state).
      else expect(events.map((e) => e.status)).toEqual(['PROCESSED']);
    });

    it('should flag a paid amount that differs from the transaction and credit nothing', async () => {
      const u = await newUser();
      const d = await startDeposit(t.url, u, 10_000);
      await sandboxAct(t.url, d.checkoutId, 'pay', { amount: 9_999 });
      expect((await walletOf(t.url, u)).balance).toBe(0);
      expect((await transactionOf(t.url, u, d.transaction.id)).status).toBe('PENDING');
      const flagged = await request(t.url)
        .get(
          `/api/admin/webhook-events?status=FLAGGED&provider=${provider}&transactionId=${d.transaction.id}`,
        )
        .set(bearer(admin))
        .expect(200);
      expect(flagged.body.data.length).toBeGreaterThanOrEqual(1);
      expect(flagged.body.data[0]).toMatchObject({
        status: 'FLAGGED',
        transactionId: d.transaction.id,
      });
      expect(flagged.body.data[0].reason).toContain('9999');
    });

    it('should route by the stored checkout id when the event lost our metadata and reference', async () => {
      const u = await newUser();
      const d = await startDeposit(t.url, u, 12_345);
      await sandboxControls(t.url, { stripMetadataNext: paidEvents });
      await sandboxAct(t.url, d.checkoutId, 'pay');
      expect((await walletOf(t.url, u)).balance).toBe(12_345);
      expect((await transactionOf(t.url, u, d.transaction.id)).status).toBe('COMPLETED');
    });

    it('should settle a payment whose webhook was lost through reconciliation, exactly once', async () => {
      const u = await newUser();
      const d = await startDeposit(t.url, u, 33_300);
      await sandboxControls(t.url, { dropNextWebhooks: paidEvents });
      const deliveries = await sandboxAct(t.url, d.checkoutId, 'pay');
      expect(deliveries.every((x) => x.state === 'dropped')).toBe(true);
      expect((await walletOf(t.url, u)).balance).toBe(0);
      // Fresh checkouts are left to their webhooks: nothing happens yet.
      await request(t.url)
        .post('/api/admin/scheduled-jobs/payments-reconcile/run')
        .set(bearer(admin))
        .expect(200);
      expect((await walletOf(t.url, u)).balance).toBe(0);
      await t.db.query(
        `UPDATE transactions SET created_at = now() - interval '10 minutes' WHERE id = $1`,
        [d.transaction.id],
      );
      const run = await request(t.url)
        .post('/api/admin/scheduled-jobs/payments-reconcile/run')
        .set(bearer(admin))
        .expect(200);
      expect(run.body).toMatchObject({ outcome: 'succeeded', counts: { settled: 1 } });
      await request(t.url)
        .post('/api/admin/scheduled-jobs/payments-reconcile/run')
        .set(bearer(admin))
        .expect(200);
      expect((await walletOf(t.url, u)).balance).toBe(33_300);
      expect(await ledgerEntries(u.id)).toBe(1);
      // A late webhook after reconciliation is a no-op.
      await sandboxAct(t.url, d.checkoutId, 'pay', { force: true });
      expect((await walletOf(t.url, u)).balance).toBe(33_300);
    });

    it('should expire checkouts left unpaid beyond their lifetime', async () => {
      const u = await newUser();
      const d = await startDeposit(t.url, u, 4_000);
      await t.db.query(
        `UPDATE transactions SET created_at = now() - interval '25 hours' WHERE id = $1`,
        [d.transaction.id],
      );
      await request(t.url)
        .post('/api/admin/scheduled-jobs/payments-reconcile/run')
        .set(bearer(admin))
        .expect(200);
      expect((await transactionOf(t.url, u, d.transaction.id)).status).toBe('EXPIRED');
      const gw = await request(t.url)
        .get(`/sandbox/_control/checkouts/${d.checkoutId}`)
        .expect(200);
      expect(gw.body.state).toBe('expired');
    });

    it('should answer 503 with Retry-After while the breaker is open, leave nothing half-made, and work after reset', async () => {
      const u = await newUser();
      await sandboxControls(t.url, { failNextCalls: 5 });
      for (let i = 0; i < 5; i++) {
        const r = await request(t.url)
          .post('/api/wallet/deposit')
          .set(bearer(u))
          .send({ amount: 2_000 })
          .expect(503);
        expect(r.body.code).toBe('PROVIDER_UNAVAILABLE');
        // From the very first failure, before the breaker opens.
        expect(Number(r.headers['retry-after'])).toBeGreaterThan(0);
      }
      const open = await request(t.url)
        .post('/api/wallet/deposit')
        .set(bearer(u))
        .send({ amount: 2_000 })
        .expect(503);
      expect(open.body.code).toBe('PROVIDER_UNAVAILABLE');
      expect(Number(open.headers['retry-after'])).toBeGreaterThanOrEqual(59);
      const txns = await request(t.url).get('/api/wallet/transactions').set(bearer(u)).expect(200);
      // The five attempts that reached the gateway are closed as FAILED; the fast-failed one wrote nothing.
      expect(txns.body.data).toHaveLength(5);
      expect(
        (txns.body.data as Array<{ status: string }>).every((x) => x.status === 'FAILED'),
      ).toBe(true);
      await request(t.url)
        .post(`/api/admin/circuit-breakers/${provider}/reset`)
        .set(bearer(admin))
        .expect(200);
      const ok = await startDeposit(t.url, u, 2_000);
      await sandboxAct(t.url, ok.checkoutId, 'pay');
      expect((await walletOf(t.url, u)).balance).toBe(2_000);
    });

    it('should replay the first response for a repeated Idempotency-Key and create one deposit', async () => {
      const u = await newUser();
      const a = await startDeposit(t.url, u, 8_000, 'dep-key-1');
      const again = await request(t.url)
        .post('/api/wallet/deposit')
        .set(bearer(u))
        .set('Idempotency-Key', 'dep-key-1')
        .send({ amount: 8_000 })
        .expect(201);
      expect(again.headers['idempotent-replayed']).toBe('true');
      expect(again.body.checkoutId).toBe(a.checkoutId);
      await request(t.url)
        .post('/api/wallet/deposit')
        .set(bearer(u))
        .set('Idempotency-Key', 'dep-key-1')
        .send({ amount: 8_001 })
        .expect(422);
      const txns = await request(t.url).get('/api/wallet/transactions').set(bearer(u)).expect(200);
      expect(txns.body.data).toHaveLength(1);
    });

    it('should refuse a deposit below the gateway minimum with 400 naming it, before any gateway call', async () => {
      const u = await newUser();
      const store = t.app.get(SandboxRecords);
      const before = await store.countCheckouts();
      const r = await request(t.url)
        .post('/api/wallet/deposit')
        .set(bearer(u))
        .send({ amount: 1_999 })
        .expect(400);
      expect(r.body).toMatchObject({
        code: 'AMOUNT_BELOW_MINIMUM',
        message: `The minimum amount is 2000 centavos (₱20.00) on ${provider}`,
      });
      const txns = await request(t.url).get('/api/wallet/transactions').set(bearer(u)).expect(200);
      expect(txns.body.data).toEqual([]);
      // The gateway was never asked.
      expect(await store.countCheckouts()).toBe(before);
    });

    it('should reject bad deposit input with 400', async () => {
      const u = await newUser();
      for (const body of [
        { amount: 999 },
        { amount: 10_000_001 },
        { amount: 1000.5 },
        { amount: '1000' },
        { amount: -5000 },
        { amount: 0 },
        {},
        { amount: 5000, currency: 'USD' },
      ])
        await request(t.url).post('/api/wallet/deposit').set(bearer(u)).send(body).expect(400);
      await request(t.url).post('/api/wallet/deposit').send({ amount: 5000 }).expect(401);
    });

    it('should credit parallel deposits of one user exactly, each once', async () => {
      const u = await newUser();
      const amounts = Array.from({ length: 12 }, (_, i) => 2_000 + i * 137);
      const ds: DepositBody[] = await Promise.all(amounts.map((a) => startDeposit(t.url, u, a)));
      await sandboxControls(t.url, { duplicates: 3 });
      await Promise.all(ds.map((d) => sandboxAct(t.url, d.checkoutId, 'pay')));
      expect((await walletOf(t.url, u)).balance).toBe(amounts.reduce((s, a) => s + a, 0));
      expect(await ledgerEntries(u.id)).toBe(12);
    });

    it('should let an admin replay a stored event without moving money twice (audit-logged)', async () => {
      const u = await newUser();
      const d = await startDeposit(t.url, u, 3_000);
      await sandboxAct(t.url, d.checkoutId, 'pay');
      const list = await request(t.url)
        .get(`/api/admin/webhook-events?transactionId=${d.transaction.id}&status=PROCESSED`)
        .set(bearer(admin))
        .expect(200);
      const id = list.body.data[0].id as string;
      const replayed = await request(t.url)
        .post(`/api/admin/webhook-events/${id}/replay`)
        .set(bearer(admin))
        .expect(200);
      expect(replayed.body).toMatchObject({ id, status: 'NO_OP', replayCount: 1 });
      expect((await walletOf(t.url, u)).balance).toBe(3_000);
      await request(t.url)
        .post(`/api/admin/webhook-events/${id}/replay`)
        .set(bearer(u))
        .expect(403);
      const audit = await request(t.url)
        .get(`/api/admin/audit-log?action=webhook_event.replay`)
        .set(bearer(admin))
        .expect(200);
      expect(audit.body.data[0]).toMatchObject({ targetId: id, actorId: admin.id });
    });
  },
);

describe('Webhook verification (e2e)', () => {
  let t: TestApp;
  let u: TestUser;
  beforeAll(async () => {
    // Trust the loopback proxy so tests can speak for other source IPs via X-Forwarded-For.
    t = await createTestApp({ env: { TRUSTED_PROXIES: '127.0.0.1' } });
    u = await registerUser(t.url, 'WORKER');
  });
  afterAll(async () => {
    await t.close();
    delete process.env.TRUSTED_PROXIES;
  });
  beforeEach(async () => {
    await request(t.url).post('/sandbox/_control/reset').expect(200);
    await sandboxControls(t.url, { retryBaseMs: 10, maxAttempts: 2 });
  });
  const stored = async () =>
    Number(
      (await t.db.query<Array<{ n: string }>>(`SELECT count(*) AS n FROM webhook_events`))[0].n,
    );

  it('should refuse a corrupted signature (401) and store nothing', async () => {
    const d = await startDeposit(t.url, u, 5_000);
    const before = await stored();
    await sandboxControls(t.url, { corruptNextSignatures: 2 });
    const deliveries = await sandboxAct(t.url, d.checkoutId, 'pay');
    expect(deliveries.every((x) => x.attempts.every((a) => a.status === 401))).toBe(true);
    expect(await stored()).toBe(before);
    expect((await walletOf(t.url, u)).balance).toBe(0);
  });

  it('should refuse stale and future timestamps', async () => {
    const d = await startDeposit(t.url, u, 5_000);
    for (const skew of [-301, 301]) {
      await sandboxControls(t.url, { signatureSkewSeconds: skew });
      const deliveries = await sandboxAct(t.url, d.checkoutId, 'pay', { force: true });
      expect(deliveries.every((x) => x.attempts.every((a) => a.status === 401))).toBe(true);
    }
    expect((await walletOf(t.url, u)).balance).toBe(0);
  });

  it('should answer 401 for a missing header, a wrong secret, or a live signature under a test key; 400 for junk', async () => {
    const body = JSON.stringify({
      data: {
        id: 'evt_manual1',
        type: 'event',
        attributes: {
          type: 'checkout_session.payment.paid',
          livemode: false,
          data: { id: 'cs_x', type: 'checkout_session', attributes: {} },
        },
      },
    });
    const now = Math.floor(Date.now() / 1000);
    const post = (headers: Record<string, string>, b = body) =>
      request(t.url)
        .post('/api/accounts/wallet/paymongo-webhook')
        .set('Content-Type', 'application/json')
        .set(headers)
        .send(b);
    await post({}).expect(401);
    await post({
      'Paymongo-Signature': signPaymongoWebhook('whsk_wrong', body, { t: now, livemode: false }),
    }).expect(401);
    const live = body.replace('"livemode":false', '"livemode":true');
    await post(
      {
        'Paymongo-Signature': signPaymongoWebhook('whsk_sandbox_local', live, {
          t: now,
          livemode: true,
        }),
      },
      live,
    ).expect(401);
    const ok = await post({
      'Paymongo-Signature': signPaymongoWebhook('whsk_sandbox_local', body, {
        t: now,
        livemode: false,
      }),
    }).expect(200);
    expect(ok.body).toEqual({ received: true });
    const junk = '{"not":"an event"}';
    await post(
      {
        'Paymongo-Signature': signPaymongoWebhook('whsk_sandbox_local', junk, {
          t: now,
          livemode: false,
        }),
      },
      junk,
    ).expect(400);
    // Unknown transaction: stored and acknowledged.
    const rows = await t.db.query<Array<{ status: string }>>(
      `SELECT status FROM webhook_events WHERE event_id = 'evt_manual1'`,
    );
    expect(rows).toEqual([{ status: 'IGNORED' }]);
  });

  /** A second instance on Xendit, sharing this file's database; closed after `fn`. */
  async function withXendit(fn: (x: TestApp) => Promise<void>): Promise<void> {
    const x = await createTestApp({
      env: { PAYMENT_PROVIDER: 'xendit' },
      databaseUrl: t.databaseUrl,
      redisPrefix: t.redisPrefix,
    });
    try {
      await fn(x);
    } finally {
      await x.close();
      delete process.env.PAYMENT_PROVIDER;
    }
  }

  /** A Xendit invoice callback claiming PAID, sent with the given token. */
  const claimPaid = (x: TestApp, d: DepositBody, token: string) =>
    request(x.url)
      .post('/api/accounts/wallet/xendit-webhook')
      .set('Content-Type', 'application/json')
      .set('x-callback-token', token)
      .send(
        JSON.stringify({
          id: d.checkoutId,
          external_id: d.transaction.id,
          status: 'PAID',
          amount: d.transaction.amount / 100,
          paid_amount: d.transaction.amount / 100,
          currency: 'PHP',
        }),
      );

  it('should refuse a Xendit callback with a wrong token, and never credit an invoice Xendit says is unpaid', async () => {
    await withXendit(async (x) => {
      const d = await startDeposit(x.url, u, 9_000);
      await claimPaid(x, d, 'guess').expect(401);
      // Right token (it is static, so it may leak) but the invoice is still pending at Xendit.
      await claimPaid(x, d, 'xendit-sandbox-callback-token').expect(200);
      const rows = await x.db.query<Array<{ status: string }>>(
        `SELECT status FROM webhook_events WHERE checkout_id = $1`,
        [d.checkoutId],
      );
      expect(rows).toEqual([{ status: 'UNCONFIRMED' }]);
      expect((await walletOf(x.url, u)).balance).toBe(0);
    });
  });

  it('should credit the genuine Xendit PAID callback even after a forged PAID for the same invoice was stored first', async () => {
    await withXendit(async (x) => {
      const d = await startDeposit(x.url, u, 7_300);
      const send = () => claimPaid(x, d, 'xendit-sandbox-callback-token').expect(200);
      // The token leaked; the invoice is still unpaid at Xendit. Sent twice: recorded once.
      await send();
      await send();
      const before = (await walletOf(x.url, u)).balance;
      // Now the customer really pays: the sandbox delivers the genuine `invoice:<id>:PAID`.
      const deliveries = await sandboxAct(x.url, d.checkoutId, 'pay');
      expect(deliveries.map((dl) => dl.state)).toEqual(['delivered']);
      expect((await transactionOf(x.url, u, d.transaction.id)).status).toBe('COMPLETED');
      expect((await walletOf(x.url, u)).balance).toBe(before + 7_300);
      const rows = await x.db.query<Array<{ event_id: string; status: string }>>(
        `SELECT event_id, status FROM webhook_events WHERE checkout_id = $1 ORDER BY received_at`,
        [d.checkoutId],
      );
      expect(rows).toEqual([
        { event_id: `invoice:${d.checkoutId}:PAID:unconfirmed`, status: 'UNCONFIRMED' },
        { event_id: `invoice:${d.checkoutId}:PAID`, status: 'PROCESSED' },
      ]);
      // The forged one again after the fact moves nothing either.
      await send();
      expect((await walletOf(x.url, u)).balance).toBe(before + 7_300);
    });
  });

  it('should rate-limit a source IP after repeated unverified attempts, and only that IP', async () => {
    const from = (ip: string) =>
      request(t.url)
        .post('/api/accounts/wallet/paymongo-webhook')
        .set('Content-Type', 'application/json')
        .set('X-Forwarded-For', ip)
        .send('{}');
    for (let i = 0; i < 20; i++) expect((await from('203.0.113.7')).status).toBe(401);
    const blocked = await from('203.0.113.7');
    expect(blocked.status).toBe(429);
    expect(blocked.body.code).toBe('RATE_LIMITED');
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
    expect((await from('198.51.100.1')).status).toBe(401);
  });
});

describe('Webhooks across two instances (e2e)', () => {
  let a: TestApp;
  let b: TestApp;
  beforeAll(async () => {
    a = await createTestApp();
    b = await createTestApp({ databaseUrl: a.databaseUrl, redisPrefix: a.redisPrefix });
  });
  afterAll(async () => {
    await b.close();
    await a.close();
  });

  it('should credit once when the same signed event hits both instances 25 times each, concurrently', async () => {
    const u = await registerUser(a.url, 'CLIENT');
    const d = await startDeposit(a.url, u, 45_600);
    const now = Math.floor(Date.now() / 1000);
    const body = JSON.stringify({
      data: {
        id: 'evt_two_instances',
        type: 'event',
        attributes: {
          type: 'checkout_session.payment.paid',
          livemode: false,
          data: {
            id: d.checkoutId,
            type: 'checkout_session',
            attributes: {
              line_items: [
                { amount: 45_600, currency: 'PHP', name: 'Wallet deposit', quantity: 1 },
              ],
              payments: [
                {
                  id: 'pay_x',
                  type: 'payment',
                  attributes: { amount: 45_600, currency: 'PHP', status: 'paid' },
                },
              ],
              reference_number: d.transaction.id,
              metadata: { payment_type: 'wallet_deposit', transaction_id: d.transaction.id },
            },
          },
          created_at: now,
          updated_at: now,
        },
      },
    });
    const sig = signPaymongoWebhook('whsk_sandbox_local', body, { t: now, livemode: false });
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        request(i % 2 ? a.url : b.url)
          .post('/api/accounts/wallet/paymongo-webhook')
          .set('Content-Type', 'application/json')
          .set('Paymongo-Signature', sig)
          .send(body),
      ),
    );
    expect(results.map((r) => r.status)).toEqual(Array(50).fill(200));
    expect((await walletOf(a.url, u)).balance).toBe(45_600);
    const rows = await a.db.query<Array<{ n: string }>>(
      `SELECT count(*) AS n FROM webhook_events WHERE event_id = 'evt_two_instances'`,
    );
    expect(rows[0].n).toBe('1');
  });
});
