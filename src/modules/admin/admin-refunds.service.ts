import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { UnitOfWork } from 'src/common/database/unit-of-work';
import { AppError } from 'src/common/errors/app-error';
import { AuditLogService } from '../audit/audit-log.service';
import { walletAccount } from '../ledger/account-policy';
import { LedgerService } from '../ledger/ledger.service';
import { WalletNotifier } from '../wallet/wallet-notifier';
import { GatewayRefundsService, RefundState } from '../payments/refunds/gateway-refunds.service';
import {
  toTransactionResponse,
  Transaction,
  TransactionResponse,
} from '../wallet/transaction.model';
import { TransactionsRepository } from '../wallet/transactions.repository';
import type { RefundDestination, RefundTransactionDto } from './admin-refund.dto';
import { AdminErrors } from './admin.errors';
import { PaymentErrors } from '../payments/payments.errors';
import { WalletErrors } from '../wallet/wallet.errors';

/** Where a wallet refund of each kind of charge is paid from (see ADR 0045). */
const REFUND_SOURCE: Record<string, string> = {
  FEE: 'platform:fees',
  PAYMENT: 'platform:adjustments',
};

export interface RefundResult {
  refund: TransactionResponse;
  refundedTotal: number;
  refundable: number;
  to: RefundDestination;
  /** `completed` for wallet refunds; the gateway's state for refunds to the original method. */
  refundState: RefundState | 'completed';
}

/** What the refund's transaction commits; plain JSON (it is recorded on the Idempotency-Key). */
interface Prepared {
  result: RefundResult;
  originalId: string;
  refundTxnId: string;
}

/**
 * Admin refunds of a client's charge (ADR 0045, 0085). The original transaction row is locked, so
 * concurrent refunds serialise and the running total (completed and pending refunds) never passes what
 * was paid. `wallet`: one ledger entry and a COMPLETED REFUND. `original` (gateway-paid charges): a
 * hold and a PENDING REFUND now, the gateway refund after commit (GatewayRefundsService). Either way
 * the audit record commits with the refund.
 */
