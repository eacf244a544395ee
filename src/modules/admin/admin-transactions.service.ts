import { Injectable } from '@nestjs/common';
import { AppError } from 'src/common/errors/app-error';
import { WalletErrors } from '../wallet/wallet.errors';
import { CommonErrors } from 'src/common/errors/common.errors';
import { toTransactionResponse, type TransactionResponse } from '../wallet/transaction.model';
import type { TransactionWithOwner } from '../wallet/transaction-search';
import { TransactionsRepository } from '../wallet/transactions.repository';
import type { AdminTransactionsQuery } from './admin-transactions.query';

export interface AdminTransaction extends TransactionResponse {
  userId: string;
  userEmail: string;
  ledgerEntryId: string | null;
  metadata: Record<string, unknown>;
}

/** Read-only search over every user's transactions for support and finance. */
@Injectable()
export class AdminTransactionsService {
  constructor(private readonly transactions: TransactionsRepository) {}

  async search(
    q: AdminTransactionsQuery,
  ): Promise<{ data: AdminTransaction[]; nextCursor: string | null }> {
    const limit = q.limit ?? 50;
    if (q.from && q.to && new Date(q.from) >= new Date(q.to))
      throw new AppError(CommonErrors.VALIDATION_FAILED, { message: '`from` must be before `to`' });
    const rows = await this.transactions.search(q, limit);
    const page = rows.slice(0, limit);
    return {
      data: page.map(toAdminTransaction),
      nextCursor: rows.length > limit ? page[page.length - 1].id : null,
    };
  }

  async get(id: string): Promise<AdminTransaction> {
    const t = await this.transactions.findWithOwner(id);
    if (!t)
      throw new AppError(WalletErrors.TRANSACTION_NOT_FOUND, { message: 'Transaction not found' });
    return toAdminTransaction(t);
  }
}

function toAdminTransaction(t: TransactionWithOwner): AdminTransaction {
  return {
    ...toTransactionResponse(t),
    userId: t.userId,
    userEmail: t.userEmail,
    ledgerEntryId: t.ledgerEntryId,
    metadata: t.metadata,
  };
}
