import request from 'supertest';
import { ScheduledJobsService } from 'src/modules/scheduling/scheduled-jobs.service';
import { createAdmin } from '../support/admin-helpers';
import { bearer, registerUser, TestUser } from '../support/auth-helpers';
import { createTestApp, TestApp } from '../support/test-app';
import { eventually } from '../support/eventually';

describe('Scheduled jobs and audit log (e2e)', () => {
  let t: TestApp;
  let admin: TestUser;
  let slowRuns = 0;
  let release: () => void = () => {};

  beforeAll(async () => {
    t = await createTestApp();
    const jobs = t.app.get(ScheduledJobsService);
    jobs.register({
      name: 'count-things',
      schedule: '0 * * * *',
      description: 'test job',
      handler: async () => ({ counted: 3 }),
    });
    jobs.register({
      name: 'broken',
      schedule: '0 * * * *',
      description: 'always fails',
      handler: async () => {
        throw new Error('boom: nothing to see');
      },
    });
    jobs.register({
      name: 'slow',
      schedule: '0 * * * *',
      description: 'holds the lock until released',
      handler: async () => {
        slowRuns++;
        await new Promise<void>((resolve) => (release = resolve));
        return { done: 1 };
      },
    });
    admin = await createAdmin(t);
  });
  afterAll(() => t.close());

  it('should refuse non-admins (401 without token, 403 for every other role)', async () => {
    await request(t.url).get('/api/admin/scheduled-jobs').expect(401);
    for (const role of ['CLIENT', 'WORKER', 'AGENCY']) {
      const u = await registerUser(t.url, role);
      await request(t.url).get('/api/admin/scheduled-jobs').set(bearer(u)).expect(403);
      await request(t.url)
        .post('/api/admin/scheduled-jobs/count-things/run')
        .set(bearer(u))
        .expect(403);
      await request(t.url).get('/api/admin/audit-log').set(bearer(u)).expect(403);
    }
  });

  it('should run a job now, record the run, show it as lastRun, and audit who ran it', async () => {
    const run = await request(t.url)
      .post('/api/admin/scheduled-jobs/count-things/run')
      .set(bearer(admin))
      .expect(200);
    expect(run.body).toMatchObject({
      outcome: 'succeeded',
      trigger: 'manual',
      counts: { counted: 3 },
      error: null,
    });
    const list = await request(t.url)
      .get('/api/admin/scheduled-jobs')
      .set(bearer(admin))
      .expect(200);
    const job = (
      list.body as {
        data: Array<{ name: string; schedule: string; lastRun: { id: string } | null }>;
        nextCursor: null;
      }
    ).data.find((j) => j.name === 'count-things');
    expect(job).toMatchObject({
      name: 'count-things',
      schedule: '0 * * * *',
      lastRun: { id: run.body.id },
    });
    const audit = await request(t.url)
      .get('/api/admin/audit-log?action=scheduled_job.run&targetId=count-things')
      .set(bearer(admin))
      .expect(200);
    expect(audit.body.data).toHaveLength(1);
    expect(audit.body.data[0]).toMatchObject({
      actorId: admin.id,
      targetType: 'scheduled_job',
      targetId: 'count-things',
    });
    expect(audit.body.data[0].requestId).toEqual(expect.any(String));
  });

  it('should record a failing run as failed with its error', async () => {
    const run = await request(t.url)
      .post('/api/admin/scheduled-jobs/broken/run')
      .set(bearer(admin))
      .expect(200);
    expect(run.body).toMatchObject({
      outcome: 'failed',
      error: 'boom: nothing to see',
      counts: null,
    });
  });

  it('should 404 an unknown job', async () => {
    const res = await request(t.url)
      .post('/api/admin/scheduled-jobs/nope/run')
      .set(bearer(admin))
      .expect(404);
    expect(res.body.code).toBe('SCHEDULED_JOB_NOT_FOUND');
  });

  it('should run a job once when triggered concurrently (others are skipped)', async () => {
    const jobs = t.app.get(ScheduledJobsService);
    const first = jobs.runNow('slow');
    // Wait until the first run holds the lock and is inside the handler.
    await eventually(() => slowRuns > 0, {
      intervalMs: 20,
      what: 'the first run is inside the handler',
    });
    const others = await Promise.all(
      Array.from({ length: 5 }, () => jobs.runNow('slow', 'schedule')),
    );
    expect(others.map((r) => r.outcome)).toEqual([
      'skipped',
      'skipped',
      'skipped',
      'skipped',
      'skipped',
    ]);
    release();
    expect((await first).outcome).toBe('succeeded');
    expect(slowRuns).toBe(1);
    const [{ count }] = await t.db.query<Array<{ count: string }>>(
      `SELECT count(*) FROM scheduled_job_runs WHERE job_name = 'slow'`,
    );
    expect(count).toBe('1');
  });

  it('should keep the audit log append-only at the database', async () => {
    await expect(t.db.query(`UPDATE audit_log SET action = 'x'`)).rejects.toThrow(/append-only/);
    await expect(t.db.query(`DELETE FROM audit_log`)).rejects.toThrow(/append-only/);
    await expect(t.db.query(`TRUNCATE audit_log`)).rejects.toThrow(/append-only/);
  });

  it('should paginate the audit log newest first', async () => {
    for (let i = 0; i < 3; i++)
      await request(t.url)
        .post('/api/admin/scheduled-jobs/count-things/run')
        .set(bearer(admin))
        .expect(200);
    const page1 = await request(t.url)
      .get('/api/admin/audit-log?limit=2')
      .set(bearer(admin))
      .expect(200);
    expect(page1.body.data).toHaveLength(2);
    expect(Number(page1.body.data[0].id)).toBeGreaterThan(Number(page1.body.data[1].id));
    const page2 = await request(t.url)
      .get(`/api/admin/audit-log?limit=2&cursor=${page1.body.nextCursor}`)
      .set(bearer(admin))
      .expect(200);
    expect(Number(page2.body.data[0].id)).toBeLessThan(Number(page1.body.data[1].id));
    await request(t.url).get('/api/admin/audit-log?limit=0').set(bearer(admin)).expect(400);
  });
});