@Injectable()
export class AdminRefundsService {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly ledger: LedgerService,
    private readonly transactions: TransactionsRepository,
    private readonly audit: AuditLogService,
    private readonly gatewayRefunds: GatewayRefundsService,
    private readonly notifier: WalletNotifier,
  ) {}

  async refund(
    actor: { id: string; requestId?: string },
    id: string,
    input: RefundTransactionDto,
  ): Promise<RefundResult> {
    // Recorded on the request's Idempotency-Key with the refund: a retry after a crash returns this
    // refund, never a second one (ADR 0060).
    const prepared = await this.uow.runOnce('admin.refund', (m) =>
      this.prepare(actor, id, input, m),
    );
    const refundTxn = await this.transactions.findById(prepared.refundTxnId);
    if (!refundTxn) throw new Error(`refund ${prepared.refundTxnId} vanished`);
    await this.notifier.publish(refundTxn.userId);
    if (prepared.result.to === 'wallet') return prepared.result;
    // Sent once: only while nothing was asked yet (a retry after a crash before the call). The
    // gateway idempotency key is the refund's id, so even that retry cannot refund twice.
    let state = prepared.result.refundState;
    if (refundTxn.status === 'PENDING' && refundTxn.metadata.refundState === 'requested') {
      const original = await this.transactions.findById(prepared.originalId);
      if (!original) throw new Error(`transaction ${prepared.originalId} vanished`);
      state = await this.gatewayRefunds.request(refundTxn, original);
    }
    const current = (await this.transactions.findById(refundTxn.id)) ?? refundTxn;
    const failed = current.status === 'FAILED' ? current.amount : 0;
    return {
      ...prepared.result,
      refund: toTransactionResponse(current),
      refundedTotal: prepared.result.refundedTotal - failed,
      refundable: prepared.result.refundable + failed,
      refundState:
        current.status === 'PENDING' ? state : (current.metadata.refundState as RefundState),
    };
  }

  private async prepare(
    actor: { id: string; requestId?: string },
    id: string,
    input: RefundTransactionDto,
    m: EntityManager,
  ): Promise<Prepared> {
    const original = await this.transactions.lockById(id, m);
    if (!original) throw new AppError(WalletErrors.TRANSACTION_NOT_FOUND);
    const gatewayPaid = Boolean(original.provider && original.providerReference);
    const isCharge = original.type in REFUND_SOURCE || original.type === 'DEPOSIT';
    if (!isCharge || original.status !== 'COMPLETED')
      throw new AppError(PaymentErrors.NOT_REFUNDABLE);
    const to: RefundDestination = input.to ?? (gatewayPaid ? 'original' : 'wallet');
    if (to === 'original' && !gatewayPaid)
      throw new AppError(AdminErrors.NOT_REFUNDABLE_TO_ORIGINAL);
    if (to === 'wallet' && original.type === 'DEPOSIT')
      throw new AppError(PaymentErrors.NOT_REFUNDABLE, {
        message: 'A deposit is already in the wallet; refund it to the original payment method',
      });
    if (original.jobId) await this.assertJobSettled(original.jobId, m);
    const refundedBefore = await this.transactions.refundedTotal(original.id, m);
    const refundable = original.amount - refundedBefore;
    if (input.amount > refundable)
      throw new AppError(AdminErrors.REFUND_EXCEEDS_PAID, {
        message: `At most ${refundable} centavos can still be refunded`,
        details: [{ paid: original.amount, refunded: refundedBefore, refundable }],
      });
    // Deposits come back out of the wallet they went into; job charges are paid back by the platform.
    const source =
      original.type === 'DEPOSIT' ? walletAccount(original.userId) : REFUND_SOURCE[original.type];
    const refundTxn =
      to === 'original'
        ? await this.gatewayRefunds.reserve(
            original,
            {
              amount: input.amount,
              reason: input.reason,
              gatewayReason: input.gatewayReason ?? 'requested_by_customer',
              sourceAccount: source,
              actorId: actor.id,
            },
            m,
          )
        : await this.refundToWallet(original, input, source, actor.id, m);
    await this.audit.record(
      {
        actorId: actor.id,
        action: 'transaction.refund',
        targetType: 'transaction',
        targetId: original.id,
        before: { refunded: refundedBefore },
        after: { refunded: refundedBefore + input.amount, refundTransactionId: refundTxn.id },
        requestId: actor.requestId ?? null,
        metadata: { amount: input.amount, reason: input.reason, source, to },
      },
      m,
    );
    return {
      originalId: original.id,
      refundTxnId: refundTxn.id,
      result: {
        refund: toTransactionResponse(refundTxn),
        refundedTotal: refundedBefore + input.amount,
        refundable: refundable - input.amount,
        to,
        refundState: to === 'wallet' ? 'completed' : 'requested',
      },
    };
  }

  /**
   * Money of a running job is still in escrow and leaves it only by completion or cancel; a finished
   * job's status can no longer change (shared lock: no cancel can interleave).
   */
  private async assertJobSettled(jobId: string, m: EntityManager): Promise<void> {
    const [job] = await m.query<Array<{ status: string }>>(
      `SELECT status FROM jobs WHERE id = $1 FOR SHARE`,
      [jobId],
    );
    if (job && job.status !== 'COMPLETED' && job.status !== 'CANCELLED')
      throw new AppError(AdminErrors.JOB_NOT_SETTLED);
  }

  private async refundToWallet(
    original: Transaction,
    input: RefundTransactionDto,
    source: string,
    actorId: string,
    m: EntityManager,
  ): Promise<Transaction> {
    const refund = await this.transactions.createPending(
      {
        userId: original.userId,
        type: 'REFUND',
        amount: input.amount,
        jobId: original.jobId ?? undefined,
        reference: original.id,
        description: `Refund: ${input.reason}`,
        metadata: { refundOf: original.id, reason: input.reason, by: actorId, to: 'wallet' },
      },
      m,
    );
    const entryId = `refund:${refund.id}`;
    const posted = await this.ledger.post(
      {
        entryId,
        type: 'REFUND',
        reference: original.id,
        metadata: { refundOf: original.id, reason: input.reason, adminId: actorId },
        legs: [
          { account: source, direction: 'DEBIT', amount: input.amount },
          { account: walletAccount(original.userId), direction: 'CREDIT', amount: input.amount },
        ],
      },
      m,
    );
    if (posted.status !== 'APPLIED')
      throw new Error(`Refund entry ${entryId} was ${posted.status}: ${posted.reason ?? ''}`);
    return this.transactions.complete(refund.id, { ledgerEntryId: entryId }, m);
  }
}
