import request from 'supertest';
import { LedgerService } from 'src/modules/ledger/ledger.service';
import { JobEarningsService } from 'src/modules/jobs/job-earnings.service';
import { createAdmin } from '../support/admin-helpers';
import { bearer, registerUser, TestUser } from '../support/auth-helpers';
import { createJob, JobBody } from '../support/job-helpers';
import { connectSocket, nextEvent } from '../support/socket-helpers';
import { fundWallet } from '../support/ledger-helpers';
import { walletOf } from '../support/payment-helpers';
import { createTestApp, TestApp } from '../support/test-app';

interface Balances {
  clientAvailable: number;
  escrow: number;
  workerPending: number;
  workerAvailable: number;
  fees: number;
}

describe('Jobs and escrow, WALLET path (e2e)', () => {
  let t: TestApp;
  let admin: TestUser;
  let ledger: LedgerService;
  let feesAtStart = 0;

  beforeAll(async () => {
    t = await createTestApp();
    ledger = t.app.get(LedgerService);
    admin = await createAdmin(t);
  });
  afterAll(async () => {
    await t.close();
  });

  const balances = async (client: TestUser, worker: TestUser, jobId: string): Promise<Balances> => {
    const [c, w, escrow, fees] = await Promise.all([
      walletOf(t.url, client),
      walletOf(t.url, worker),
      ledger.balance(`escrow:${jobId}`),
      ledger.balance('platform:fees'),
    ]);
    return {
      clientAvailable: c.available,
      escrow: escrow.posted,
      workerPending: w.pendingEarnings,
      workerAvailable: w.available,
      fees: fees.posted - feesAtStart,
    };
  };

  const parties = async () => {
    const [client, worker] = await Promise.all([
      registerUser(t.url, 'CLIENT'),
      registerUser(t.url, 'WORKER'),
    ]);
    feesAtStart = (await ledger.balance('platform:fees')).posted;
    return { client, worker };
  };

  const pay = (u: TestUser, jobId: string, step: 'downpayment' | 'approve-completion') =>
    request(t.url).post(`/api/jobs/${jobId}/${step}`).set(bearer(u)).send({ method: 'WALLET' });

  const setBufferDays = (days: number) =>
    request(t.url)
      .put('/api/admin/settings')
      .set(bearer(admin))
      .send({ paymentBufferDays: days })
      .expect(200);

  it('should move exact amounts at every step: downpayment, approval, pending, release', async () => {
    const { client, worker } = await parties();
    await fundWallet(t, client, 200_000);
    const job = await createJob(t.url, client, worker, 100_001);
    expect(job).toMatchObject({
      platformFee: 10_000,
      downpaymentAmount: 50_000,
      remainingAmount: 50_001,
    });
    expect(await balances(client, worker, job.id)).toEqual({
      clientAvailable: 200_000,
      escrow: 0,
      workerPending: 0,
      workerAvailable: 0,
      fees: 0,
    });

    const dp = await pay(client, job.id, 'downpayment').expect(200);
    expect(dp.body.job).toMatchObject({ status: 'IN_PROGRESS', downpaymentMethod: 'WALLET' });
    expect(await balances(client, worker, job.id)).toEqual({
      clientAvailable: 140_000,
      escrow: 60_000,
      workerPending: 0,
      workerAvailable: 0,
      fees: 0,
    });

    await request(t.url).post(`/api/jobs/${job.id}/complete`).set(bearer(worker)).expect(200);
    expect((await balances(client, worker, job.id)).escrow).toBe(60_000);

    const socket = await connectSocket(t.url, { token: worker.accessToken });
    const pushed = nextEvent<{ pendingEarnings: number }>(socket, 'wallet.updated');
    const before = Date.now();
    const ok = await pay(client, job.id, 'approve-completion').expect(200);
    // The worker is told after commit: the earnings are pending, not yet in the balance.
    expect(await pushed).toEqual({
      balance: 0,
      reserved: 0,
      available: 0,
      pendingEarnings: 100_001,
    });
    socket.close();
    expect(ok.body.job).toMatchObject({ status: 'COMPLETED', remainingMethod: 'WALLET' });
    const releaseAt = new Date(ok.body.job.earningsReleaseAt as string).getTime();
    expect(releaseAt).toBeGreaterThanOrEqual(before + 7 * 86_400_000 - 1000);
    expect(releaseAt).toBeLessThanOrEqual(Date.now() + 7 * 86_400_000 + 1000);
    expect(await balances(client, worker, job.id)).toEqual({
      clientAvailable: 89_999,
      escrow: 0,
      workerPending: 100_001,
      workerAvailable: 0,
      fees: 10_000,
    });

    const pending = await request(t.url)
      .get('/api/wallet/pending-earnings')
      .set(bearer(worker))
      .expect(200);
    expect(pending.body.items).toEqual([
      expect.objectContaining({
        jobId: job.id,
        amount: 100_001,
        releaseAt: ok.body.job.earningsReleaseAt,
      }),
    ]);

    // Not due yet: the scheduled release leaves it alone.
    const early = await t.app.get(JobEarningsService).releaseDue();
    expect(early.released).toBe(0);
    expect((await balances(client, worker, job.id)).workerPending).toBe(100_001);

    // Past its date: released once.
    await t.db.query(
      `UPDATE jobs SET earnings_release_at = now() - interval '1 minute' WHERE id = $1`,
      [job.id],
    );
    const run = await t.app.get(JobEarningsService).releaseDue();
    expect(run).toMatchObject({ released: 1, failed: 0 });
    expect(await balances(client, worker, job.id)).toEqual({
      clientAvailable: 89_999,
      escrow: 0,
      workerPending: 0,
      workerAvailable: 100_001,
      fees: 10_000,
    });

    const timeline = await request(t.url)
      .get(`/api/jobs/${job.id}/payment-timeline`)
      .set(bearer(client))
      .expect(200);
    expect(
      (timeline.body as { events: Array<{ type: string; amount?: number }> }).events.map((e) => [
        e.type,
        e.amount,
      ]),
    ).toEqual([
      ['JOB_CREATED', 100_001],
      ['DOWNPAYMENT_PAID', 60_000],
      ['WORK_COMPLETED', undefined],
      ['COMPLETION_APPROVED', undefined],
      ['REMAINING_PAID', 50_001],
      ['EARNINGS_PENDING', 100_001],
      ['EARNINGS_RELEASED', 100_001],
    ]);
  });
  /** A job with the downpayment paid and the work reported done. */
  const jobAwaitingApproval = async (client: TestUser, worker: TestUser, budget = 100_001) => {
    const job = await createJob(t.url, client, worker, budget);
    await pay(client, job.id, 'downpayment').expect(200);
    await request(t.url).post(`/api/jobs/${job.id}/complete`).set(bearer(worker)).expect(200);
    return job;
  };

  it('should refuse a downpayment without enough funds (409, nothing moved), then accept it after a top-up', async () => {
    const { client, worker } = await parties();
    await fundWallet(t, client, 59_999);
    const job = await createJob(t.url, client, worker, 100_000);
    const res = await pay(client, job.id, 'downpayment').expect(409);
    expect(res.body.code).toBe('INSUFFICIENT_FUNDS');
    expect(await balances(client, worker, job.id)).toEqual({
      clientAvailable: 59_999,
      escrow: 0,
      workerPending: 0,
      workerAvailable: 0,
      fees: 0,
    });
    const after = await request(t.url).get(`/api/jobs/${job.id}`).set(bearer(client)).expect(200);
    expect(after.body.status).toBe('AWAITING_DOWNPAYMENT');
    await fundWallet(t, client, 1);
    await pay(client, job.id, 'downpayment').expect(200);
    expect(await balances(client, worker, job.id)).toMatchObject({
      clientAvailable: 0,
      escrow: 60_000,
    });
  });

  it('should refuse approval without funds for the remaining half (409), leaving escrow as it was', async () => {
    const { client, worker } = await parties();
    await fundWallet(t, client, 60_000 + 49_999);
    const job = await jobAwaitingApproval(client, worker, 100_000);
    const res = await pay(client, job.id, 'approve-completion').expect(409);
    expect(res.body.code).toBe('INSUFFICIENT_FUNDS');
    expect(await balances(client, worker, job.id)).toEqual({
      clientAvailable: 49_999,
      escrow: 60_000,
      workerPending: 0,
      workerAvailable: 0,
      fees: 0,
    });
    const after = await request(t.url).get(`/api/jobs/${job.id}`).set(bearer(client)).expect(200);
    expect(after.body).toMatchObject({ status: 'AWAITING_APPROVAL', approvedAt: null });
  });

  it('should charge once for many concurrent downpayments and many concurrent approvals', async () => {
    const { client, worker } = await parties();
    await fundWallet(t, client, 1_000_000);
    const job = await createJob(t.url, client, worker, 100_001);
    const dps = await Promise.all(
      Array.from({ length: 10 }, () => pay(client, job.id, 'downpayment')),
    );
    expect(dps.filter((r) => r.status === 200)).toHaveLength(1);
    expect(dps.filter((r) => r.status === 409)).toHaveLength(9);
    await request(t.url).post(`/api/jobs/${job.id}/complete`).set(bearer(worker)).expect(200);
    const approvals = await Promise.all(
      Array.from({ length: 10 }, () => pay(client, job.id, 'approve-completion')),
    );
    expect(approvals.filter((r) => r.status === 200)).toHaveLength(1);
    expect(
      approvals.filter((r) => r.status === 409).map((r) => (r.body as { code: string }).code),
    ).toEqual(Array(9).fill('INVALID_JOB_TRANSITION'));
    expect(await balances(client, worker, job.id)).toEqual({
      clientAvailable: 1_000_000 - 110_001,
      escrow: 0,
      workerPending: 100_001,
      workerAvailable: 0,
      fees: 10_000,
    });
    const txns = await request(t.url)
      .get('/api/wallet/transactions')
      .set(bearer(client))
      .expect(200);
    const mine = (
      txns.body.data as Array<{ type: string; amount: number; status: string; jobId: string }>
    )
      .filter((x) => x.jobId === job.id)
      .map((x) => [x.type, x.amount, x.status])
      .sort();
    expect(mine).toEqual([
      ['FEE', 10_000, 'COMPLETED'],
      ['PAYMENT', 50_000, 'COMPLETED'],
      ['PAYMENT', 50_001, 'COMPLETED'],
    ]);
  });

  it('should refund the downpayment and keep the fee on cancel before completion; refuse cancel after', async () => {
    const { client, worker } = await parties();
    await fundWallet(t, client, 300_000);
    const a = await createJob(t.url, client, worker, 100_001);
    await pay(client, a.id, 'downpayment').expect(200);
    const res = await request(t.url)
      .post(`/api/jobs/${a.id}/cancel`)
      .set(bearer(worker))
      .send({ reason: 'Cannot do it' })
      .expect(200);
    expect(res.body.status).toBe('CANCELLED');
    expect(await balances(client, worker, a.id)).toEqual({
      clientAvailable: 300_000 - 10_000,
      escrow: 0,
      workerPending: 0,
      workerAvailable: 0,
      fees: 10_000,
    });
    const refund = await request(t.url)
      .get('/api/wallet/transactions?type=REFUND')
      .set(bearer(client))
      .expect(200);
    expect(refund.body.data).toEqual([
      expect.objectContaining({ type: 'REFUND', amount: 50_000, status: 'COMPLETED', jobId: a.id }),
    ]);

    const b = await jobAwaitingApproval(client, worker, 20_000);
    await pay(client, b.id, 'approve-completion').expect(200);
    const snapshot = await balances(client, worker, b.id);
    const refused = await request(t.url)
      .post(`/api/jobs/${b.id}/cancel`)
      .set(bearer(client))
      .send({ reason: 'too late' })
      .expect(409);
    expect(refused.body.code).toBe('INVALID_JOB_TRANSITION');
    expect(await balances(client, worker, b.id)).toEqual(snapshot);
  });

  it('should release matured earnings exactly once when the release job runs twice concurrently', async () => {
    const { client, worker } = await parties();
    await fundWallet(t, client, 1_000_000);
    await setBufferDays(0);
    const jobs: JobBody[] = [];
    try {
      for (let i = 0; i < 3; i++) {
        const job = await jobAwaitingApproval(client, worker, 10_000 + i);
        await pay(client, job.id, 'approve-completion').expect(200);
        jobs.push(job);
      }
    } finally {
      await setBufferDays(7);
    }
    const svc = t.app.get(JobEarningsService);
    const runs = await Promise.all([svc.releaseDue(), svc.releaseDue(), svc.releaseDue()]);
    expect(runs.reduce((n, r) => n + r.released, 0)).toBe(3);
    expect(runs.reduce((n, r) => n + r.failed, 0)).toBe(0);
    const w = await walletOf(t.url, worker);
    expect(w).toMatchObject({ available: 30_003, pendingEarnings: 0 });
    // And through the scheduler (advisory lock), run twice at once: nothing left to release.
    const again = await Promise.all([
      request(t.url).post('/api/admin/scheduled-jobs/job-earnings-release/run').set(bearer(admin)),
      request(t.url).post('/api/admin/scheduled-jobs/job-earnings-release/run').set(bearer(admin)),
    ]);
    expect(again.map((r) => r.status)).toEqual([200, 200]);
    expect(await walletOf(t.url, worker)).toMatchObject({ available: 30_003, pendingEarnings: 0 });
    const [{ n }] = await t.db.query<Array<{ n: string }>>(
      `SELECT count(*) AS n FROM job_events WHERE type = 'EARNINGS_RELEASED' AND job_id = ANY($1)`,
      [jobs.map((j) => j.id)],
    );
    expect(n).toBe('3');
  });

  it('should not release a held job until an admin releases it (once, audited)', async () => {
    const { client, worker } = await parties();
    await fundWallet(t, client, 200_000);
    const job = await jobAwaitingApproval(client, worker, 50_000);
    await request(t.url)
      .post(`/api/admin/jobs/${job.id}/hold`)
      .set(bearer(admin))
      .send({ reason: 'client dispute' })
      .expect(200);
    await pay(client, job.id, 'approve-completion').expect(200);
    await t.db.query(
      `UPDATE jobs SET earnings_release_at = now() - interval '1 day' WHERE id = $1`,
      [job.id],
    );
    await t.app.get(JobEarningsService).releaseDue();
    expect(await walletOf(t.url, worker)).toMatchObject({ available: 0, pendingEarnings: 50_000 });

    for (const u of [client, worker])
      await request(t.url)
        .post(`/api/admin/jobs/${job.id}/release`)
        .set(bearer(u))
        .send({})
        .expect(403);
    const rel = await Promise.all([
      request(t.url)
        .post(`/api/admin/jobs/${job.id}/release`)
        .set(bearer(admin))
        .send({ reason: 'resolved' }),
      request(t.url)
        .post(`/api/admin/jobs/${job.id}/release`)
        .set(bearer(admin))
        .send({ reason: 'resolved' }),
    ]);
    expect(rel.map((r) => r.status).sort()).toEqual([200, 409]);
    expect(await walletOf(t.url, worker)).toMatchObject({ available: 50_000, pendingEarnings: 0 });
    const audit = await request(t.url)
      .get(`/api/admin/audit-log?action=job.earnings_release&targetId=${job.id}`)
      .set(bearer(admin))
      .expect(200);
    expect(audit.body.data).toHaveLength(1);
    expect(audit.body.data[0]).toMatchObject({ actorId: admin.id, metadata: { amount: 50_000 } });
  });

  it('should let an admin release before the date, and refuse release of a job with no earnings', async () => {
    const { client, worker } = await parties();
    await fundWallet(t, client, 200_000);
    const job = await jobAwaitingApproval(client, worker, 50_000);
    const early = await request(t.url)
      .post(`/api/admin/jobs/${job.id}/release`)
      .set(bearer(admin))
      .send({})
      .expect(409);
    expect(early.body.code).toBe('EARNINGS_NOT_PENDING');
    await pay(client, job.id, 'approve-completion').expect(200);
    await request(t.url)
      .post(`/api/admin/jobs/${job.id}/release`)
      .set(bearer(admin))
      .send({})
      .expect(200);
    expect(await walletOf(t.url, worker)).toMatchObject({ available: 50_000, pendingEarnings: 0 });
  });

  it('should enforce who may pay and validate the method', async () => {
    const { client, worker } = await parties();
    await fundWallet(t, client, 100_000);
    const job = await createJob(t.url, client, worker, 10_000);
    const stranger = await registerUser(t.url, 'CLIENT');
    await pay(stranger, job.id, 'downpayment').expect(404);
    const byWorker = await pay(worker, job.id, 'downpayment').expect(403);
    expect(byWorker.body.code).toBe('NOT_JOB_CLIENT');
    for (const body of [
      {},
      { method: 'CASH' },
      { method: 'wallet' },
      { method: 'WALLET', amount: 1 },
    ])
      await request(t.url)
        .post(`/api/jobs/${job.id}/downpayment`)
        .set(bearer(client))
        .send(body)
        .expect(400);
    await pay(client, '00000000-0000-4000-8000-000000000000', 'downpayment').expect(404);
    expect((await walletOf(t.url, client)).available).toBe(100_000);
  });
  it('should replay a retried downpayment with the same Idempotency-Key instead of charging again', async () => {
    const { client, worker } = await parties();
    await fundWallet(t, client, 100_000);
    const job = await createJob(t.url, client, worker, 50_000);
    const send = (key: string, body: object = { method: 'WALLET' }) =>
      request(t.url)
        .post(`/api/jobs/${job.id}/downpayment`)
        .set(bearer(client))
        .set('Idempotency-Key', key)
        .send(body);
    const first = await send('dp-1').expect(200);
    const again = await send('dp-1').expect(200);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.text).toBe(first.text);
    const other = await send('dp-1', { method: 'GCASH' }).expect(422);
    expect(other.body.code).toBe('IDEMPOTENCY_KEY_REUSED');
    const fresh = await send('dp-2').expect(409);
    expect(fresh.body.code).toBe('INVALID_JOB_TRANSITION');
    expect(await balances(client, worker, job.id)).toMatchObject({
      clientAvailable: 100_000 - 30_000,
      escrow: 30_000,
    });
  });
  it('should stay consistent when downpayment and cancel race (either refunded, or never charged)', async () => {
    const { client, worker } = await parties();
    await fundWallet(t, client, 1_000_000);
    for (let i = 0; i < 6; i++) {
      const job = await createJob(t.url, client, worker, 20_000);
      const before = (await walletOf(t.url, client)).available;
      const feesBefore = (await ledger.balance('platform:fees')).posted;
      const [dp, cancel] = await Promise.all([
        pay(client, job.id, 'downpayment'),
        request(t.url)
          .post(`/api/jobs/${job.id}/cancel`)
          .set(bearer(worker))
          .send({ reason: 'race' }),
      ]);
      expect(cancel.status).toBe(200);
      const after = (await walletOf(t.url, client)).available;
      const fees = (await ledger.balance('platform:fees')).posted - feesBefore;
      if (dp.status === 200) {
        // Paid first, then cancelled: downpayment back, fee kept.
        expect([after, fees]).toEqual([before - 2_000, 2_000]);
      } else {
        expect(dp.body.code).toBe('INVALID_JOB_TRANSITION');
        expect([after, fees]).toEqual([before, 0]);
      }
      expect((await ledger.balance(`escrow:${job.id}`)).posted).toBe(0);
    }
  });
});
