import { randomUUID } from 'node:crypto';
import { LedgerService } from 'src/modules/ledger/ledger.service';
import type { TestApp } from './test-app';

/** Tops up a wallet as a confirmed gateway deposit would (clearing → wallet); fails if not applied. */
export async function fundWallet(t: TestApp, user: { id: string }, amount: number): Promise<void> {
  const r = await t.app.get(LedgerService).post({
    entryId: `test-deposit:${randomUUID()}`,
    type: 'DEPOSIT',
    legs: [
      { account: 'gateway:paymongo:clearing', direction: 'DEBIT', amount },
      { account: `wallet:${user.id}:available`, direction: 'CREDIT', amount },
    ],
  });
  if (r.status !== 'APPLIED') throw new Error(`test deposit was ${r.status}: ${r.reason ?? ''}`);
}
