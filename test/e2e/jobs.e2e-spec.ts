import request from 'supertest';
import { createAdmin } from '../support/admin-helpers';
import { bearer, registerUser, TestUser } from '../support/auth-helpers';
import { createJob, JobBody } from '../support/job-helpers';
import { createTestApp, TestApp } from '../support/test-app';

const idsOf = (body: unknown) => (body as { data: JobBody[] }).data.map((j) => j.id);

describe('Jobs (e2e)', () => {
  let t: TestApp;
  let client: TestUser;
  let worker: TestUser;
  let agency: TestUser;
  let stranger: TestUser;
  let admin: TestUser;

  beforeAll(async () => {
    t = await createTestApp();
    [client, worker, agency, stranger] = await Promise.all([
      registerUser(t.url, 'CLIENT'),
      registerUser(t.url, 'WORKER'),
      registerUser(t.url, 'AGENCY'),
      registerUser(t.url, 'CLIENT'),
    ]);
    admin = await createAdmin(t);
  });
  afterAll(() => t.close());

  /** Puts a job in a status directly, for paths whose money steps are tested elsewhere. */
  const forceStatus = (id: string, status: string) =>
    t.db.query(`UPDATE jobs SET status = $2 WHERE id = $1`, [id, status]);

  describe('POST /api/jobs', () => {
    it('should create a job with amounts fixed at creation (odd centavo on the remaining half)', async () => {
      const res = await request(t.url)
        .post('/api/jobs')
        .set(bearer(client))
        .send({ title: '  Paint the fence ', budget: 150_001, workerId: worker.id })
        .expect(201);
      expect(res.body).toEqual(
        expect.objectContaining({
          id: expect.any(String),
          title: 'Paint the fence',
          status: 'AWAITING_DOWNPAYMENT',
          clientId: client.id,
          workerId: worker.id,
          currency: 'PHP',
          budget: 150_001,
          platformFee: 15_000,
          platformFeeBps: 1000,
          downpaymentAmount: 75_000,
          remainingAmount: 75_001,
          paymentBufferDays: 7,
          createdAt: expect.any(String),
        }),
      );
    });

    it('should accept an AGENCY as the worker', async () => {
      const job = await createJob(t.url, client, agency, 10_000);
      expect(job).toMatchObject({
        workerId: agency.id,
        platformFee: 1000,
        downpaymentAmount: 5000,
      });
    });

    it('should let only CLIENTs create jobs', async () => {
      await request(t.url)
        .post('/api/jobs')
        .send({ title: 'x', budget: 10_000, workerId: worker.id })
        .expect(401);
      for (const u of [worker, agency, admin]) {
        const res = await request(t.url)
          .post('/api/jobs')
          .set(bearer(u))
          .send({ title: 'x', budget: 10_000, workerId: worker.id })
          .expect(403);
        expect(res.body.code).toBe('FORBIDDEN');
      }
    });

    it('should refuse a workerId that is not a WORKER/AGENCY (400) or does not exist (404)', async () => {
      for (const who of [stranger, admin, client]) {
        const res = await request(t.url)
          .post('/api/jobs')
          .set(bearer(client))
          .send({ title: 'x', budget: 10_000, workerId: who.id })
          .expect(400);
        expect(res.body.code).toBe('INVALID_WORKER');
      }
      const missing = await request(t.url)
        .post('/api/jobs')
        .set(bearer(client))
        .send({ title: 'x', budget: 10_000, workerId: '00000000-0000-4000-8000-000000000000' })
        .expect(404);
      expect(missing.body.code).toBe('WORKER_NOT_FOUND');
    });

    it.each([
      ['a float budget', { budget: 10_000.5 }],
      ['a string budget', { budget: '10000' }],
      ['a negative budget', { budget: -10_000 }],
      ['a zero budget', { budget: 0 }],
      ['a budget under ₱100', { budget: 9_999 }],
      ['a budget over ₱100,000', { budget: 10_000_001 }],
      ['a huge budget', { budget: 1e12 }],
      ['an empty title', { title: '   ' }],
      ['a long title', { title: 'x'.repeat(201) }],
      ['a malformed workerId', { workerId: 'not-a-uuid' }],
      ['an unknown field', { status: 'COMPLETED' }],
    ])('should reject %s with 400 and create nothing', async (_, patch) => {
      const before = await t.db.query<Array<{ n: string }>>(`SELECT count(*) AS n FROM jobs`);
      const res = await request(t.url)
        .post('/api/jobs')
        .set(bearer(client))
        .send({ title: 'ok', budget: 10_000, workerId: worker.id, ...patch })
        .expect(400);
      expect(res.body.code).toBe('VALIDATION_FAILED');
      const after = await t.db.query<Array<{ n: string }>>(`SELECT count(*) AS n FROM jobs`);
      expect(after[0].n).toBe(before[0].n);
    });
  });

  describe('reads', () => {
    let c: TestUser;
    let w: TestUser;
    let jobs: JobBody[];

    beforeAll(async () => {
      [c, w] = await Promise.all([registerUser(t.url, 'CLIENT'), registerUser(t.url, 'WORKER')]);
      jobs = [];
      for (let i = 0; i < 5; i++) jobs.push(await createJob(t.url, c, w, 10_000 + i, `job ${i}`));
    });

    it('should show a job to both participants and 404 to anyone else', async () => {
      for (const u of [c, w]) {
        const res = await request(t.url).get(`/api/jobs/${jobs[0].id}`).set(bearer(u)).expect(200);
        expect(res.body).toEqual(jobs[0]);
      }
      for (const u of [stranger, admin, worker]) {
        const res = await request(t.url).get(`/api/jobs/${jobs[0].id}`).set(bearer(u)).expect(404);
        expect(res.body.code).toBe('JOB_NOT_FOUND');
      }
      await request(t.url).get('/api/jobs/not-a-uuid').set(bearer(c)).expect(404);
      await request(t.url).get(`/api/jobs/${jobs[0].id}`).expect(401);
    });

    it("should list the caller's jobs newest first, as client and as worker, with pagination", async () => {
      const ids = jobs.map((j) => j.id).reverse();
      for (const u of [c, w]) {
        const all = await request(t.url).get('/api/jobs').set(bearer(u)).expect(200);
        expect(idsOf(all.body)).toEqual(ids);
        expect(all.body.nextCursor).toBeNull();
      }
      const p1 = await request(t.url).get('/api/jobs?limit=2').set(bearer(c)).expect(200);
      expect(idsOf(p1.body)).toEqual(ids.slice(0, 2));
      const p2 = await request(t.url)
        .get(`/api/jobs?limit=2&cursor=${p1.body.nextCursor}`)
        .set(bearer(c))
        .expect(200);
      expect(idsOf(p2.body)).toEqual(ids.slice(2, 4));
      const p3 = await request(t.url)
        .get(`/api/jobs?limit=2&cursor=${p2.body.nextCursor}`)
        .set(bearer(c))
        .expect(200);
      expect(idsOf(p3.body)).toEqual(ids.slice(4));
      expect(p3.body.nextCursor).toBeNull();
      const other = await request(t.url).get('/api/jobs').set(bearer(stranger)).expect(200);
      expect(idsOf(other.body)).not.toContain(jobs[0].id);
    });

    it('should filter by status and reject an unknown status', async () => {
      await request(t.url)
        .post(`/api/jobs/${jobs[1].id}/cancel`)
        .set(bearer(c))
        .send({ reason: 'no longer needed' })
        .expect(200);
      const cancelled = await request(t.url)
        .get('/api/jobs?status=CANCELLED')
        .set(bearer(w))
        .expect(200);
      expect(idsOf(cancelled.body)).toEqual([jobs[1].id]);
      const waiting = await request(t.url)
        .get('/api/jobs?status=AWAITING_DOWNPAYMENT')
        .set(bearer(c))
        .expect(200);
      expect(waiting.body.data).toHaveLength(4);
      await request(t.url).get('/api/jobs?status=DONE').set(bearer(c)).expect(400);
      await request(t.url).get('/api/jobs?limit=0').set(bearer(c)).expect(400);
      await request(t.url).get('/api/jobs?cursor=abc').set(bearer(c)).expect(400);
    });
  });

  describe('job list cache', () => {
    it('should serve lists from the cache and show every change right after it commits', async () => {
      const [c, w] = await Promise.all([
        registerUser(t.url, 'CLIENT'),
        registerUser(t.url, 'WORKER'),
      ]);
      const a = await createJob(t.url, c, w, 10_000, 'first');
      const list = async (u: TestUser) =>
        (await request(t.url).get('/api/jobs').set(bearer(u)).expect(200)).body as {
          data: JobBody[];
        };
      expect((await list(c)).data.map((j) => j.title)).toEqual(['first']);
      expect((await list(w)).data.map((j) => j.title)).toEqual(['first']);
      // A write behind the service's back is invisible: the list is cached.
      await t.db.query(`UPDATE jobs SET title = 'edited behind the cache' WHERE id = $1`, [a.id]);
      expect((await list(c)).data.map((j) => j.title)).toEqual(['first']);
      // A change through the service invalidates both participants at once (read-after-write).
      const b = await createJob(t.url, c, w, 10_000, 'second');
      expect((await list(c)).data.map((j) => j.title)).toEqual([
        'second',
        'edited behind the cache',
      ]);
      expect((await list(w)).data.map((j) => j.title)).toEqual([
        'second',
        'edited behind the cache',
      ]);
      await request(t.url)
        .post(`/api/jobs/${b.id}/cancel`)
        .set(bearer(w))
        .send({ reason: 'x' })
        .expect(200);
      expect((await list(c)).data.map((j) => j.status)).toEqual([
        'CANCELLED',
        'AWAITING_DOWNPAYMENT',
      ]);
      const filtered = await request(t.url)
        .get('/api/jobs?status=CANCELLED')
        .set(bearer(w))
        .expect(200);
      expect(idsOf(filtered.body)).toEqual([b.id]);
    });
  });

  describe('status changes', () => {
    it('should let only the assigned worker report completion, and only while IN_PROGRESS', async () => {
      const job = await createJob(t.url, client, worker);
      const early = await request(t.url)
        .post(`/api/jobs/${job.id}/complete`)
        .set(bearer(worker))
        .expect(409);
      expect(early.body).toMatchObject({ code: 'INVALID_JOB_TRANSITION' });
      await forceStatus(job.id, 'IN_PROGRESS');
      await request(t.url).post(`/api/jobs/${job.id}/complete`).set(bearer(stranger)).expect(404);
      const byClient = await request(t.url)
        .post(`/api/jobs/${job.id}/complete`)
        .set(bearer(client))
        .expect(403);
      expect(byClient.body.code).toBe('NOT_ASSIGNED_WORKER');
      const done = await request(t.url)
        .post(`/api/jobs/${job.id}/complete`)
        .set(bearer(worker))
        .expect(200);
      expect(done.body).toMatchObject({
        status: 'AWAITING_APPROVAL',
        workCompletedAt: expect.any(String),
      });
      await request(t.url).post(`/api/jobs/${job.id}/complete`).set(bearer(worker)).expect(409);
    });

    it('should let client or worker cancel before the work is reported done, never after', async () => {
      const a = await createJob(t.url, client, worker);
      const res = await request(t.url)
        .post(`/api/jobs/${a.id}/cancel`)
        .set(bearer(worker))
        .send({ reason: 'Cannot make it' })
        .expect(200);
      expect(res.body).toMatchObject({
        status: 'CANCELLED',
        cancelReason: 'Cannot make it',
        cancelledAt: expect.any(String),
      });
      const again = await request(t.url)
        .post(`/api/jobs/${a.id}/cancel`)
        .set(bearer(client))
        .send({ reason: 'x' })
        .expect(409);
      expect(again.body.code).toBe('INVALID_JOB_TRANSITION');

      const b = await createJob(t.url, client, worker);
      await forceStatus(b.id, 'AWAITING_APPROVAL');
      await request(t.url)
        .post(`/api/jobs/${b.id}/cancel`)
        .set(bearer(client))
        .send({ reason: 'changed my mind' })
        .expect(409);
      await forceStatus(b.id, 'COMPLETED');
      await request(t.url)
        .post(`/api/jobs/${b.id}/cancel`)
        .set(bearer(client))
        .send({ reason: 'changed my mind' })
        .expect(409);
      await request(t.url)
        .post(`/api/jobs/${b.id}/cancel`)
        .set(bearer(stranger))
        .send({ reason: 'x' })
        .expect(404);
    });

    it('should require a reason to cancel', async () => {
      const job = await createJob(t.url, client, worker);
      for (const body of [{}, { reason: '' }, { reason: '   ' }, { reason: 5 }])
        await request(t.url)
          .post(`/api/jobs/${job.id}/cancel`)
          .set(bearer(client))
          .send(body)
          .expect(400);
    });

    it('should apply exactly one of many concurrent cancels', async () => {
      const job = await createJob(t.url, client, worker);
      const results = await Promise.all(
        Array.from({ length: 12 }, (_, i) =>
          request(t.url)
            .post(`/api/jobs/${job.id}/cancel`)
            .set(bearer(i % 2 ? client : worker))
            .send({ reason: `r${i}` }),
        ),
      );
      expect(results.filter((r) => r.status === 200)).toHaveLength(1);
      expect(results.filter((r) => r.status === 409)).toHaveLength(11);
      const [{ n }] = await t.db.query<Array<{ n: string }>>(
        `SELECT count(*) AS n FROM job_events WHERE job_id = $1 AND type = 'JOB_CANCELLED'`,
        [job.id],
      );
      expect(n).toBe('1');
    });
  });

  describe('GET /api/jobs/:id/payment-timeline', () => {
    it('should list the milestones in order with amounts, for participants only', async () => {
      const job = await createJob(t.url, client, worker, 20_001);
      await request(t.url)
        .post(`/api/jobs/${job.id}/cancel`)
        .set(bearer(client))
        .send({ reason: 'plans changed' })
        .expect(200);
      const res = await request(t.url)
        .get(`/api/jobs/${job.id}/payment-timeline`)
        .set(bearer(worker))
        .expect(200);
      expect(res.body).toEqual({
        events: [
          {
            type: 'JOB_CREATED',
            at: expect.any(String),
            amount: 20_001,
            detail: { platformFee: 2000, downpaymentAmount: 10_000, remainingAmount: 10_001 },
          },
          { type: 'JOB_CANCELLED', at: expect.any(String), detail: { reason: 'plans changed' } },
        ],
      });
      await request(t.url)
        .get(`/api/jobs/${job.id}/payment-timeline`)
        .set(bearer(stranger))
        .expect(404);
    });

    it('should keep job events append-only at the database', async () => {
      await expect(t.db.query(`UPDATE job_events SET amount = 1`)).rejects.toThrow(/append-only/);
      await expect(t.db.query(`DELETE FROM job_events`)).rejects.toThrow(/append-only/);
    });
  });

  it('should snapshot settings on creation so a change applies to new jobs only', async () => {
    const before = await createJob(t.url, client, worker, 100_000);
    await request(t.url)
      .put('/api/admin/settings')
      .set(bearer(admin))
      .send({ platformFeeBps: 550, paymentBufferDays: 3 })
      .expect(200);
    const after = await createJob(t.url, client, worker, 100_000);
    expect(after).toMatchObject({ platformFee: 5500, platformFeeBps: 550, paymentBufferDays: 3 });
    const old = await request(t.url).get(`/api/jobs/${before.id}`).set(bearer(client)).expect(200);
    expect(old.body).toMatchObject({
      platformFee: 10_000,
      platformFeeBps: 1000,
      paymentBufferDays: 7,
    });
    await request(t.url)
      .put('/api/admin/settings')
      .set(bearer(admin))
      .send({ platformFeeBps: 1000, paymentBufferDays: 7 })
      .expect(200);
  });
  describe('POST /api/admin/jobs/:id/hold', () => {
    it('should refuse non-admins (401 / 403)', async () => {
      const job = await createJob(t.url, client, worker);
      await request(t.url).post(`/api/admin/jobs/${job.id}/hold`).send({ reason: 'x' }).expect(401);
      for (const u of [client, worker, agency])
        await request(t.url)
          .post(`/api/admin/jobs/${job.id}/hold`)
          .set(bearer(u))
          .send({ reason: 'x' })
          .expect(403);
      const got = await request(t.url).get(`/api/jobs/${job.id}`).set(bearer(client)).expect(200);
      expect(got.body.earningsHeld).toBe(false);
    });

    it('should hold earnings once, audit it, and refuse cancelled or unknown jobs', async () => {
      const job = await createJob(t.url, client, worker);
      const res = await request(t.url)
        .post(`/api/admin/jobs/${job.id}/hold`)
        .set(bearer(admin))
        .set('X-Request-ID', 'hold-1')
        .send({ reason: 'dispute opened' })
        .expect(200);
      expect(res.body).toMatchObject({ id: job.id, earningsHeld: true });
      await request(t.url)
        .post(`/api/admin/jobs/${job.id}/hold`)
        .set(bearer(admin))
        .send({ reason: 'again' })
        .expect(200);
      const events = await request(t.url)
        .get(`/api/jobs/${job.id}/payment-timeline`)
        .set(bearer(client))
        .expect(200);
      expect(
        (events.body as { events: Array<{ type: string }> }).events.map((e) => e.type),
      ).toEqual(['JOB_CREATED', 'EARNINGS_HELD']);
      const audit = await request(t.url)
        .get(`/api/admin/audit-log?action=job.earnings_hold&targetId=${job.id}`)
        .set(bearer(admin))
        .expect(200);
      expect(audit.body.data).toHaveLength(2);
      expect(audit.body.data[1]).toMatchObject({
        actorId: admin.id,
        targetType: 'job',
        requestId: 'hold-1',
        before: { earningsHeld: false, earningsHoldReason: null },
        after: { earningsHeld: true, earningsHoldReason: 'dispute opened' },
      });

      const cancelled = await createJob(t.url, client, worker);
      await request(t.url)
        .post(`/api/jobs/${cancelled.id}/cancel`)
        .set(bearer(client))
        .send({ reason: 'x' })
        .expect(200);
      const refused = await request(t.url)
        .post(`/api/admin/jobs/${cancelled.id}/hold`)
        .set(bearer(admin))
        .send({ reason: 'x' })
        .expect(409);
      expect(refused.body.code).toBe('JOB_CANCELLED');
      await request(t.url)
        .post('/api/admin/jobs/00000000-0000-4000-8000-000000000000/hold')
        .set(bearer(admin))
        .send({ reason: 'x' })
        .expect(404);
      await request(t.url)
        .post(`/api/admin/jobs/${job.id}/hold`)
        .set(bearer(admin))
        .send({})
        .expect(400);
    });
  });
});
