import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { UnitOfWork } from 'src/common/database/unit-of-work';
import { afterCommitFailures, unitOfWorkRetries } from 'src/common/database/unit-of-work.metrics';
import { bearer, registerUser, TestUser } from '../support/auth-helpers';
import { fundWallet } from '../support/ledger-helpers';
import { startDeposit, walletOf } from '../support/payment-helpers';
import { trustedPayoutAccount } from '../support/payout-helpers';
import { sandboxAct, sandboxControls } from '../support/sandbox-helpers';
import { createTestApp, TestApp } from '../support/test-app';
import { counterValue } from '../support/metric-helpers';

describe('Unit of work and failure handling of money routes (e2e)', () => {
  let t: TestApp;
  let uow: UnitOfWork;

  beforeAll(async () => {
    t = await createTestApp();
    uow = t.app.get(UnitOfWork);
    await t.db.query(`CREATE TABLE uow_probe (id int PRIMARY KEY, v int NOT NULL)`);
    await t.db.query(`INSERT INTO uow_probe VALUES (1, 0), (2, 0)`);
  });
  afterAll(async () => {
    await t.db.query(`DROP TABLE IF EXISTS uow_probe`);
    await t.close();
  });
  beforeEach(async () => {
    await request(t.url).post('/sandbox/_control/reset').expect(200);
    await sandboxControls(t.url, { retryBaseMs: 20, maxAttempts: 3, payoutDelayMs: 20 });
  });

  /**
   * A real database fault: a trigger on `transactions` that raises for the first `times` rows matching
   * `when` (a sequence counts, outside the failing transactions), then lets everything through.
   */
  async function faultOnce(event: 'INSERT' | 'UPDATE', when: string): Promise<() => Promise<void>> {
    const name = `fault_${randomUUID().replace(/-/g, '')}`;
    await t.db.query(`CREATE SEQUENCE ${name}_n`);
    await t.db.query(
      `CREATE FUNCTION ${name}() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         IF nextval('${name}_n') <= 1 THEN RAISE EXCEPTION 'injected fault'; END IF;
         RETURN NEW;
       END $$`,
    );
    await t.db.query(
      `CREATE TRIGGER ${name} BEFORE ${event} ON transactions FOR EACH ROW WHEN (${when})
       EXECUTE FUNCTION ${name}()`,
    );
    return async () => {
      await t.db.query(`DROP TRIGGER ${name} ON transactions`);
      await t.db.query(`DROP FUNCTION ${name}()`);
      await t.db.query(`DROP SEQUENCE ${name}_n`);
    };
  }

  describe('UnitOfWork', () => {
    it('should run the whole transaction again after a deadlock, so both writers commit', async () => {
      const retriesBefore = await counterValue(unitOfWorkRetries, 'probe.deadlock');
      let attempts = 0;
      let firstLocks = 0;
      let bothLocked: () => void = () => undefined;
      const barrier = new Promise<void>((r) => (bothLocked = r));
      // Each locks one row, waits until the other holds its row, then wants the other's: a deadlock
      // on the first attempt, whatever the timing; PostgreSQL aborts one (40P01), which runs again.
      const writer = (first: number, second: number) =>
        uow.run('probe.deadlock', async (m) => {
          attempts++;
          await m.query(`UPDATE uow_probe SET v = v + 1 WHERE id = $1`, [first]);
          if (++firstLocks === 2) bothLocked();
          await barrier;
          await m.query(`UPDATE uow_probe SET v = v + 1 WHERE id = $1`, [second]);
          return first;
        });
      expect(await Promise.all([writer(1, 2), writer(2, 1)])).toEqual([1, 2]);
      expect(attempts).toBe(3);
      expect(await counterValue(unitOfWorkRetries, 'probe.deadlock')).toBe(retriesBefore + 1);
      const rows = await t.db.query<Array<{ v: number }>>(`SELECT v FROM uow_probe ORDER BY id`);
      expect(rows.map((r) => r.v)).toEqual([2, 2]);
    });

    it('should not retry other errors, and roll back', async () => {
      let attempts = 0;
      await expect(
        uow.run('probe.fails', async (m) => {
          attempts++;
          await m.query(`UPDATE uow_probe SET v = 100 WHERE id = 1`);
          throw new Error('refused');
        }),
      ).rejects.toThrow('refused');
      expect(attempts).toBe(1);
      const [row] = await t.db.query<Array<{ v: number }>>(`SELECT v FROM uow_probe WHERE id = 1`);
      expect(row.v).not.toBe(100);
    });

    it('should run every after-commit hook once after the commit, and count a failing one without failing the work', async () => {
      const failuresBefore = await counterValue(afterCommitFailures, 'probe.hooks');
      const seen: string[] = [];
      const value = await uow.run('probe.hooks', async (m, work) => {
        await m.query(`UPDATE uow_probe SET v = 7 WHERE id = 2`);
        work.afterCommit(
          async () => {
            const [r] = await t.db.query<Array<{ v: number }>>(
              `SELECT v FROM uow_probe WHERE id = 2`,
            );
            seen.push(`committed:${r.v}`);
          },
          () => {
            throw new Error('realtime down');
          },
          () => {
            seen.push('last');
          },
        );
        return 'ok';
      });
      expect(value).toBe('ok');
      expect(seen).toEqual(['committed:7', 'last']);
      expect(await counterValue(afterCommitFailures, 'probe.hooks')).toBe(failuresBefore + 1);
    });
  });

  describe('Idempotency-Key after a server error', () => {
    const account = (u: TestUser) => trustedPayoutAccount(t, u);
    const withdraw = (u: TestUser, body: object, key: string) =>
      request(t.url)
        .post('/api/wallet/withdraw')
        .set(bearer(u))
        .set('Idempotency-Key', key)
        .send(body);
    const withdrawals = (u: TestUser) =>
      t.db.query<Array<{ id: string; status: string }>>(
        `SELECT id, status FROM transactions WHERE user_id = $1 AND type IN ('WITHDRAWAL', 'REFUND')`,
        [u.id],
      );

    it('should free the key at once when nothing was committed', async () => {
      const u = await registerUser(t.url, 'WORKER');
      await fundWallet(t, u, 50_000);
      const body = { amount: 20_000, paymentMethodId: await account(u) };
      const heal = await faultOnce('INSERT', `NEW.user_id = '${u.id}' AND NEW.type = 'WITHDRAWAL'`);
      try {
        const key = randomUUID();
        expect((await withdraw(u, body, key).expect(500)).body.code).toBe('INTERNAL_ERROR');
        const ok = await withdraw(u, body, key).expect(201);
        expect(await withdrawals(u)).toEqual([
          { id: (ok.body as { transaction: { id: string } }).transaction.id, status: 'PENDING' },
        ]);
      } finally {
        await heal();
      }
    });

    it('should answer a retry with the committed withdrawal, never refund a payout the gateway took', async () => {
      const u = await registerUser(t.url, 'WORKER');
      await fundWallet(t, u, 50_000);
      const body = { amount: 30_000, paymentMethodId: await account(u) };
      // Recording the gateway's answer fails once (after the hold committed and the payout was sent).
      const heal = await faultOnce(
        'UPDATE',
        `NEW.user_id = '${u.id}' AND OLD.provider_reference IS NULL AND NEW.provider_reference IS NOT NULL`,
      );
      try {
        const key = randomUUID();
        expect((await withdraw(u, body, key).expect(500)).body.code).toBe('INTERNAL_ERROR');
        const [held] = await withdrawals(u);
        expect(held.status).toBe('PENDING');
        // No 409 IN_PROGRESS wait: the key's lease ended with the failed request.
        const ok = (await withdraw(u, body, key).expect(201)).body as {
          transaction: { id: string; providerReference: string | null };
          payout: string;
        };
        expect(ok.transaction.id).toBe(held.id);
        expect(ok.transaction.providerReference).toEqual(expect.any(String));
        expect(ok.payout).toBe('pending');
        expect(await withdrawals(u)).toEqual([{ id: held.id, status: 'PENDING' }]);
        const w = await walletOf(t.url, u);
        expect({ balance: w.balance, reserved: w.reserved }).toEqual({
          balance: 50_000,
          reserved: 30_000,
        });
      } finally {
        await heal();
      }
    });
  });

  describe('Webhooks whose processing failed', () => {
    it('should answer 503 so the gateway delivers again, and apply that copy exactly once', async () => {
      const u = await registerUser(t.url);
      const deposit = await startDeposit(t.url, u, 40_000);
      const heal = await faultOnce(
        'UPDATE',
        `NEW.user_id = '${u.id}' AND OLD.status = 'PENDING' AND NEW.status = 'COMPLETED'`,
      );
      try {
        const deliveries = await sandboxAct(t.url, deposit.checkoutId, 'pay');
        const statuses = deliveries.map((d) => d.attempts.map((a) => a.status));
        // The first delivery to reach the deposit failed and was answered 503; the gateway's next
        // attempt applied it.
        expect(statuses.flat().filter((s) => s === 503)).toHaveLength(1);
        expect(statuses.every((s) => s[s.length - 1] === 200)).toBe(true);
      } finally {
        await heal();
      }
      const w = await walletOf(t.url, u);
      expect({ balance: w.balance, available: w.available }).toEqual({
        balance: 40_000,
        available: 40_000,
      });
      // The only webhooks of this file: the failed copy was applied by the retry (no ERROR left).
      const events = await t.db.query<Array<{ status: string; replay_count: number }>>(
        `SELECT status, replay_count FROM webhook_events ORDER BY received_at`,
      );
      expect(events.map((e) => e.status)).not.toContain('ERROR');
      expect(events.filter((e) => e.status === 'PROCESSED')).toHaveLength(1);
      const [credits] = await t.db.query<Array<{ n: string }>>(
        `SELECT count(*) AS n FROM ledger_entries WHERE entry_id = $1`,
        [`deposit:${deposit.transaction.id}`],
      );
      expect(Number(credits.n)).toBe(1);
    });
  });
});
