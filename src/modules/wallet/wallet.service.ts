import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { UnitOfWork } from 'src/common/database/unit-of-work';
import { AppError } from 'src/common/errors/app-error';
import { LedgerErrors } from '../ledger/ledger.errors';
import { WalletErrors } from './wallet.errors';
import { walletAccount, walletPendingAccount } from '../ledger/account-policy';
import { LedgerService } from '../ledger/ledger.service';
import type { PostInput, PostResult } from '../ledger/ledger.types';
import type { Transaction } from './transaction.model';
import { TransactionsRepository } from './transactions.repository';

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
    private readonly transactions: TransactionsRepository,
    private readonly uow: UnitOfWork,
  ) {}

  /**
   * Moves the money of a PENDING transaction and marks it COMPLETED, atomically: locks the row, posts
   * the entry (`entry.entryId` should be derived from the transaction, e.g. `deposit:<id>`), completes
   * it. Repeating is safe: an already COMPLETED transaction is returned as is (`alreadyCompleted`);
   * a refused posting (insufficient funds) throws 409 INSUFFICIENT_FUNDS and changes nothing; a
   * transaction in another terminal state throws 409 TRANSACTION_NOT_PENDING.
   */
  async completeWithEntry(
    transactionId: string,
    entry: PostInput,
    manager?: EntityManager,
  ): Promise<{ transaction: Transaction; ledger: PostResult | null; alreadyCompleted: boolean }> {
    const run = async (m: EntityManager) => {
      const tx = await this.transactions.lockById(transactionId, m);
      if (!tx)
        throw new AppError(WalletErrors.TRANSACTION_NOT_FOUND, {
          message: 'Transaction not found',
        });
      if (tx.status === 'COMPLETED')
        return { transaction: tx, ledger: null, alreadyCompleted: true };
      if (tx.status !== 'PENDING')
        throw new AppError(WalletErrors.TRANSACTION_NOT_PENDING, {
          message: `Transaction is already ${tx.status}`,
        });
      const result = await this.ledger.post({ reference: transactionId, ...entry }, m);
      if (result.status === 'REJECTED')
        throw new AppError(LedgerErrors.INSUFFICIENT_FUNDS, {
          message: 'Insufficient available funds',
        });
      const done = await this.transactions.complete(
        transactionId,
        { ledgerEntryId: entry.entryId },
        m,
      );
      return { transaction: done, ledger: result, alreadyCompleted: false };
    };
    return manager ? run(manager) : this.uow.run('wallet.complete', run);
  }

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
