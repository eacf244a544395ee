import { Injectable } from '@nestjs/common';
import { walletAccount, walletPendingAccount } from '../ledger/account-policy';
import { LedgerService } from '../ledger/ledger.service';
import { TransactionsService } from './transactions.service';

export interface WalletView {
  currency: 'PHP';
  balance: number;
  reserved: number;
  available: number;
  pendingEarnings: number;
  updatedAt: string;
}

export interface PendingEarningsView {
  currency: 'PHP';
  total: number;
  items: {
    transactionId: string;
    jobId: string | null;
    amount: number;
    description: string | null;
    releaseAt: string | null;
    createdAt: string;
  }[];
}

/**
 * Wallet figures straight from the ledger (never cached, so a read after a write is always fresh):
 * balance = posted balance of `wallet:<id>:available`, reserved = its active holds,
 * pendingEarnings = balance of `wallet:<id>:pending`.
 */
@Injectable()
export class WalletService {
  constructor(
    private readonly ledger: LedgerService,
    private readonly transactions: TransactionsService,
  ) {}

  async getWallet(userId: string): Promise<WalletView> {
    const main = walletAccount(userId);
    const pending = walletPendingAccount(userId);
    const b = await this.ledger.balances([main, pending], 'PHP');
    const m = b.get(main);
    const p = b.get(pending);
    const times = [m?.updatedAt, p?.updatedAt].filter((d): d is Date => d instanceof Date);
    const updatedAt = times.length
      ? new Date(Math.max(...times.map((d) => d.getTime())))
      : new Date();
    return {
      currency: 'PHP',
      balance: m?.posted ?? 0,
      reserved: m?.pending ?? 0,
      available: m?.available ?? 0,
      pendingEarnings: p?.posted ?? 0,
      updatedAt: updatedAt.toISOString(),
    };
  }

  async pendingEarnings(userId: string): Promise<PendingEarningsView> {
    const [balance, items] = await Promise.all([
      this.ledger.balance(walletPendingAccount(userId), 'PHP'),
      this.transactions.pendingEarnings(userId),
    ]);
    return {
      currency: 'PHP',
      total: balance.posted,
      items: items.map((t) => ({
        transactionId: t.id,
        jobId: t.jobId,
        amount: t.amount,
        description: t.description,
        releaseAt: t.releaseAt ? t.releaseAt.toISOString() : null,
        createdAt: t.createdAt.toISOString(),
      })),
    };
  }
}
