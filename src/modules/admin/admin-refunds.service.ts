import { Injectable } from '@nestjs/common';
import { UnitOfWork } from '../../common/database/unit-of-work';
import { AppError } from '../../common/errors/app-error';
import { AuditLogService } from '../audit/audit-log.service';
import { walletAccount } from '../ledger/account-policy';
import { LedgerService } from '../ledger/ledger.service';
import { toTransactionResponse, TransactionResponse } from '../wallet/transaction.entity';
import { TransactionsService } from '../wallet/transactions.service';

/** Where a refund of each kind of charge is paid from (see ADR 0045). */
const REFUND_SOURCE: Record<string, string> = {
  FEE: 'platform:fees',
  PAYMENT: 'platform:adjustments',
};

export interface RefundResult {
  refund: TransactionResponse;
  refundedTotal: number;
  refundable: number;
}

/**
 * Admin refunds of a client's charge (a job PAYMENT or a platform FEE) to their wallet. The original
 * transaction row is locked, so concurrent refunds serialise and the running total can never pass
 * what was paid; each refund is one ledger entry, a REFUND transaction and an audit record, committed
 * together.
 */
@Injectable()
export class AdminRefundsService {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly ledger: LedgerService,
    private readonly transactions: TransactionsService,
    private readonly audit: AuditLogService,
  ) {}

  async refund(
    actor: { id: string; requestId?: string },
    id: string,
    input: { amount: number; reason: string },
  ): Promise<RefundResult> {
    // Recorded on the request's Idempotency-Key with the refund: a retry after a crash returns this
    // refund, never a second one (ADR 0060). The result is plain JSON.
    return this.uow.runOnce('admin.refund', async (m) => {
      const original = await this.transactions.lockById(id, m);
      if (!original) throw AppError.notFound('TRANSACTION_NOT_FOUND', 'Transaction not found');
      const source = REFUND_SOURCE[original.type];
      if (!source || original.status !== 'COMPLETED')
        throw AppError.conflict(
          'NOT_REFUNDABLE',
          'Only completed job payments and platform fees can be refunded',
        );
      if (original.jobId) {
        // Money of a running job is still in escrow and leaves it only by completion or cancel;
        // a finished job's status can no longer change (shared lock: no cancel can interleave).
        const [job] = await m.query<Array<{ status: string }>>(
          `SELECT status FROM jobs WHERE id = $1 FOR SHARE`,
          [original.jobId],
        );
        if (job && job.status !== 'COMPLETED' && job.status !== 'CANCELLED')
          throw AppError.conflict(
            'JOB_NOT_SETTLED',
            'This job is still running: cancel it to return the escrowed money',
          );
      }
      const [{ total }] = await m.query<Array<{ total: string }>>(
        `SELECT coalesce(sum(amount), 0) AS total FROM transactions
         WHERE type = 'REFUND' AND status = 'COMPLETED' AND metadata->>'refundOf' = $1`,
        [original.id],
      );
      const refundedBefore = Number(total);
      const refundable = original.amount - refundedBefore;
      if (input.amount > refundable)
        throw new AppError(
          409,
          'REFUND_EXCEEDS_PAID',
          `At most ${refundable} centavos can still be refunded`,
          [{ paid: original.amount, refunded: refundedBefore, refundable }],
        );
      const refund = await this.transactions.createPending(
        {
          userId: original.userId,
          type: 'REFUND',
          amount: input.amount,
          jobId: original.jobId ?? undefined,
          reference: original.id,
          description: `Refund: ${input.reason}`,
          metadata: { refundOf: original.id, reason: input.reason, by: actor.id },
        },
        m,
      );
      const entryId = `refund:${refund.id}`;
      const posted = await this.ledger.post(
        {
          entryId,
          type: 'REFUND',
          reference: original.id,
          metadata: { refundOf: original.id, reason: input.reason, adminId: actor.id },
          legs: [
            { account: source, direction: 'DEBIT', amount: input.amount },
            { account: walletAccount(original.userId), direction: 'CREDIT', amount: input.amount },
          ],
        },
        m,
      );
      if (posted.status !== 'APPLIED')
        throw new Error(`Refund entry ${entryId} was ${posted.status}: ${posted.reason ?? ''}`);
      const completed = await this.transactions.complete(refund.id, { ledgerEntryId: entryId }, m);
      await this.audit.record(
        {
          actorId: actor.id,
          action: 'transaction.refund',
          targetType: 'transaction',
          targetId: original.id,
          before: { refunded: refundedBefore },
          after: { refunded: refundedBefore + input.amount, refundTransactionId: refund.id },
          requestId: actor.requestId ?? null,
          metadata: { amount: input.amount, reason: input.reason, source },
        },
        m,
      );
      return {
        refund: toTransactionResponse(completed),
        refundedTotal: refundedBefore + input.amount,
        refundable: refundable - input.amount,
      };
    });
  }
}
