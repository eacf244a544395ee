import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import request from 'supertest';
import { idempotencyContext } from 'src/common/idempotency/idempotency-context';
import { JobWalletDownpayment } from 'src/modules/jobs/job-wallet-downpayment';
import type { Job } from 'src/modules/jobs/job.model';
import { bearer, registerUser, TestUser } from '../support/auth-helpers';
import { createJob, JobBody } from '../support/job-helpers';
import { fundWallet } from '../support/ledger-helpers';
import { walletOf } from '../support/payment-helpers';
import { createTestApp, TestApp } from '../support/test-app';

/**
 * The wallet downpayment as one statement (ADR 0128): the same effects and refusals as the
 * transactional path, exactly once per Idempotency-Key, and no more round trips than designed.
 */
describe('Wallet downpayment in one statement (e2e)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  /** A client with ₱2,000.00, a worker, and a ₱1,000.00 job (downpayment 50,000 + fee 10,000). */
  const setup = async (funds = 200_000) => {
    const [client, worker] = await Promise.all([
      registerUser(t.url, 'CLIENT'),
      registerUser(t.url, 'WORKER'),
    ]);
    await fundWallet(t, client, funds);
    const job = await createJob(t.url, client, worker, 100_000);
    return { client, worker, job };
  };
  const pay = (client: TestUser, jobId: string, key?: string) => {
    const req = request(t.url).post(`/api/jobs/${jobId}/downpayment`).set(bearer(client));
    return (key ? req.set('Idempotency-Key', key) : req).send({ method: 'WALLET' });
  };
  const count = async (sql: string, params: unknown[]) =>
    Number((await t.db.query<Array<{ n: string }>>(sql, params))[0].n);
  /** Everything a downpayment writes, counted. */
  const effects = async (job: JobBody) => ({
    entries: await count(`SELECT count(*) AS n FROM ledger_entries WHERE entry_id = $1`, [
      `job:${job.id}:downpayment`,
    ]),
    rows: await count(`SELECT count(*) AS n FROM transactions WHERE job_id = $1`, [job.id]),
    events: await count(
      `SELECT count(*) AS n FROM job_events WHERE job_id = $1 AND type = 'DOWNPAYMENT_PAID'`,
      [job.id],
    ),
    rejections: await count(`SELECT count(*) AS n FROM ledger_rejections WHERE entry_id = $1`, [
      `job:${job.id}:downpayment`,
    ]),
  });
  const PAID = { entries: 1, rows: 2, events: 1, rejections: 0 };
  const NOTHING = { entries: 0, rows: 0, events: 0, rejections: 0 };

  it('should answer one Idempotency-Key sent many times with one effect and the same body', async () => {
    const { client, job } = await setup();
    const key = `dp-${randomUUID()}`;
    const first = await pay(client, job.id, key).expect(200);
    expect(first.body.job).toMatchObject({ status: 'IN_PROGRESS', downpaymentMethod: 'WALLET' });
    for (let i = 0; i < 4; i++) {
      const again = await pay(client, job.id, key).expect(200);
      expect(again.headers['idempotent-replayed']).toBe('true');
      expect(again.text).toBe(first.text);
    }
    expect(await effects(job)).toEqual(PAID);
    expect((await walletOf(t.url, client)).available).toBe(200_000 - 60_000);
  });

  it('should answer with the committed job when the attempt that paid never answered', async () => {
    const { client, job } = await setup();
    const key = `dp-${randomUUID()}`;
    const first = await pay(client, job.id, key).expect(200);
    // As after a crash between the commit and the stored answer: the key holds the effect only.
    await t.db.query(
      `UPDATE idempotency_keys SET status = 'IN_PROGRESS', response_status = NULL,
              response_body = NULL, response_content_type = NULL, completed_at = NULL,
              locked_until = now() - interval '1 second'
        WHERE key = $1`,
      [key],
    );
    const retried = await pay(client, job.id, key).expect(200);
    expect(retried.body.job).toEqual(first.body.job);
    expect(await effects(job)).toEqual(PAID);
  });

  it('should apply once when attempts of one keyed request reach the statement together', async () => {
    const { client, job } = await setup();
    // A key as the interceptor claims it; several attempts run under it at once (a lease taken over
    // while the first attempt still runs): whichever reads after the commit, or locks the key after
    // it, gets the committed job back.
    const [{ id: keyId }] = await t.db.query<Array<{ id: string }>>(
      `INSERT INTO idempotency_keys (scope, route, key, fingerprint, status, locked_until, expires_at)
       VALUES ($1, 'POST /api/jobs/:id/downpayment', $2, 'x', 'IN_PROGRESS', now(), now() + interval '1 day')
       RETURNING id`,
      [`user:${client.id}`, `dp-${randomUUID()}`],
    );
    const svc = t.app.get(JobWalletDownpayment);
    const results = await Promise.all(
      Array.from({ length: 4 }, () =>
        idempotencyContext.run({ keyId }, () => svc.pay(job.id, (view) => view.job as Job)),
      ),
    );
    expect(results.map((j) => [j.id, j.status])).toEqual(Array(4).fill([job.id, 'IN_PROGRESS']));
    expect(new Set(results.map((j) => j.downpaymentTransactionId)).size).toBe(1);
    expect(await effects(job)).toEqual(PAID);
    const [key] = await t.db.query<Array<{ effects: Record<string, unknown> }>>(
      `SELECT effects FROM idempotency_keys WHERE id = $1`,
      [keyId],
    );
    expect(key.effects).toEqual({ 'job.downpayment': job.id });
  });

  it('should let exactly one of many parallel downpayments of one job through, to the centavo', async () => {
    const { client, worker, job } = await setup(1_000_000);
    const replies = await Promise.all([
      ...Array.from({ length: 8 }, () => pay(client, job.id, `dp-${randomUUID()}`)),
      ...Array.from({ length: 4 }, () => pay(client, job.id)),
    ]);
    expect(replies.filter((r) => r.status === 200)).toHaveLength(1);
    expect(
      replies
        .filter((r) => r.status !== 200)
        .map((r) => [r.status, (r.body as { code: string }).code]),
    ).toEqual(Array(11).fill([409, 'INVALID_JOB_TRANSITION']));
    expect(await effects(job)).toEqual(PAID);
    expect((await walletOf(t.url, client)).available).toBe(1_000_000 - 60_000);
    expect((await walletOf(t.url, worker)).available).toBe(0);
    const [escrow] = await t.db.query<Array<{ posted: string }>>(
      `SELECT b.posted FROM ledger_accounts a JOIN ledger_balances b ON b.account_id = a.id
        WHERE a.code = $1`,
      [`escrow:${job.id}`],
    );
    expect(Number(escrow.posted)).toBe(60_000);
    const rows = await t.db.query<Array<{ type: string; amount: string; status: string }>>(
      `SELECT type, amount, status FROM transactions WHERE job_id = $1 ORDER BY type`,
      [job.id],
    );
    expect(rows.map((r) => [r.type, Number(r.amount), r.status])).toEqual([
      ['FEE', 10_000, 'COMPLETED'],
      ['PAYMENT', 50_000, 'COMPLETED'],
    ]);
  });

  it('should refuse as before: unknown, not uuid, not the client, cancelled, short of funds', async () => {
    const { client, worker, job } = await setup(59_999);
    const stranger = await registerUser(t.url, 'CLIENT');
    expect((await pay(client, 'not-a-uuid').expect(404)).body.code).toBe('JOB_NOT_FOUND');
    expect((await pay(client, randomUUID()).expect(404)).body.code).toBe('JOB_NOT_FOUND');
    expect((await pay(stranger, job.id).expect(404)).body.code).toBe('JOB_NOT_FOUND');
    expect((await pay(worker, job.id).expect(403)).body.code).toBe('NOT_JOB_CLIENT');
    const poor = await pay(client, job.id, `dp-${randomUUID()}`).expect(409);
    expect(poor.body).toMatchObject({
      code: 'INSUFFICIENT_FUNDS',
      message: 'Not enough available balance for this payment',
    });
    // The ledger's refusal is rolled back with the statement: a top-up lets the same entry through.
    expect(await effects(job)).toEqual(NOTHING);

    const other = await createJob(t.url, client, worker, 10_000);
    await request(t.url)
      .post(`/api/jobs/${other.id}/cancel`)
      .set(bearer(client))
      .send({ reason: 'changed my mind' })
      .expect(200);
    const cancelled = await pay(client, other.id).expect(409);
    expect(cancelled.body).toMatchObject({
      code: 'INVALID_JOB_TRANSITION',
      message: 'A job that is CANCELLED cannot become IN_PROGRESS',
    });
    await fundWallet(t, client, 1);
    await pay(client, job.id).expect(200);
    expect(await effects(job)).toEqual(PAID);
    expect((await walletOf(t.url, client)).available).toBe(0);
  });

  it('should write nothing when the job differs under the lock from what the rules saw, and ask the rules again', async () => {
    const { client, job } = await setup();
    const svc = t.app.get(JobWalletDownpayment);
    // Amounts that are not the job's: refused under the lock every time → 409 JOB_CHANGED, no money.
    await expect(
      svc.pay(job.id, (view) => ({ ...(view.job as Job), platformFee: 1 })),
    ).rejects.toMatchObject({ code: 'JOB_CHANGED' });
    expect(await effects(job)).toEqual(NOTHING);
    // Stale once (a checkout link the job does not have), then as read: the second decision pays.
    let asked = 0;
    const paid = await svc.pay(job.id, (view) => {
      asked++;
      const seen = view.job as Job;
      return asked === 1 ? { ...seen, downpaymentTransactionId: randomUUID() } : seen;
    });
    expect([asked, paid.status]).toEqual([2, 'IN_PROGRESS']);
    expect(await effects(job)).toEqual(PAID);
    expect((await walletOf(t.url, client)).available).toBe(200_000 - 60_000);
  });

  it('should take 4 statements before the answer: key insert, job read, the downpayment, key answer', async () => {
    const { client, job } = await setup();
    await walletOf(t.url, client); // the session check is cached from here on
    const sent: string[] = [];
    const proto = Client.prototype as unknown as { query: (...args: unknown[]) => unknown };
    const original = proto.query;
    proto.query = function (this: unknown, ...args: unknown[]): unknown {
      const q = args[0] as string | { text?: string } | undefined;
      sent.push((typeof q === 'string' ? q : (q?.text ?? '?')).replace(/\s+/g, ' ').trim());
      return original.apply(this, args);
    };
    try {
      await pay(client, job.id, `dp-${randomUUID()}`).expect(200);
    } finally {
      proto.query = original;
    }
    // The wallet push reads the balances after the commit, not awaited: it may or may not be seen.
    const beforeAnswer = sent.filter(
      (s) => !s.includes('FROM ledger_accounts a JOIN ledger_balances'),
    );
    expect(beforeAnswer.map((s) => s.slice(0, 40))).toEqual([
      'INSERT INTO idempotency_keys (scope, rou',
      'SELECT j.*, EXISTS (SELECT 1 FROM transa',
      'SELECT r.o_replayed AS replayed, (r.o_jo',
      "UPDATE idempotency_keys SET status = 'CO",
    ]);
  });
});
