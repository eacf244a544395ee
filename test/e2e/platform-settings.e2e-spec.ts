import request from 'supertest';
import { createAdmin } from '../support/admin-helpers';
import { bearer, registerUser, TestUser } from '../support/auth-helpers';
import { createTestApp, TestApp } from '../support/test-app';

describe('Platform settings (e2e)', () => {
  let t: TestApp;
  let admin: TestUser;

  beforeAll(async () => {
    t = await createTestApp({ env: { PAYMENT_BUFFER_DAYS: '5' } });
    admin = await createAdmin(t);
  });
  afterAll(() => t.close());

  const settingsAuditCount = async () => {
    const [{ n }] = await t.db.query<Array<{ n: string }>>(
      `SELECT count(*) AS n FROM audit_log WHERE action = 'platform_settings.update'`,
    );
    return Number(n);
  };

  it('should refuse non-admins on every settings route (401 / 403)', async () => {
    await request(t.url).get('/api/admin/settings').expect(401);
    await request(t.url).put('/api/admin/settings').send({ platformFeeBps: 0 }).expect(401);
    for (const role of ['CLIENT', 'WORKER', 'AGENCY']) {
      const u = await registerUser(t.url, role);
      await request(t.url).get('/api/admin/settings').set(bearer(u)).expect(403);
      await request(t.url)
        .put('/api/admin/settings')
        .set(bearer(u))
        .send({ platformFeeBps: 0 })
        .expect(403);
    }
    expect(await settingsAuditCount()).toBe(0);
  });

  it('should serve the defaults (buffer days from the environment) before any save', async () => {
    const res = await request(t.url).get('/api/admin/settings').set(bearer(admin)).expect(200);
    expect(res.body).toEqual({
      platformFeeBps: 1000,
      platformFeePercent: 10,
      paymentBufferDays: 5,
      withdrawalMinAmount: 10_000,
      withdrawalDailyMaxCount: 10,
      withdrawalDailyMaxAmount: 10_000_000,
      currency: 'PHP',
      isDefault: true,
      updatedAt: null,
      updatedBy: null,
    });
  });

  it('should apply a partial change and audit it with before/after and the request id', async () => {
    const res = await request(t.url)
      .put('/api/admin/settings')
      .set(bearer(admin))
      .set('X-Request-ID', 'settings-change-1')
      .send({ platformFeeBps: 750, withdrawalDailyMaxCount: 3 })
      .expect(200);
    expect(res.body).toMatchObject({
      platformFeeBps: 750,
      platformFeePercent: 7.5,
      paymentBufferDays: 5,
      withdrawalDailyMaxCount: 3,
      isDefault: false,
      updatedBy: admin.id,
      updatedAt: expect.any(String),
    });
    const got = await request(t.url).get('/api/admin/settings').set(bearer(admin)).expect(200);
    expect(got.body).toEqual(res.body);
    const audit = await request(t.url)
      .get('/api/admin/audit-log?action=platform_settings.update')
      .set(bearer(admin))
      .expect(200);
    expect(audit.body.data).toHaveLength(1);
    expect(audit.body.data[0]).toMatchObject({
      actorId: admin.id,
      targetType: 'platform_settings',
      requestId: 'settings-change-1',
      before: { platformFeeBps: 1000, paymentBufferDays: 5, withdrawalDailyMaxCount: 10 },
      after: { platformFeeBps: 750, paymentBufferDays: 5, withdrawalDailyMaxCount: 3 },
    });
  });

  it.each([
    ['a fee above 50 %', { platformFeeBps: 5001 }],
    ['a negative fee', { platformFeeBps: -1 }],
    ['a fractional fee', { platformFeeBps: 10.5 }],
    ['a string fee', { platformFeeBps: '1000' }],
    ['negative buffer days', { paymentBufferDays: -1 }],
    ['too many buffer days', { paymentBufferDays: 366 }],
    ['a minimum withdrawal under ₱100', { withdrawalMinAmount: 9_999 }],
    ['zero withdrawals per day', { withdrawalDailyMaxCount: 0 }],
    [
      'a daily maximum below the minimum',
      { withdrawalMinAmount: 50_000, withdrawalDailyMaxAmount: 20_000 },
    ],
    ['an unknown field', { platformFeePercentage: 5 }],
    ['an empty change', {}],
  ])('should reject %s with 400 and change nothing', async (_, body) => {
    const before = await request(t.url).get('/api/admin/settings').set(bearer(admin)).expect(200);
    const audits = await settingsAuditCount();
    const res = await request(t.url)
      .put('/api/admin/settings')
      .set(bearer(admin))
      .send(body)
      .expect(400);
    expect(['VALIDATION_FAILED', 'INVALID_SETTINGS']).toContain(res.body.code);
    const after = await request(t.url).get('/api/admin/settings').set(bearer(admin)).expect(200);
    expect(after.body).toEqual(before.body);
    expect(await settingsAuditCount()).toBe(audits);
  });

  it('should serialise concurrent saves: each applied and audited once, last one wins', async () => {
    const audits = await settingsAuditCount();
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        request(t.url)
          .put('/api/admin/settings')
          .set(bearer(admin))
          .send({ paymentBufferDays: 10 + i }),
      ),
    );
    expect(results.map((r) => r.status)).toEqual(Array(8).fill(200));
    expect(await settingsAuditCount()).toBe(audits + 8);
    // Each audit entry's "before" is the previous entry's "after": no lost update.
    const rows = await t.db.query<
      Array<{ before: { paymentBufferDays: number }; after: { paymentBufferDays: number } }>
    >(
      `SELECT before, after FROM audit_log WHERE action = 'platform_settings.update' ORDER BY id DESC LIMIT 8`,
    );
    for (let i = 0; i < rows.length - 1; i++)
      expect(rows[i].before.paymentBufferDays).toBe(rows[i + 1].after.paymentBufferDays);
    const final = await request(t.url).get('/api/admin/settings').set(bearer(admin)).expect(200);
    expect(final.body.paymentBufferDays).toBe(rows[0].after.paymentBufferDays);
  });
});
