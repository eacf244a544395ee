import { randomUUID } from 'node:crypto';
import { UnitOfWork } from 'src/common/database/unit-of-work';
import { afterCommitFailures, unitOfWorkRetries } from 'src/common/database/unit-of-work.metrics';
import { AppError } from 'src/common/errors/app-error';
import { LedgerService } from 'src/modules/ledger/ledger.service';
import { UsersService } from 'src/modules/users/users.service';
import { WalletService } from 'src/modules/wallet/wallet.service';
import { WalletNotifier } from 'src/modules/wallet/wallet-notifier';
import { WithdrawalRequests } from 'src/modules/withdrawals/withdrawal-requests.service';
import { createServiceHarness, ServiceHarness } from '../support/service-harness';
import { counterValue } from '../support/metric-helpers';

describe('Unit of work failure branches against a real database (medium)', () => {
  let h: ServiceHarness;
  let uow: UnitOfWork;

  beforeAll(async () => {
    h = await createServiceHarness();
    uow = h.module.get(UnitOfWork);
    await h.db.query(`CREATE TABLE uow_medium_probe (id text PRIMARY KEY, attempt int NOT NULL)`);
  });
  afterAll(async () => {
    await h.db.query(`DROP TABLE IF EXISTS uow_medium_probe`);
    await h.close();
  });

  /** A trigger that raises `sqlstate` for the first `times` inserts into the probe table (a sequence counts, outside the transaction). */
  async function failInserts(sqlstate: string, times: number): Promise<() => Promise<void>> {
    const name = `medium_fault_${randomUUID().replace(/-/g, '')}`;
    await h.db.query(`CREATE SEQUENCE ${name}_n`);
    await h.db.query(
      `CREATE FUNCTION ${name}() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         IF nextval('${name}_n') <= ${times} THEN
           RAISE EXCEPTION 'injected' USING ERRCODE = '${sqlstate}';
         END IF;
         RETURN NEW;
       END $$`,
    );
    await h.db.query(
      `CREATE TRIGGER ${name} BEFORE INSERT ON uow_medium_probe FOR EACH ROW EXECUTE FUNCTION ${name}()`,
    );
    return async () => {
      await h.db.query(`DROP TRIGGER ${name} ON uow_medium_probe`);
      await h.db.query(`DROP FUNCTION ${name}()`);
      await h.db.query(`DROP SEQUENCE ${name}_n`);
    };
  }

  async function newUser(): Promise<string> {
    const u = await h.module.get(UsersService).create({
      email: `medium-${randomUUID()}@example.com`,
      password: 'medium-password-123',
      name: 'Medium Tester',
      role: 'CLIENT',
    });
    return u.id;
  }

  async function payoutAccount(userId: string): Promise<string> {
    const [row] = await h.db.query<Array<{ id: string }>>(
      `INSERT INTO payment_methods (user_id, type, account_name, account_number, is_verified, verified_at, created_at)
       VALUES ($1, 'MAYA', 'Juan Cruz', '09171234567', true, now() - interval '7 days', now() - interval '7 days')
       RETURNING id`,
      [userId],
    );
    return row.id;
  }

  async function holdCount(): Promise<number> {
    const [r] = await h.db.query<Array<{ n: string }>>(`SELECT count(*) AS n FROM ledger_holds`);
    return Number(r.n);
  }

  it.each([
    ['serialization failure', '40001'],
    ['deadlock', '40P01'],
  ])('should retry a %s as a whole and commit the work once', async (_label, sqlstate) => {
    const restore = await failInserts(sqlstate, 2);
    const name = `medium.retry.${sqlstate}`;
    const before = await counterValue(unitOfWorkRetries, name);
    const hooks: number[] = [];
    let attempts = 0;
    try {
      const id = randomUUID();
      const result = await uow.run(name, async (m, work) => {
        attempts++;
        work.afterCommit(() => {
          hooks.push(attempts);
        });
        await m.query(`INSERT INTO uow_medium_probe (id, attempt) VALUES ($1, $2)`, [id, attempts]);
        return `done on ${attempts}`;
      });
      expect(result).toBe('done on 3');
      expect(attempts).toBe(3);
      // Only the committed attempt's hooks ran.
      expect(hooks).toEqual([3]);
      expect(await h.db.query(`SELECT attempt FROM uow_medium_probe WHERE id = $1`, [id])).toEqual([
        { attempt: 3 },
      ]);
      expect((await counterValue(unitOfWorkRetries, name)) - before).toBe(2);
    } finally {
      await restore();
    }
  });

  it('should not retry a non-retryable database error, and leave nothing behind', async () => {
    const restore = await failInserts('23514', 1);
    let attempts = 0;
    const id = randomUUID();
    try {
      await expect(
        uow.run('medium.no-retry', async (m) => {
          attempts++;
          await m.query(`INSERT INTO uow_medium_probe (id, attempt) VALUES ($1, 1)`, [id]);
        }),
      ).rejects.toThrow('injected');
      expect(attempts).toBe(1);
      expect(await h.db.query(`SELECT 1 FROM uow_medium_probe WHERE id = $1`, [id])).toEqual([]);
    } finally {
      await restore();
    }
  });

  it('should roll the whole withdrawal back when the ledger refuses its hold mid-flow', async () => {
    const userId = await newUser();
    const methodId = await payoutAccount(userId);
    const notify = jest.spyOn(h.module.get(WalletNotifier), 'publish');
    const holdsBefore = await holdCount();
    try {
      // The wallet is empty: the transaction row is written, then the ledger hold is REJECTED.
      const err = await h.module
        .get(WithdrawalRequests)
        .withdraw(userId, { amount: 10_000, paymentMethodId: methodId })
        .then(
          () => null,
          (e: unknown) => e,
        );
      expect(err).toBeInstanceOf(AppError);
      expect(err).toMatchObject({ status: 409, code: 'INSUFFICIENT_FUNDS' });
      expect(await h.db.query(`SELECT id FROM transactions WHERE user_id = $1`, [userId])).toEqual(
        [],
      );
      expect(await holdCount()).toBe(holdsBefore);
      expect(notify).not.toHaveBeenCalled();
      const w = await h.module.get(WalletService).getWallet(userId);
      expect({ balance: w.balance, reserved: w.reserved }).toEqual({ balance: 0, reserved: 0 });
    } finally {
      notify.mockRestore();
    }
  });

  it('should answer a committed withdrawal even when an after-commit hook fails', async () => {
    const userId = await newUser();
    const methodId = await payoutAccount(userId);
    const funded = await h.module.get(LedgerService).post({
      entryId: `medium-deposit:${randomUUID()}`,
      type: 'DEPOSIT',
      legs: [
        { account: 'gateway:paymongo:clearing', direction: 'DEBIT', amount: 50_000 },
        { account: `wallet:${userId}:available`, direction: 'CREDIT', amount: 50_000 },
      ],
    });
    expect(funded.status).toBe('APPLIED');
    const notify = jest
      .spyOn(h.module.get(WalletNotifier), 'publish')
      .mockRejectedValue(new Error('realtime down'));
    const before = await counterValue(afterCommitFailures, 'withdrawal.create');
    try {
      const res = await h.module
        .get(WithdrawalRequests)
        .withdraw(userId, { amount: 10_000, paymentMethodId: methodId });
      expect(res.transaction.type).toBe('WITHDRAWAL');
      expect(res.transaction.amount).toBe(10_000);
      expect(notify).toHaveBeenCalledWith(userId);
      expect((await counterValue(afterCommitFailures, 'withdrawal.create')) - before).toBe(1);
      const rows = await h.db.query<Array<{ type: string }>>(
        `SELECT type FROM transactions WHERE id = $1`,
        [res.transaction.id],
      );
      expect(rows).toEqual([{ type: 'WITHDRAWAL' }]);
    } finally {
      notify.mockRestore();
    }
  });
});
