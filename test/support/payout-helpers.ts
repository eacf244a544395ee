import request from 'supertest';
import { WithdrawalsService } from 'src/modules/withdrawals/withdrawals.service';
import { bearer, type TestUser } from './auth-helpers';
import { eventually } from './eventually';
import type { TestApp } from './test-app';

/**
 * A payout account that already earned automatic payouts: verified and added a week ago. For tests
 * about withdrawals, not about how an account gets there (a paid verification, the cooldown and an
 * admin-approved first bank payout: payout-account-trust.e2e-spec.ts).
 */
export async function trustedPayoutAccount(
  t: TestApp,
  u: Pick<TestUser, 'id'>,
  account: { type?: 'GCASH' | 'MAYA'; accountNumber?: string; accountName?: string } = {},
): Promise<string> {
  const [row] = await t.db.query<Array<{ id: string }>>(
    `INSERT INTO payment_methods (user_id, type, account_name, account_number, is_verified, verified_at, created_at)
     VALUES ($1, $2, $3, $4, true, now() - interval '7 days', now() - interval '7 days') RETURNING id`,
    [
      u.id,
      account.type ?? 'MAYA',
      account.accountName ?? 'Juan Cruz',
      account.accountNumber ?? '09171234567',
    ],
  );
  return row.id;
}

/**
 * Polls the gateway (as the scheduled job does) until the withdrawal left PENDING, with a generous
 * deadline; answers 'PENDING' if it never did.
 */
export async function settledWithdrawal(
  t: TestApp,
  u: Pick<TestUser, 'accessToken'>,
  id: string,
): Promise<string> {
  let status = 'PENDING';
  await eventually(
    async () => {
      await t.app.get(WithdrawalsService).pollPayouts();
      const tx = (await request(t.url).get(`/api/wallet/transactions/${id}`).set(bearer(u)))
        .body as { status: string };
      status = tx.status;
      return status !== 'PENDING';
    },
    { intervalMs: 50, what: `withdrawal ${id} settled` },
  ).catch(() => undefined);
  return status;
}
