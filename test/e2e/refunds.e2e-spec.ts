import request from 'supertest';
import { LedgerService } from 'src/modules/ledger/ledger.service';
import { PaymentProviderRegistry } from 'src/modules/payments/providers/payment-provider.token';
import { ProviderError } from 'src/modules/payments/providers/provider-errors';
import { RefundReconciliationService } from 'src/modules/payments/refunds/refund-reconciliation.service';
import { createAdmin } from '../support/admin-helpers';
import { bearer, registerUser, TestUser } from '../support/auth-helpers';
import { startDeposit, walletOf } from '../support/payment-helpers';
import { sandboxAct, sandboxControls } from '../support/sandbox-helpers';
import { createJob } from '../support/job-helpers';
import { createTestApp, TestApp } from '../support/test-app';

interface AdminTxn {
  id: string;
  status: string;
  amount: number;
  type: string;
  provider: string | null;
  providerReference: string | null;
  metadata: Record<string, unknown>;
}
interface RefundBody {
  refund: { id: string; status: string; amount: number; type: string };
  refundedTotal: number;
  refundable: number;
  to: string;
  refundState: string;
}
interface SandboxRefundRow {
  id: string;
  checkoutId: string;
  amount: number;
  state: string;
}

describe.each(['paymongo', 'xendit'] as const)(
  'Refunds to the original method via %s (e2e)',
  (provider) => {
    let t: TestApp;
    let admin: TestUser;
    let ledger: LedgerService;
    const clearing = `gateway:${provider}:clearing`;

    beforeAll(async () => {
      t = await createTestApp({ env: { PAYMENT_PROVIDER: provider } });
      ledger = t.app.get(LedgerService);
      admin = await createAdmin(t);
    });
    afterAll(async () => {
      await t.close();
      delete process.env.PAYMENT_PROVIDER;
    });
    beforeEach(async () => {
      jest.restoreAllMocks();
      await request(t.url).post('/sandbox/_control/reset').expect(200);
      await sandboxControls(t.url, { retryBaseMs: 20, maxAttempts: 3, refundDelayMs: 20 });
    });

    /** A deposit paid through the sandbox and credited; returns its transaction. */
    const paidDeposit = async (u: TestUser, amount: number) => {
      const d = await startDeposit(t.url, u, amount);
      await sandboxAct(t.url, d.checkoutId, 'pay');
      const txn = await adminTxn(d.transaction.id);
      expect(txn.status).toBe('COMPLETED');
      return txn;
    };
    const adminTxn = async (id: string) =>
      (await request(t.url).get(`/api/admin/transactions/${id}`).set(bearer(admin)).expect(200))
        .body as AdminTxn;
    const refund = (id: string, body: Record<string, unknown>, key?: string) => {
      const req = request(t.url).post(`/api/admin/transactions/${id}/refund`).set(bearer(admin));
      if (key) void req.set('Idempotency-Key', key);
      return req.send({ reason: 'Customer asked for it back', ...body });
    };
    /** Waits (bounded, generous) until the refund left PENDING. */
    const settled = async (id: string) => {
      for (let i = 0; i < 300; i++) {
        const txn = await adminTxn(id);
        if (txn.status !== 'PENDING') return txn;
        await new Promise((r) => setTimeout(r, 50));
      }
      return adminTxn(id);
    };
    const sandboxRefunds = async () =>
      (
        (await request(t.url).get('/sandbox/_control/refunds').expect(200)).body as {
          data: SandboxRefundRow[];
        }
      ).data;
    const refundsOf = (originalId: string) =>
      t.db.query<Array<{ id: string; status: string }>>(
        `SELECT id, status FROM transactions WHERE type = 'REFUND' AND metadata->>'refundOf' = $1`,
        [originalId],
      );
    const posted = async (account: string) => (await ledger.balance(account)).posted;

    it('should refund a deposit in full: hold at once, posted to the gateway clearing on confirmation', async () => {
      const u = await registerUser(t.url);
      const dep = await paidDeposit(u, 50_000);
      const clearingBefore = await posted(clearing);
      const res = await refund(dep.id, { amount: 50_000 }).expect(200);
      const body = res.body as RefundBody;
      expect(body).toMatchObject({
        to: 'original',
        refundedTotal: 50_000,
        refundable: 0,
        refund: { type: 'REFUND', amount: 50_000 },
      });
      expect(['pending', 'succeeded']).toContain(body.refundState);
      const done = await settled(body.refund.id);
      expect(done).toMatchObject({ status: 'COMPLETED', provider, type: 'REFUND' });
      expect(done.providerReference).toEqual(expect.any(String));
      expect(await walletOf(t.url, u)).toMatchObject({ balance: 0, reserved: 0, available: 0 });
      expect((await posted(clearing)) - clearingBefore).toBe(50_000);
      const list = (
        await request(t.url).get('/api/wallet/transactions?type=REFUND').set(bearer(u)).expect(200)
      ).body as { data: Array<{ id: string; status: string }> };
      expect(list.data).toEqual([
        expect.objectContaining({ id: body.refund.id, status: 'COMPLETED' }),
      ]);
      expect((await sandboxRefunds()).map((r) => [r.amount, r.state])).toEqual([
        [50_000, 'succeeded'],
      ]);
    });

    it('should take two partial refunds and refuse a third that passes what was paid', async () => {
      const u = await registerUser(t.url);
      const dep = await paidDeposit(u, 50_000);
      const a = (await refund(dep.id, { amount: 20_000 }).expect(200)).body as RefundBody;
      expect(a.refundable).toBe(30_000);
      const b = (await refund(dep.id, { amount: 30_000, gatewayReason: 'duplicate' }).expect(200))
        .body as RefundBody;
      expect(b.refundable).toBe(0);
      expect((await settled(a.refund.id)).status).toBe('COMPLETED');
      expect((await settled(b.refund.id)).status).toBe('COMPLETED');
      const over = await refund(dep.id, { amount: 1 }).expect(409);
      expect((over.body as { code: string }).code).toBe('REFUND_EXCEEDS_PAID');
      expect(await walletOf(t.url, u)).toMatchObject({ balance: 0, reserved: 0 });
      expect((await sandboxRefunds()).map((r) => r.amount).sort()).toEqual([20_000, 30_000]);
    });

    it('should refuse an over-refund and reserve nothing', async () => {
      const u = await registerUser(t.url);
      const dep = await paidDeposit(u, 10_000);
      const res = await refund(dep.id, { amount: 10_001 }).expect(409);
      expect(res.body).toMatchObject({ code: 'REFUND_EXCEEDS_PAID' });
      expect(await walletOf(t.url, u)).toMatchObject({
        balance: 10_000,
        reserved: 0,
        available: 10_000,
      });
      expect(await refundsOf(dep.id)).toEqual([]);
      expect(await sandboxRefunds()).toEqual([]);
    });

    it('should keep 10 concurrent partial refunds within what was paid', async () => {
      const u = await registerUser(t.url);
      const dep = await paidDeposit(u, 50_000);
      const results = await Promise.all(
        Array.from({ length: 10 }, () => refund(dep.id, { amount: 7_000 })),
      );
      const ok = results.filter((r) => r.status === 200);
      const refused = results.filter((r) => r.status === 409);
      expect(ok).toHaveLength(7);
      expect(refused).toHaveLength(3);
      for (const r of refused)
        expect((r.body as { code: string }).code).toBe('REFUND_EXCEEDS_PAID');
      for (const r of ok)
        expect((await settled((r.body as RefundBody).refund.id)).status).toBe('COMPLETED');
      expect(await walletOf(t.url, u)).toMatchObject({
        balance: 1_000,
        reserved: 0,
        available: 1_000,
      });
      const atGateway = await sandboxRefunds();
      expect(atGateway.reduce((s, r) => s + r.amount, 0)).toBe(49_000);
      expect(atGateway).toHaveLength(7);
    });

    it('should give the money back to the wallet when the gateway refund fails', async () => {
      const u = await registerUser(t.url);
      const dep = await paidDeposit(u, 30_000);
      await sandboxControls(t.url, { failNextRefunds: 1 });
      const body = (await refund(dep.id, { amount: 10_000 }).expect(200)).body as RefundBody;
      const done = await settled(body.refund.id);
      expect(done.status).toBe('FAILED');
      expect(done.metadata.refundState).toBe('failed');
      expect(await walletOf(t.url, u)).toMatchObject({
        balance: 30_000,
        reserved: 0,
        available: 30_000,
      });
      // The failed refund no longer counts: the whole payment can still be refunded.
      const again = (await refund(dep.id, { amount: 30_000 }).expect(200)).body as RefundBody;
      expect((await settled(again.refund.id)).status).toBe('COMPLETED');
      expect(await walletOf(t.url, u)).toMatchObject({ balance: 0, reserved: 0 });
    });

    it('should post a refund once when its webhook is delivered 10 times', async () => {
      const u = await registerUser(t.url);
      const dep = await paidDeposit(u, 40_000);
      const clearingBefore = await posted(clearing);
      await sandboxControls(t.url, { duplicates: 10 });
      const body = (await refund(dep.id, { amount: 25_000 }).expect(200)).body as RefundBody;
      expect((await settled(body.refund.id)).status).toBe('COMPLETED');
      // Wait for every copy of the refund webhooks to be answered.
      for (let i = 0; i < 300; i++) {
        const d = (await request(t.url).get('/sandbox/_control/deliveries').expect(200)).body as {
          data: Array<{ eventType: string; state: string }>;
        };
        const refundDeliveries = d.data.filter((x) => x.eventType.includes('refund'));
        if (refundDeliveries.length >= 10 && refundDeliveries.every((x) => x.state === 'delivered'))
          break;
        await new Promise((r) => setTimeout(r, 50));
      }
      const processed = await t.db.query<Array<{ n: string }>>(
        `SELECT count(*) AS n FROM webhook_events WHERE transaction_id = $1 AND status = 'PROCESSED'`,
        [body.refund.id],
      );
      expect(Number(processed[0].n)).toBe(1);
      const entries = await t.db.query<Array<{ n: string }>>(
        `SELECT count(*) AS n FROM ledger_entries WHERE entry_id = $1`,
        [`refund:${body.refund.id}`],
      );
      expect(Number(entries[0].n)).toBe(1);
      expect((await posted(clearing)) - clearingBefore).toBe(25_000);
      expect(await walletOf(t.url, u)).toMatchObject({ balance: 15_000, reserved: 0 });
    });

    it('should answer 409 INSUFFICIENT_FUNDS and reserve nothing once the wallet was spent', async () => {
      const u = await registerUser(t.url);
      const dep = await paidDeposit(u, 20_000);
      const spent = await ledger.post({
        entryId: `test-spend:${dep.id}`,
        type: 'ADJUSTMENT',
        legs: [
          { account: `wallet:${u.id}:available`, direction: 'DEBIT', amount: 15_000 },
          { account: 'platform:adjustments', direction: 'CREDIT', amount: 15_000 },
        ],
      });
      expect(spent.status).toBe('APPLIED');
      const res = await refund(dep.id, { amount: 10_000 }).expect(409);
      expect(res.body).toMatchObject({ code: 'INSUFFICIENT_FUNDS' });
      expect(await walletOf(t.url, u)).toMatchObject({
        balance: 5_000,
        reserved: 0,
        available: 5_000,
      });
      expect(await refundsOf(dep.id)).toEqual([]);
      expect(await sandboxRefunds()).toEqual([]);
    });

    it('should never re-send a refund whose create timed out; reconciliation settles it', async () => {
      const u = await registerUser(t.url);
      const dep = await paidDeposit(u, 30_000);
      const gateway = t.app.get(PaymentProviderRegistry).get(provider);
      const real = gateway.createRefund.bind(gateway);
      const spy = jest.spyOn(gateway, 'createRefund').mockImplementation(async (input) => {
        await real(input); // it reached the gateway...
        throw new ProviderError(provider, 'ambiguous', null, 'timed out'); // ...but the answer was lost
      });
      // The gateway's refund webhooks are lost too: only reconciliation can settle it.
      await sandboxControls(t.url, { dropNextWebhooks: 2 });
      const body = (await refund(dep.id, { amount: 12_000 }).expect(200)).body as RefundBody;
      expect(body.refundState).toBe('unknown');
      expect(spy).toHaveBeenCalledTimes(1);
      expect((await adminTxn(body.refund.id)).status).toBe('PENDING');
      expect(await walletOf(t.url, u)).toMatchObject({ balance: 30_000, reserved: 12_000 });
      const recon = t.app.get(RefundReconciliationService);
      let txn = await adminTxn(body.refund.id);
      for (let i = 0; i < 300 && txn.status === 'PENDING'; i++) {
        await recon.run(0);
        txn = await adminTxn(body.refund.id);
        if (txn.status === 'PENDING') await new Promise((r) => setTimeout(r, 50));
      }
      expect(txn.status).toBe('COMPLETED');
      expect(spy).toHaveBeenCalledTimes(1);
      expect(await sandboxRefunds()).toHaveLength(1);
      expect(await walletOf(t.url, u)).toMatchObject({ balance: 18_000, reserved: 0 });
    });

    it('should list refunds by status for admins', async () => {
      const u = await registerUser(t.url);
      const dep = await paidDeposit(u, 20_000);
      await sandboxControls(t.url, { failNextRefunds: 1 });
      const failed = (await refund(dep.id, { amount: 5_000 }).expect(200)).body as RefundBody;
      expect((await settled(failed.refund.id)).status).toBe('FAILED');
      const ok = (await refund(dep.id, { amount: 6_000 }).expect(200)).body as RefundBody;
      expect((await settled(ok.refund.id)).status).toBe('COMPLETED');
      const list = async (status: string) =>
        (
          (
            await request(t.url)
              .get(`/api/admin/refunds?status=${status}&limit=100`)
              .set(bearer(admin))
              .expect(200)
          ).body as { data: Array<{ id: string; type: string; status: string }> }
        ).data.map((r) => r.id);
      expect(await list('FAILED')).toContain(failed.refund.id);
      expect(await list('FAILED')).not.toContain(ok.refund.id);
      expect(await list('COMPLETED')).toContain(ok.refund.id);
      await request(t.url).get('/api/admin/refunds?status=BOGUS').set(bearer(admin)).expect(400);
      await request(t.url).get('/api/admin/refunds').set(bearer(u)).expect(403);
    });

    it('should refuse bad input with a clear 4xx and change nothing', async () => {
      const u = await registerUser(t.url);
      const dep = await paidDeposit(u, 20_000);
      await refund(dep.id, { amount: 1_000, to: 'bank' }).expect(400);
      await refund(dep.id, { amount: 1_000, gatewayReason: 'because' }).expect(400);
      await refund(dep.id, { amount: 0 }).expect(400);
      await refund(dep.id, { amount: 1.5 }).expect(400);
      const toWallet = await refund(dep.id, { amount: 1_000, to: 'wallet' }).expect(409);
      expect(toWallet.body).toMatchObject({ code: 'NOT_REFUNDABLE' });
      const pending = await startDeposit(t.url, u, 5_000);
      const notPaid = await refund(pending.transaction.id, { amount: 1_000 }).expect(409);
      expect(notPaid.body).toMatchObject({ code: 'NOT_REFUNDABLE' });
      expect(await walletOf(t.url, u)).toMatchObject({ balance: 20_000, reserved: 0 });
      expect(await refundsOf(dep.id)).toEqual([]);
      expect(await sandboxRefunds()).toEqual([]);
    });

    it('should refund a GCash job payment to the original method, paid by the platform, never past what was paid', async () => {
      const [client, worker] = await Promise.all([
        registerUser(t.url, 'CLIENT'),
        registerUser(t.url, 'WORKER'),
      ]);
      const job = await createJob(t.url, client, worker, 20_000);
      const dp = (
        await request(t.url)
          .post(`/api/jobs/${job.id}/downpayment`)
          .set(bearer(client))
          .send({ method: 'GCASH' })
          .expect(200)
      ).body as { checkout: { checkoutId: string; transactionId: string } };
      await sandboxAct(t.url, dp.checkout.checkoutId, 'pay');
      // Still running: its money is in escrow.
      const running = await refund(dp.checkout.transactionId, { amount: 1_000 }).expect(409);
      expect(running.body).toMatchObject({ code: 'JOB_NOT_SETTLED' });
      await request(t.url)
        .post(`/api/jobs/${job.id}/cancel`)
        .set(bearer(worker))
        .send({ reason: 'sick' })
        .expect(200);
      // Paid 12,000 (downpayment 10,000 + fee 2,000); the cancel returned 10,000 to the wallet.
      const over = await refund(dp.checkout.transactionId, { amount: 2_001 }).expect(409);
      expect(over.body).toMatchObject({ code: 'REFUND_EXCEEDS_PAID' });
      const adjustments0 = await posted('platform:adjustments');
      const clearing0 = await posted(clearing);
      const body = (await refund(dp.checkout.transactionId, { amount: 2_000 }).expect(200))
        .body as RefundBody;
      expect(body).toMatchObject({ to: 'original', refundable: 0 });
      expect((await settled(body.refund.id)).status).toBe('COMPLETED');
      expect((await posted('platform:adjustments')) - adjustments0).toBe(-2_000);
      expect((await posted(clearing)) - clearing0).toBe(2_000);
      expect(await walletOf(t.url, client)).toMatchObject({ balance: 10_000, reserved: 0 });
      expect((await sandboxRefunds()).map((r) => [r.checkoutId, r.amount])).toEqual([
        [dp.checkout.checkoutId, 2_000],
      ]);
    });

    it('should replay a refund with the same Idempotency-Key instead of refunding twice', async () => {
      const u = await registerUser(t.url);
      const dep = await paidDeposit(u, 20_000);
      const key = `refund-${dep.id}`;
      const first = (await refund(dep.id, { amount: 4_000 }, key).expect(200)).body as RefundBody;
      const again = (await refund(dep.id, { amount: 4_000 }, key).expect(200)).body as RefundBody;
      expect(again.refund.id).toBe(first.refund.id);
      expect((await settled(first.refund.id)).status).toBe('COMPLETED');
      expect(await refundsOf(dep.id)).toHaveLength(1);
      expect(await walletOf(t.url, u)).toMatchObject({ balance: 16_000, reserved: 0 });
    });
  },
);
