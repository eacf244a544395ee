import request from 'supertest';
import { bearer, TestUser } from './auth-helpers';

export interface DepositBody {
  transaction: { id: string; status: string; amount: number; provider: string };
  checkoutUrl: string;
  checkoutId: string;
  provider: string;
}

export async function startDeposit(
  url: string,
  user: TestUser,
  amount: number,
  key?: string,
): Promise<DepositBody> {
  const req = request(url).post('/api/wallet/deposit').set(bearer(user));
  if (key) void req.set('Idempotency-Key', key);
  const res = await req.send({ amount }).expect(201);
  return res.body as DepositBody;
}

/** `GET /api/wallet` of the user (contract shape). */
export interface WalletBody {
  currency: string;
  balance: number;
  reserved: number;
  available: number;
  pendingEarnings: number;
  updatedAt: string;
}

export async function walletOf(url: string, user: TestUser): Promise<WalletBody> {
  return (await request(url).get('/api/wallet').set(bearer(user)).expect(200)).body as WalletBody;
}

export async function transactionOf(
  url: string,
  user: TestUser,
  id: string,
): Promise<{ status: string; amount: number }> {
  return (await request(url).get(`/api/wallet/transactions/${id}`).set(bearer(user)).expect(200))
    .body as {
    status: string;
    amount: number;
  };
}
