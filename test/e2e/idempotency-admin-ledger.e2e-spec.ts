import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { requestFingerprint } from 'src/common/idempotency/canonical-json';
import { IdempotencyStore } from 'src/common/idempotency/idempotency.store';
import { walletAccount } from 'src/modules/ledger/account-policy';
import { LedgerService } from 'src/modules/ledger/ledger.service';
import { createAdmin } from '../support/admin-helpers';
import { bearer, registerUser, TestUser } from '../support/auth-helpers';
import { httpJson, manySocketsAgent } from '../support/http-json';
import { createTestApp, TestApp } from '../support/test-app';

const ROUTE = 'POST /api/admin/ledger/adjustments';
const PATH = '/api/admin/ledger/adjustments';

describe('Idempotency-Key and admin ledger routes (e2e)', () => {
  let t: TestApp;
  let admin: TestUser;
  let ledger: LedgerService;
  const key = () => `key-${randomBytes(6).toString('hex')}`;

  const adjust = (body: object, idempotencyKey?: string, as: TestUser = admin) => {
    const req = request(t.url).post(PATH).set(bearer(as));
    if (idempotencyKey !== undefined) void req.set('Idempotency-Key', idempotencyKey);
    return req.send(body);
  };
  const entriesFor = async (account: string) =>
    Number(
      (
        await t.db.query(
          `SELECT count(*) AS n FROM ledger_postings p JOIN ledger_accounts a ON a.id = p.account_id
           WHERE a.code = $1`,
          [account],
        )
      )[0].n,
    );

  beforeAll(async () => {
    t = await createTestApp();
    admin = await createAdmin(t);
    ledger = t.app.get(LedgerService);
  });
  afterAll(() => t.close());

  describe('Idempotency-Key', () => {
    it('should replay the first response byte for byte and apply the adjustment once', async () => {
      const u = await registerUser(t.url);
      const body = {
        account: walletAccount(u.id),
        direction: 'CREDIT',
        amount: 5000,
        reason: 'goodwill credit',
      };
      const k = key();
      const first = await adjust(body, k).expect(201);
      expect(first.headers['idempotent-replayed']).toBeUndefined();
      expect(first.body).toMatchObject({
        account: walletAccount(u.id),
        amount: 5000,
        balance: 5000,
      });
      // Same body with the keys in another order is the same request.
      const again = await adjust(
        {
          reason: 'goodwill credit',
          amount: 5000,
          direction: 'CREDIT',
          account: walletAccount(u.id),
        },
        k,
      ).expect(201);
      expect(again.headers['idempotent-replayed']).toBe('true');
      expect(again.text).toBe(first.text);
      expect(again.headers['content-type']).toBe(first.headers['content-type']);
      expect((await ledger.balance(walletAccount(u.id))).posted).toBe(5000);
      expect(await entriesFor(walletAccount(u.id))).toBe(1);
    });

    it('should answer 422 IDEMPOTENCY_KEY_REUSED for the same key with a different body', async () => {
      const u = await registerUser(t.url);
      const k = key();
      await adjust(
        { account: walletAccount(u.id), direction: 'CREDIT', amount: 100, reason: 'first' },
        k,
      ).expect(201);
      const res = await adjust(
        { account: walletAccount(u.id), direction: 'CREDIT', amount: 101, reason: 'first' },
        k,
      ).expect(422);
      expect(res.body.code).toBe('IDEMPOTENCY_KEY_REUSED');
      expect((await ledger.balance(walletAccount(u.id))).posted).toBe(100);
    });

    it('should answer 409 IDEMPOTENCY_REQUEST_IN_PROGRESS while the first request is running', async () => {
      const u = await registerUser(t.url);
      const body = {
        account: walletAccount(u.id),
        direction: 'CREDIT',
        amount: 300,
        reason: 'in flight',
      };
      const k = key();
      await t.db.query(
        `INSERT INTO idempotency_keys (scope, route, key, fingerprint, status, locked_until, expires_at)
         VALUES ($1, $2, $3, $4, 'IN_PROGRESS', now() + interval '1 minute', now() + interval '1 day')`,
        [`user:${admin.id}`, ROUTE, k, requestFingerprint('POST', PATH, body)],
      );
      const res = await adjust(body, k).expect(409);
      expect(res.body.code).toBe('IDEMPOTENCY_REQUEST_IN_PROGRESS');
      expect(res.headers['retry-after']).toBe('1');
      expect(await entriesFor(walletAccount(u.id))).toBe(0);
    });

    it('should let a retry take over a key abandoned in flight (crash) once its lease expired', async () => {
      const u = await registerUser(t.url);
      const body = {
        account: walletAccount(u.id),
        direction: 'CREDIT',
        amount: 400,
        reason: 'crashed',
      };
      const k = key();
      await t.db.query(
        `INSERT INTO idempotency_keys (scope, route, key, fingerprint, status, locked_until, expires_at)
         VALUES ($1, $2, $3, $4, 'IN_PROGRESS', now() - interval '1 second', now() + interval '1 day')`,
        [`user:${admin.id}`, ROUTE, k, requestFingerprint('POST', PATH, body)],
      );
      await adjust(body, k).expect(201);
      const replay = await adjust(body, k).expect(201);
      expect(replay.headers['idempotent-replayed']).toBe('true');
      expect((await ledger.balance(walletAccount(u.id))).posted).toBe(400);
    });

    it('should run one of many concurrent requests with one key; the rest get 409 or the replay', async () => {
      const u = await registerUser(t.url);
      const body = {
        account: walletAccount(u.id),
        direction: 'CREDIT',
        amount: 777,
        reason: 'storm',
      };
      const k = key();
      const agent = manySocketsAgent(100);
      try {
        const results = await Promise.all(
          Array.from({ length: 40 }, () =>
            httpJson(t.url, 'POST', PATH, body, {
              agent,
              headers: { ...bearer(admin), 'Idempotency-Key': k },
            }),
          ),
        );
        const created = results.filter((r) => r.status === 201);
        expect(results.every((r) => r.status === 201 || r.status === 409)).toBe(true);
        expect(created.length).toBeGreaterThanOrEqual(1);
        expect(new Set(created.map((r) => r.text)).size).toBe(1);
        expect(created.filter((r) => r.headers['idempotent-replayed'] !== 'true')).toHaveLength(1);
      } finally {
        agent.destroy();
      }
      const replay = await adjust(body, k).expect(201);
      expect(replay.headers['idempotent-replayed']).toBe('true');
      expect((await ledger.balance(walletAccount(u.id))).posted).toBe(777);
      expect(await entriesFor(walletAccount(u.id))).toBe(1);
    });

    it('should scope keys to the caller: another admin with the same key runs its own request', async () => {
      const u = await registerUser(t.url);
      const other = await createAdmin(t);
      const body = {
        account: walletAccount(u.id),
        direction: 'CREDIT',
        amount: 10,
        reason: 'scoped',
      };
      const k = key();
      await adjust(body, k).expect(201);
      const second = await adjust(body, k, other).expect(201);
      expect(second.headers['idempotent-replayed']).toBeUndefined();
      expect((await ledger.balance(walletAccount(u.id))).posted).toBe(20);
    });

    it('should store business refusals (409) but free the key after a validation error (400)', async () => {
      const u = await registerUser(t.url);
      const k1 = key();
      const body = {
        account: walletAccount(u.id),
        direction: 'DEBIT',
        amount: 1,
        reason: 'too much',
      };
      const refused = await adjust(body, k1).expect(409);
      expect(refused.body.code).toBe('INSUFFICIENT_FUNDS');
      // Stored: even after the wallet is funded, the same key replays the refusal.
      await ledger.post({
        entryId: `fund-${u.id}`,
        type: 'DEPOSIT',
        legs: [
          { account: 'gateway:paymongo:clearing', direction: 'DEBIT', amount: 10 },
          { account: walletAccount(u.id), direction: 'CREDIT', amount: 10 },
        ],
      });
      const replay = await adjust(body, k1).expect(409);
      expect(replay.headers['idempotent-replayed']).toBe('true');
      expect(replay.text).toBe(refused.text);
      const k2 = key();
      await adjust(
        { account: walletAccount(u.id), direction: 'CREDIT', amount: 1.5, reason: 'bad' },
        k2,
      ).expect(400);
      await adjust(
        { account: walletAccount(u.id), direction: 'CREDIT', amount: 15, reason: 'good' },
        k2,
      ).expect(201);
    });

    it('should reject malformed keys with 400 and treat a request without a key normally', async () => {
      const u = await registerUser(t.url);
      const body = {
        account: walletAccount(u.id),
        direction: 'CREDIT',
        amount: 1,
        reason: 'format',
      };
      const long = await adjust(body, 'x'.repeat(256)).expect(400);
      expect(long.body.code).toBe('IDEMPOTENCY_KEY_INVALID');
      await adjust(body, '').expect(400);
      await adjust(body, 'k'.repeat(255)).expect(201);
      await adjust(body).expect(201);
      await adjust(body).expect(201);
      expect((await ledger.balance(walletAccount(u.id))).posted).toBe(3);
    });

    it('should keep keys at least 24 h and purge them after', async () => {
      const u = await registerUser(t.url);
      const k = key();
      await adjust(
        { account: walletAccount(u.id), direction: 'CREDIT', amount: 2, reason: 'retention' },
        k,
      ).expect(201);
      const [row] = await t.db.query(
        `SELECT extract(epoch FROM expires_at - created_at) AS secs FROM idempotency_keys WHERE key = $1`,
        [k],
      );
      expect(Number(row.secs)).toBeGreaterThanOrEqual(24 * 3600);
      await t.db.query(
        `UPDATE idempotency_keys SET expires_at = now() - interval '1 second' WHERE key = $1`,
        [k],
      );
      expect(await t.app.get(IdempotencyStore).purgeExpired()).toBeGreaterThanOrEqual(1);
      expect(await t.db.query(`SELECT 1 FROM idempotency_keys WHERE key = $1`, [k])).toEqual([]);
    });
  });

  describe('admin ledger routes', () => {
    it('should refuse non-admins with 403', async () => {
      const u = await registerUser(t.url);
      await request(t.url).get('/api/admin/ledger/audit').set(bearer(u)).expect(403);
      await adjust(
        { account: walletAccount(u.id), direction: 'CREDIT', amount: 1, reason: 'self' },
        undefined,
        u,
      ).expect(403);
      await request(t.url).get('/api/admin/ledger/audit').expect(401);
    });

    it('should report every invariant with pass/fail and counts', async () => {
      const res = await request(t.url)
        .get('/api/admin/ledger/audit')
        .set(bearer(admin))
        .expect(200);
      expect(res.body.ok).toBe(true);
      expect((res.body.checks as { name: string }[]).map((c) => c.name)).toEqual([
        'debits_equal_credits_per_currency',
        'every_entry_balanced',
        'balances_equal_sum_of_postings',
        'pending_equals_sum_of_pending_holds',
        'no_wallet_negative',
        'holds_resolved_at_most_once',
        'no_hold_pending_past_expiry',
        'hash_chain_intact',
        'no_entry_left_unsealed',
      ]);
      for (const c of res.body.checks) expect(c).toMatchObject({ pass: true, count: 0 });
      expect(res.body.totals.entries).toBeGreaterThan(0);
      expect(res.body.totals.perCurrency).toEqual([
        { currency: 'PHP', debits: expect.any(Number), credits: expect.any(Number) },
      ]);
      expect(res.body.totals.perCurrency[0].debits).toBe(res.body.totals.perCurrency[0].credits);
    });

    it('should fail the audit when a balance row drifts from its postings', async () => {
      const u = await registerUser(t.url);
      await adjust({
        account: walletAccount(u.id),
        direction: 'CREDIT',
        amount: 50,
        reason: 'drift',
      }).expect(201);
      const drift = (d: number) =>
        t.db.query(
          `UPDATE ledger_balances SET posted = posted + $2, credits_posted = credits_posted + $2
           WHERE account_id = (SELECT id FROM ledger_accounts WHERE code = $1)`,
          [walletAccount(u.id), d],
        );
      await drift(1);
      try {
        const res = await request(t.url)
          .get('/api/admin/ledger/audit')
          .set(bearer(admin))
          .expect(200);
        expect(res.body.ok).toBe(false);
        expect(
          (res.body.checks as { name: string }[]).find(
            (c) => c.name === 'balances_equal_sum_of_postings',
          ),
        ).toEqual({
          name: 'balances_equal_sum_of_postings',
          pass: false,
          count: 1,
        });
      } finally {
        await drift(-1);
      }
    });

    it('should refuse adjustments in a currency the platform does not use, posting nothing', async () => {
      const u = await registerUser(t.url);
      const body = {
        account: walletAccount(u.id),
        direction: 'CREDIT',
        amount: 700,
        reason: 'fx correction',
      };
      for (const currency of ['USD', 'XAU', 'php']) {
        const res = await adjust({ ...body, currency }).expect(400);
        expect(res.body.code).toBe('VALIDATION_FAILED');
      }
      expect(await entriesFor(walletAccount(u.id))).toBe(0);
      const usd = await t.db.query(
        `SELECT count(*)::int AS n FROM ledger_accounts WHERE currency <> 'PHP'`,
      );
      expect(usd).toEqual([{ n: 0 }]);
      await adjust({ ...body, currency: 'PHP' }).expect(201);
      expect((await ledger.balance(walletAccount(u.id))).posted).toBe(700);
    });

    it('should audit-log an adjustment, refuse unknown accounts, and reverse an entry once', async () => {
      const u = await registerUser(t.url);
      const res = await adjust({
        account: walletAccount(u.id),
        direction: 'CREDIT',
        amount: 900,
        reason: 'ticket 42',
      }).expect(201);
      const log = await t.db.query(
        `SELECT * FROM audit_log WHERE action = 'ledger.adjustment' AND target_id = $1`,
        [walletAccount(u.id)],
      );
      expect(log).toHaveLength(1);
      expect(log[0].actor_id).toBe(admin.id);
      expect(log[0].before).toEqual({ posted: 0 });
      expect(log[0].after).toEqual({ posted: 900 });
      expect(log[0].metadata).toMatchObject({ reason: 'ticket 42', entryId: res.body.entryId });
      expect((await ledger.balance('platform:adjustments')).posted).toBeLessThanOrEqual(-900);

      const unknown = await adjust({
        account: 'wallet:00000000-0000-4000-8000-00000000dead:available',
        direction: 'CREDIT',
        amount: 1,
        reason: 'nobody',
      }).expect(404);
      expect(unknown.body.code).toBe('LEDGER_ACCOUNT_NOT_FOUND');
      await adjust({
        account: walletAccount(u.id),
        direction: 'CREDIT',
        amount: 0,
        reason: 'zero',
      }).expect(400);
      await adjust({
        account: walletAccount(u.id),
        direction: 'CREDIT',
        amount: '5',
        reason: 'string',
      }).expect(400);
      await adjust({
        account: walletAccount(u.id),
        direction: 'CREDIT',
        amount: 100_000_000_001,
        reason: 'huge',
      }).expect(400);
      await adjust({
        account: walletAccount(u.id),
        direction: 'CREDIT',
        amount: 5,
        reason: 'x',
        extra: 1,
      }).expect(400);

      const rev = await request(t.url)
        .post(`/api/admin/ledger/entries/${encodeURIComponent(res.body.entryId)}/reverse`)
        .set(bearer(admin))
        .send({ reason: 'wrong wallet' })
        .expect(201);
      expect(rev.body.reversalOf).toBe(res.body.entryId);
      expect((await ledger.balance(walletAccount(u.id))).posted).toBe(0);
      const twice = await request(t.url)
        .post(`/api/admin/ledger/entries/${encodeURIComponent(res.body.entryId)}/reverse`)
        .set(bearer(admin))
        .send({ reason: 'again' })
        .expect(409);
      expect(twice.body.code).toBe('ENTRY_ALREADY_REVERSED');
    });

    it('should register the ledger and idempotency jobs and run them on demand', async () => {
      const list = await request(t.url)
        .get('/api/admin/scheduled-jobs')
        .set(bearer(admin))
        .expect(200);
      const names = (list.body as { data: { name: string; schedule: string }[] }).data.map(
        (j) => j.name,
      );
      expect(names).toEqual(
        expect.arrayContaining([
          'ledger-audit',
          'ledger-expire-holds',
          'ledger-seal-chain',
          'idempotency-purge',
        ]),
      );
      const audit = await request(t.url)
        .post('/api/admin/scheduled-jobs/ledger-audit/run')
        .set(bearer(admin))
        .expect(200);
      expect(audit.body).toMatchObject({ outcome: 'succeeded', counts: { checks: 9, failed: 0 } });
      // What the ledger-audit alert reads.
      const metrics = (await request(t.url).get('/metrics').expect(200)).text;
      expect(metrics).toMatch(/^ledger_audit_failed_checks 0$/m);
      expect(metrics).toMatch(/^ledger_audit_last_run_timestamp_seconds \d{10}$/m);
      for (const name of ['ledger-expire-holds', 'ledger-seal-chain', 'idempotency-purge']) {
        const r = await request(t.url)
          .post(`/api/admin/scheduled-jobs/${name}/run`)
          .set(bearer(admin))
          .expect(200);
        expect([name, r.body.outcome]).toEqual([name, 'succeeded']);
      }
    });

    it('should never take a wallet negative under concurrent debit adjustments', async () => {
      const u = await registerUser(t.url);
      await adjust({
        account: walletAccount(u.id),
        direction: 'CREDIT',
        amount: 1000,
        reason: 'fund',
      }).expect(201);
      const agent = manySocketsAgent(50);
      try {
        const results = await Promise.all(
          Array.from({ length: 25 }, (_, i) =>
            httpJson(
              t.url,
              'POST',
              PATH,
              {
                account: walletAccount(u.id),
                direction: 'DEBIT',
                amount: 100,
                reason: `debit ${i}`,
              },
              { agent, headers: { ...bearer(admin), 'Idempotency-Key': `drain-${u.id}-${i}` } },
            ),
          ),
        );
        expect(results.filter((r) => r.status === 201)).toHaveLength(10);
        expect(results.filter((r) => r.status === 409)).toHaveLength(15);
      } finally {
        agent.destroy();
      }
      expect(await ledger.balance(walletAccount(u.id))).toEqual({
        posted: 0,
        pending: 0,
        available: 0,
      });
    });
  });
});
