import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import type { SettlementEvent } from 'src/modules/payments/settlement/settlement.types';
import { UsersService } from 'src/modules/users/users.service';
import { TransactionsRepository } from 'src/modules/wallet/transactions.repository';
import type { ServiceHarness } from './service-harness';

/** A PENDING PayMongo checkout transaction as a route leaves it: purpose in metadata, checkout id attached. */
export interface PendingCheckout {
  userId: string;
  id: string;
  checkoutId: string;
}

/** A new user of `role`; `label` tells which spec made it. */
export async function newUser(
  h: ServiceHarness,
  label: string,
  role: 'CLIENT' | 'WORKER' = 'CLIENT',
): Promise<string> {
  const u = await h.module.get(UsersService).create({
    email: `${label}-${randomUUID()}@example.com`,
    password: 'medium-password-123',
    name: label,
    role,
  });
  return u.id;
}

export async function pendingCheckout(
  h: ServiceHarness,
  input: {
    userId: string;
    type: 'DEPOSIT' | 'VERIFICATION_BONUS' | 'PAYMENT';
    paymentType: string;
    amount: number;
    jobId?: string;
  },
): Promise<PendingCheckout> {
  const transactions = h.module.get(TransactionsRepository);
  const checkoutId = `cs_${randomUUID().replace(/-/g, '')}`;
  const txn = await transactions.createPending({
    userId: input.userId,
    type: input.type,
    amount: input.amount,
    provider: 'paymongo',
    jobId: input.jobId,
    metadata: { paymentType: input.paymentType },
  });
  await transactions.attachProvider(txn.id, { providerReference: checkoutId });
  return { userId: input.userId, id: txn.id, checkoutId };
}

/** PayMongo's paid finding for the checkout: a new event id and payment id each call. */
export const paidEvent = (
  txn: { id: string; checkoutId: string },
  amount: number,
): SettlementEvent => ({
  provider: 'paymongo',
  eventId: `evt_${randomUUID()}`,
  type: 'paid',
  checkoutId: txn.checkoutId,
  payoutId: null,
  paymentIntentId: null,
  paymentId: `pay_${randomUUID().replace(/-/g, '')}`,
  transactionHint: txn.id,
  amount,
  currency: 'PHP',
});

/** Runs `fn` while the ledger refuses (raises on) the insert of entry `entryId`, then removes the fault. */
export async function withLedgerEntryFailing(
  db: DataSource,
  entryId: string,
  fn: () => Promise<void>,
): Promise<void> {
  await db.query(
    `CREATE FUNCTION test_fail_ledger() RETURNS trigger LANGUAGE plpgsql AS $$
     BEGIN RAISE EXCEPTION 'injected ledger failure'; END $$`,
  );
  await db.query(
    `CREATE TRIGGER test_fail_ledger BEFORE INSERT ON ledger_entries FOR EACH ROW
     WHEN (NEW.entry_id = '${entryId.replace(/'/g, "''")}') EXECUTE FUNCTION test_fail_ledger()`,
  );
  try {
    await fn();
  } finally {
    await db.query(`DROP TRIGGER test_fail_ledger ON ledger_entries`);
    await db.query(`DROP FUNCTION test_fail_ledger()`);
  }
}
