import request from 'supertest';
import { LedgerService } from 'src/modules/ledger/ledger.service';
import { PaymongoProvider } from 'src/modules/payments/providers/paymongo/paymongo.provider';
import { XenditProvider } from 'src/modules/payments/providers/xendit/xendit.provider';
import { ProviderError } from 'src/modules/payments/providers/provider-errors';
import { WithdrawalsService } from 'src/modules/withdrawals/withdrawals.service';
import { createAdmin } from '../support/admin-helpers';
import { bearer, registerUser, TestUser } from '../support/auth-helpers';
import { settledWithdrawal, trustedPayoutAccount } from '../support/payout-helpers';
import { sandboxControls } from '../support/sandbox-helpers';
import { fundWallet } from '../support/ledger-helpers';
import { walletOf } from '../support/payment-helpers';
import { createTestApp, TestApp } from '../support/test-app';

interface WithdrawBody {
  transaction: { id: string; status: string; amount: number; type: string };
  payout: string;
}

describe.each(['paymongo', 'xendit'] as const)(
  'Withdrawals and payouts via %s (e2e)',
  (provider) => {
    let t: TestApp;
    let ledger: LedgerService;
    let admin: TestUser;

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
      await request(t.url).post('/sandbox/_control/reset').expect(200);
      await sandboxControls(t.url, { retryBaseMs: 20, maxAttempts: 3, payoutDelayMs: 20 });
    });

    const account = (u: TestUser, number = '09171234567') =>
      trustedPayoutAccount(t, u, { accountNumber: number });
    const withdraw = (u: TestUser, amount: number, paymentMethodId: string) =>
      request(t.url).post('/api/wallet/withdraw').set(bearer(u)).send({ amount, paymentMethodId });
    const settled = (u: TestUser, id: string) => settledWithdrawal(t, u, id);

    it('should hold the amount at once, then pay out through the gateway (callback or poll)', async () => {
      const u = await registerUser(t.url, 'WORKER');
      await fundWallet(t, u, 50_000);
      const pm = await account(u);
      const res = await withdraw(u, 20_000, pm).expect(201);
      const body = res.body as WithdrawBody;
      expect(body).toMatchObject({
        transaction: { type: 'WITHDRAWAL', amount: 20_000 },
        payout: 'pending',
      });
      expect(await settled(u, body.transaction.id)).toBe('COMPLETED');
      expect(await walletOf(t.url, u)).toMatchObject({
        balance: 30_000,
        reserved: 0,
        available: 30_000,
      });
      expect((await ledger.balance('payouts:in_transit')).posted).toBeGreaterThanOrEqual(20_000);
    });

    it('should give the money back (REFUND) when the payout fails at the channel', async () => {
      const u = await registerUser(t.url, 'WORKER');
      await fundWallet(t, u, 50_000);
      const pm = await account(u, '09170000002');
      const body = (await withdraw(u, 20_000, pm).expect(201)).body as WithdrawBody;
      expect(await settled(u, body.transaction.id)).toBe('FAILED');
      expect(await walletOf(t.url, u)).toMatchObject({
        balance: 50_000,
        reserved: 0,
        available: 50_000,
      });
      const refunds = await request(t.url)
        .get('/api/wallet/transactions?type=REFUND')
        .set(bearer(u))
        .expect(200);
      expect(refunds.body.data).toEqual([
        expect.objectContaining({ type: 'REFUND', amount: 20_000, status: 'COMPLETED' }),
      ]);
    });

    it('should accept exactly 7 of 50 concurrent withdrawals against a balance for 7', async () => {
      const u = await registerUser(t.url, 'WORKER');
      await fundWallet(t, u, 7 * 10_000 + 9_999);
      const pm = await account(u);
      await sandboxControls(t.url, { holdWebhooks: true });
      const results = await Promise.all(Array.from({ length: 50 }, () => withdraw(u, 10_000, pm)));
      expect(results.filter((r) => r.status === 201)).toHaveLength(7);
      expect(
        results.filter((r) => r.status === 409).map((r) => (r.body as { code: string }).code),
      ).toEqual(Array(43).fill('INSUFFICIENT_FUNDS'));
      expect(await walletOf(t.url, u)).toMatchObject({
        balance: 79_999,
        reserved: 70_000,
        available: 9_999,
      });
    });

    it('should let exactly one of a concurrent admin approve and reject win', async () => {
      const u = await registerUser(t.url, 'WORKER');
      await fundWallet(t, u, 30_000);
      const pm = await account(u);
      await sandboxControls(t.url, { holdWebhooks: true });
      const body = (await withdraw(u, 10_000, pm).expect(201)).body as WithdrawBody;
      const queue = await request(t.url)
        .get('/api/admin/withdrawals')
        .set(bearer(admin))
        .expect(200);
      expect((queue.body as { data: Array<{ id: string }> }).data.map((w) => w.id)).toContain(
        body.transaction.id,
      );
      for (const who of [u, await registerUser(t.url, 'CLIENT')])
        await request(t.url).get('/api/admin/withdrawals').set(bearer(who)).expect(403);
      const [a, r] = await Promise.all([
        request(t.url)
          .post(`/api/admin/withdrawals/${body.transaction.id}/approve`)
          .set(bearer(admin))
          .send({ reference: 'MANUAL-1' }),
        request(t.url)
          .post(`/api/admin/withdrawals/${body.transaction.id}/reject`)
          .set(bearer(admin))
          .send({ reason: 'suspicious' }),
      ]);
      expect([a.status, r.status].sort()).toEqual([200, 409]);
      const w = await walletOf(t.url, u);
      if (a.status === 200) expect(w).toMatchObject({ balance: 20_000, reserved: 0 });
      else expect(w).toMatchObject({ balance: 30_000, reserved: 0 });
      const audit = await request(t.url)
        .get(`/api/admin/audit-log?targetId=${body.transaction.id}`)
        .set(bearer(admin))
        .expect(200);
      expect(audit.body.data).toHaveLength(1);
    });

    it('should refuse bad input, unknown or unverified accounts, and amounts over the balance', async () => {
      const u = await registerUser(t.url, 'WORKER');
      await fundWallet(t, u, 20_000);
      const pm = await account(u);
      for (const body of [
        { amount: 9_999, paymentMethodId: pm },
        { amount: 10_000.5, paymentMethodId: pm },
        { amount: '10000', paymentMethodId: pm },
        { amount: 10_000 },
        { amount: 10_000, paymentMethodId: 'x' },
      ])
        await request(t.url).post('/api/wallet/withdraw').set(bearer(u)).send(body).expect(400);
      const other = await registerUser(t.url, 'WORKER');
      const theirs = await account(other);
      const notMine = await withdraw(u, 10_000, theirs).expect(404);
      expect(notMine.body.code).toBe('PAYMENT_METHOD_NOT_FOUND');
      const tooMuch = await withdraw(u, 20_001, pm).expect(409);
      expect(tooMuch.body.code).toBe('INSUFFICIENT_FUNDS');
      expect(await walletOf(t.url, u)).toMatchObject({ balance: 20_000, available: 20_000 });
    });
    it('should never re-send a payout whose outcome is unknown, and leave it to an admin', async () => {
      const u = await registerUser(t.url, 'WORKER');
      await fundWallet(t, u, 30_000);
      const pm = await account(u);
      const adapter =
        provider === 'paymongo' ? t.app.get(PaymongoProvider) : t.app.get(XenditProvider);
      const original = adapter.createPayout.bind(adapter);
      let calls = 0;
      // The request reached the gateway but the answer was lost (a timeout after sending).
      adapter.createPayout = async () => {
        calls++;
        throw new ProviderError(provider, 'ambiguous', null, `${provider} timed out`);
      };
      try {
        const body = (await withdraw(u, 10_000, pm).expect(201)).body as WithdrawBody;
        expect(body.payout).toBe('unknown');
        await t.app.get(WithdrawalsService).pollPayouts();
        await t.app.get(WithdrawalsService).pollPayouts();
        expect(calls).toBe(1);
        expect(await walletOf(t.url, u)).toMatchObject({
          balance: 30_000,
          reserved: 10_000,
          available: 20_000,
        });
        const queue = await request(t.url)
          .get('/api/admin/withdrawals')
          .set(bearer(admin))
          .expect(200);
        expect(queue.body).toEqual({
          data: expect.arrayContaining([
            expect.objectContaining({ id: body.transaction.id, payoutState: 'unknown' }),
          ]) as unknown,
          nextCursor: null,
        });
        await request(t.url)
          .post(`/api/admin/withdrawals/${body.transaction.id}/approve`)
          .set(bearer(admin))
          .send({ reference: 'CONFIRMED-WITH-GATEWAY' })
          .expect(200);
        expect(calls).toBe(1);
        expect(await walletOf(t.url, u)).toMatchObject({ balance: 20_000, reserved: 0 });
      } finally {
        adapter.createPayout = original;
      }
    });
    it('should enforce the daily limits from platform settings, and keep the payout account while pending', async () => {
      const u = await registerUser(t.url, 'WORKER');
      await fundWallet(t, u, 100_000);
      const pm = await account(u);
      await sandboxControls(t.url, { holdWebhooks: true });
      await request(t.url)
        .put('/api/admin/settings')
        .set(bearer(admin))
        .send({ withdrawalDailyMaxCount: 2 })
        .expect(200);
      try {
        await withdraw(u, 10_000, pm).expect(201);
        await withdraw(u, 10_000, pm).expect(201);
        const third = await withdraw(u, 10_000, pm).expect(409);
        expect(third.body.code).toBe('WITHDRAWAL_LIMIT_EXCEEDED');
      } finally {
        await request(t.url)
          .put('/api/admin/settings')
          .set(bearer(admin))
          .send({ withdrawalDailyMaxCount: 10 })
          .expect(200);
      }
      expect(await walletOf(t.url, u)).toMatchObject({
        balance: 100_000,
        reserved: 20_000,
        available: 80_000,
      });
      const del = await request(t.url)
        .delete(`/api/payment-methods/${pm}`)
        .set(bearer(u))
        .expect(409);
      expect(del.body.code).toEqual(expect.any(String));
    });
  },
);
