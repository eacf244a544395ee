import { Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { UnitOfWork } from 'src/common/database/unit-of-work';
import { AppError } from 'src/common/errors/app-error';
import { WithdrawalErrors } from './withdrawals.errors';
import { pageOf } from 'src/common/http/page';
import { AuditLogService } from '../audit/audit-log.service';
import { PaymentProviderRegistry } from '../payments/providers/payment-provider.token';
import type { AfterCommit } from '../payments/settlement/settlement.types';
import {
  toTransactionResponse,
  Transaction,
  TransactionResponse,
} from '../wallet/transaction.model';
import { TransactionsRepository } from '../wallet/transactions.repository';
import { PayoutRequester } from './payout-requester';
import type { AdminActor } from './withdrawal.types';
import { WithdrawalSettlement } from './withdrawal-settlement.service';

export {
  PAYOUTS_IN_TRANSIT,
  reversalEntryId,
  type AdminActor,
  type PayoutState,
  type WithdrawResult,
} from './withdrawal.types';

/**
 * Withdrawals after they are made (ADR 0046): the scheduled payout poll and the admin queue (list,
 * approve, reject). Creating one is WithdrawalRequests; how one ends is WithdrawalSettlement. Every
 * resolution locks the withdrawal row, so a callback, the poll, an admin approve and an admin reject
 * resolve it exactly once.
 */
@Injectable()
export class WithdrawalsService {
  private readonly logger = new Logger('Withdrawals');

  constructor(
    private readonly uow: UnitOfWork,
    private readonly providers: PaymentProviderRegistry,
    private readonly transactions: TransactionsRepository,
    private readonly settlement: WithdrawalSettlement,
    private readonly payouts: PayoutRequester,
    private readonly audit: AuditLogService,
  ) {}

  /**
   * Scheduled: asks the gateway about payouts still PENDING (PayMongo reports transfers by polling;
   * Xendit also calls back). Each outcome is applied under the row lock, so a callback racing the poll
   * settles it once. Payouts whose request had an unknown outcome, and manual ones, have no gateway
   * id and are left to an admin: they are never (re-)sent.
   */
  async pollPayouts(): Promise<{
    succeeded: number;
    failed: number;
    pending: number;
    errors: number;
  }> {
    const counts = { succeeded: 0, failed: 0, pending: 0, errors: 0 };
    const rows = await this.transactions.pendingPayouts(500);
    for (const r of rows) {
      try {
        const payout = await this.providers.byName(r.provider).getPayout(r.provider_reference);
        if (payout.status === 'succeeded')
          await this.settlement.resolve(r.id, (t, m) => this.settlement.succeedLocked(t, m, {}));
        else if (payout.status === 'failed' || payout.status === 'reversed')
          // Still PENDING here: nothing was posted yet, so a reversal is a failure for us.
          await this.settlement.resolve(r.id, (t, m) =>
            this.settlement.failLocked(t, m, `payout ${payout.status}`),
          );
        counts[payout.status === 'reversed' ? 'failed' : payout.status]++;
      } catch (err) {
        counts.errors++;
        this.logger.warn(
          `Polling payout of ${r.id} failed: ${err instanceof Error ? err.message : String(err)}`,
        );
      }
    }
    return counts;
  }

  /** Admin queue: withdrawals by status, oldest first (FIFO settlement); `cursor` is the last id seen. */
  async list(status: 'PENDING' | 'COMPLETED' | 'FAILED', limit: number, cursor?: string) {
    const rows = await this.transactions.withdrawalQueue(status, limit, cursor);
    return pageOf(
      rows,
      limit,
      (r) => ({
        id: r.id,
        userId: r.userId,
        userEmail: r.userEmail,
        amount: r.amount,
        currency: 'PHP',
        status: r.status,
        provider: r.provider,
        providerReference: r.providerReference,
        paymentMethodId: r.paymentMethodId,
        destination: r.metadata.destination ?? null,
        payoutState: r.metadata.payoutState ?? null,
        rail: r.metadata.rail ?? null,
        adminReference: r.metadata.adminReference ?? null,
        createdAt: r.createdAt.toISOString(),
        completedAt: r.completedAt ? r.completedAt.toISOString() : null,
      }),
      (r) => r.id,
    );
  }

  /**
   * Admin: the payout was made by hand (or confirmed) — post the hold. Exactly once. A withdrawal
   * held for review (new payout account) is instead released: its one payout request goes to the
   * gateway now, and the gateway's answer settles it as usual (a manual gateway queues it again).
   */
  approve(actor: AdminActor, id: string, reference: string): Promise<TransactionResponse> {
    return this.resolveByAdmin(actor, id, 'withdrawal.approve', { reference }, async (txn, m) => {
      if (txn.metadata.payoutState !== 'review')
        return this.settlement.succeedLocked(txn, m, {
          adminReference: reference,
          approvedBy: actor.id,
        });
      await this.transactions.attachProvider(
        txn.id,
        {
          metadata: { payoutState: 'requested', reviewedBy: actor.id, reviewReference: reference },
        },
        m,
      );
      return [
        async () => {
          const released = await this.transactions.findById(txn.id);
          if (released) await this.payouts.request(released);
        },
      ];
    });
  }

  /** Admin: refuse the withdrawal — void the hold, the money returns (REFUND). Exactly once. */
  reject(actor: AdminActor, id: string, reason: string): Promise<TransactionResponse> {
    return this.resolveByAdmin(actor, id, 'withdrawal.reject', { reason }, (txn, m) =>
      this.settlement.failLocked(txn, m, `rejected by admin: ${reason}`),
    );
  }

  private async resolveByAdmin(
    actor: AdminActor,
    id: string,
    action: string,
    detail: Record<string, unknown>,
    fn: (txn: Transaction, m: EntityManager) => Promise<AfterCommit[]>,
  ): Promise<TransactionResponse> {
    // With an Idempotency-Key the resolution is recorded on it: a retry after a crash gets the
    // resolved withdrawal, not 409 WITHDRAWAL_NOT_PENDING (ADR 0060).
    return this.uow.runOnce(action, async (m, work) => {
      const locked = await this.transactions.lockById(id, m);
      if (!locked || locked.type !== 'WITHDRAWAL')
        throw new AppError(WithdrawalErrors.WITHDRAWAL_NOT_FOUND, {
          message: 'Withdrawal not found',
        });
      if (locked.status !== 'PENDING')
        throw new AppError(WithdrawalErrors.WITHDRAWAL_NOT_PENDING, {
          message: `Withdrawal is already ${locked.status}`,
        });
      work.afterCommit(...(await fn(locked, m)));
      const done = await this.transactions.findById(id, m);
      await this.audit.record(
        {
          actorId: actor.id,
          action,
          targetType: 'transaction',
          targetId: id,
          before: { status: 'PENDING' },
          after: { status: done?.status ?? null },
          requestId: actor.requestId ?? null,
          metadata: { ...detail, amount: locked.amount, userId: locked.userId },
        },
        m,
      );
      return toTransactionResponse(done ?? locked);
    });
  }
}
