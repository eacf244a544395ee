import request from 'supertest';
import { LedgerService } from 'src/modules/ledger/ledger.service';
import { bearer, registerUser, TestUser } from '../support/auth-helpers';
import { createJob } from '../support/job-helpers';
import { sandboxAct, sandboxControls } from '../support/sandbox-helpers';
import { createTestApp, TestApp } from '../support/test-app';

interface PayBody {
  job: { id: string; status: string; approvedAt: string | null };
  checkout: { checkoutUrl: string; checkoutId: string; provider: string; transactionId: string };
}

describe.each(['paymongo', 'xendit'] as const)(
  'Jobs and escrow, GCASH path through the %s sandbox (e2e)',
  (provider) => {
    let t: TestApp;
    const clearing = `gateway:${provider}:clearing`;
    let ledger: LedgerService;

    beforeAll(async () => {
      t = await createTestApp({ env: { PAYMENT_PROVIDER: provider } });
      ledger = t.app.get(LedgerService);
    });
    afterAll(async () => {
      await t.close();
      delete process.env.PAYMENT_PROVIDER;
    });
    beforeEach(async () => {
      await request(t.url).post('/sandbox/_control/reset').expect(200);
      await sandboxControls(t.url, { retryBaseMs: 20, maxAttempts: 3 });
    });

    const parties = async () => {
      const [client, worker] = await Promise.all([
        registerUser(t.url, 'CLIENT'),
        registerUser(t.url, 'WORKER'),
      ]);
      return { client, worker };
    };
    const posted = async (account: string) => (await ledger.balance(account)).posted;
    const pay = (
      u: TestUser,
      jobId: string,
      step: 'downpayment' | 'approve-completion',
      method = 'GCASH',
    ) => request(t.url).post(`/api/jobs/${jobId}/${step}`).set(bearer(u)).send({ method });
    const jobOf = async (u: TestUser, id: string) =>
      (await request(t.url).get(`/api/jobs/${id}`).set(bearer(u)).expect(200)).body as {
        status: string;
        earningsReleaseAt: string | null;
      };
    const txn = async (u: TestUser, id: string) =>
      (await request(t.url).get(`/api/wallet/transactions/${id}`).set(bearer(u)).expect(200))
        .body as {
        status: string;
        amount: number;
        type: string;
      };

    it('should fund escrow from the paid webhooks exactly once, settle on the remaining payment, exact at every step', async () => {
      const { client, worker } = await parties();
      const job = await createJob(t.url, client, worker, 100_001);
      const fees0 = await posted('platform:fees');
      const clearing0 = await posted(clearing);

      const dp = (await pay(client, job.id, 'downpayment').expect(200)).body as PayBody;
      expect(dp.job.status).toBe('AWAITING_DOWNPAYMENT');
      expect(dp.checkout).toMatchObject({ provider, checkoutUrl: expect.any(String) });
      expect(await txn(client, dp.checkout.transactionId)).toMatchObject({
        type: 'PAYMENT',
        status: 'PENDING',
        amount: 60_000,
      });
      // Asking again while the checkout is open returns the same checkout; WALLET is refused.
      const again = (await pay(client, job.id, 'downpayment').expect(200)).body as PayBody;
      expect(again.checkout.checkoutId).toBe(dp.checkout.checkoutId);
      const wallet = await pay(client, job.id, 'downpayment', 'WALLET').expect(409);
      expect(wallet.body.code).toBe('PAYMENT_IN_PROGRESS');
      expect(await posted(`escrow:${job.id}`)).toBe(0);

      await sandboxControls(t.url, { duplicates: 10 });
      const deliveries = await sandboxAct(t.url, dp.checkout.checkoutId, 'pay');
      expect(deliveries.every((d) => d.state === 'delivered')).toBe(true);
      expect((await jobOf(client, job.id)).status).toBe('IN_PROGRESS');
      expect(await posted(`escrow:${job.id}`)).toBe(60_000);
      expect(await posted(clearing)).toBe(clearing0 - 60_000);
      expect(await txn(client, dp.checkout.transactionId)).toMatchObject({ status: 'COMPLETED' });

      await request(t.url).post(`/api/jobs/${job.id}/complete`).set(bearer(worker)).expect(200);
      const approvals = await Promise.all([
        pay(client, job.id, 'approve-completion'),
        pay(client, job.id, 'approve-completion'),
        pay(client, job.id, 'approve-completion'),
      ]);
      const ok = approvals.filter((r) => r.status === 200).map((r) => r.body as PayBody);
      expect(ok.length).toBeGreaterThanOrEqual(1);
      expect(new Set(ok.map((b) => b.checkout.checkoutId)).size).toBe(1);
      expect(
        approvals.every((r) => r.status === 200 || r.body.code === 'PAYMENT_IN_PROGRESS'),
      ).toBe(true);
      const rem = ok[0];
      expect(rem.job).toMatchObject({
        status: 'AWAITING_APPROVAL',
        approvedAt: expect.any(String),
      });
      expect(await txn(client, rem.checkout.transactionId)).toMatchObject({ amount: 50_001 });

      await sandboxAct(t.url, rem.checkout.checkoutId, 'pay');
      const done = await jobOf(client, job.id);
      expect(done.status).toBe('COMPLETED');
      expect(done.earningsReleaseAt).toEqual(expect.any(String));
      expect(await posted(`escrow:${job.id}`)).toBe(0);
      expect(await posted(`wallet:${worker.id}:pending`)).toBe(100_001);
      expect(await posted('platform:fees')).toBe(fees0 + 10_000);
      expect(await posted(clearing)).toBe(clearing0 - 110_001);
      expect(await posted(`wallet:${client.id}:available`)).toBe(0);

      // A late duplicate delivery of the same payment moves nothing.
      await sandboxAct(t.url, rem.checkout.checkoutId, 'pay').catch(() => []);
      expect(await posted(`wallet:${worker.id}:pending`)).toBe(100_001);
      const timeline = await request(t.url)
        .get(`/api/jobs/${job.id}/payment-timeline`)
        .set(bearer(worker))
        .expect(200);
      expect(
        (timeline.body as { events: Array<{ type: string }> }).events.map((e) => e.type),
      ).toEqual([
        'JOB_CREATED',
        'DOWNPAYMENT_PAID',
        'WORK_COMPLETED',
        'COMPLETION_APPROVED',
        'REMAINING_PAID',
        'EARNINGS_PENDING',
        'EARNINGS_RELEASE_SCHEDULED',
      ]);
    });

    it('should leave the job waiting after a failed attempt and fund escrow when the customer then pays', async () => {
      const { client, worker } = await parties();
      const job = await createJob(t.url, client, worker, 10_000);
      const first = (await pay(client, job.id, 'downpayment').expect(200)).body as PayBody;
      await sandboxAct(t.url, first.checkout.checkoutId, 'fail');
      // A failed attempt does not close the checkout (PayMongo keeps the session, Xendit the invoice).
      expect((await txn(client, first.checkout.transactionId)).status).toBe('PENDING');
      expect((await jobOf(client, job.id)).status).toBe('AWAITING_DOWNPAYMENT');
      const again = (await pay(client, job.id, 'downpayment').expect(200)).body as PayBody;
      expect(again.checkout.checkoutId).toBe(first.checkout.checkoutId);
      await sandboxAct(t.url, first.checkout.checkoutId, 'pay');
      expect((await jobOf(client, job.id)).status).toBe('IN_PROGRESS');
      expect(await posted(`escrow:${job.id}`)).toBe(6_000);
    });

    it('should close an open downpayment checkout when the job is cancelled, moving nothing', async () => {
      const { client, worker } = await parties();
      const job = await createJob(t.url, client, worker, 10_000);
      const dp = (await pay(client, job.id, 'downpayment').expect(200)).body as PayBody;
      await request(t.url)
        .post(`/api/jobs/${job.id}/cancel`)
        .set(bearer(client))
        .send({ reason: 'found someone else' })
        .expect(200);
      expect((await txn(client, dp.checkout.transactionId)).status).toBe('CANCELLED');
      // Expired at the gateway: the customer can no longer pay it.
      await request(t.url)
        .post(`/sandbox/_control/checkouts/${dp.checkout.checkoutId}/pay`)
        .send({})
        .expect((res) => expect(res.status).not.toBe(200));
      expect(await posted(`escrow:${job.id}`)).toBe(0);
    });

    it('should refund the downpayment paid by GCASH to the wallet on cancel, fee kept', async () => {
      const { client, worker } = await parties();
      const job = await createJob(t.url, client, worker, 20_000);
      const fees0 = await posted('platform:fees');
      const dp = (await pay(client, job.id, 'downpayment').expect(200)).body as PayBody;
      await sandboxAct(t.url, dp.checkout.checkoutId, 'pay');
      await request(t.url)
        .post(`/api/jobs/${job.id}/cancel`)
        .set(bearer(worker))
        .send({ reason: 'sick' })
        .expect(200);
      expect(await posted(`wallet:${client.id}:available`)).toBe(10_000);
      expect(await posted('platform:fees')).toBe(fees0 + 2_000);
      expect(await posted(`escrow:${job.id}`)).toBe(0);
    });
  },
);
