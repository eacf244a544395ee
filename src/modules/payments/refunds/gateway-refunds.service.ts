import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { UnitOfWork } from 'src/common/database/unit-of-work';
import { AppError } from 'src/common/errors/app-error';
import { LedgerService } from 'src/modules/ledger/ledger.service';
import { RealtimePublisher } from 'src/modules/realtime/realtime.publisher';
import type { Transaction } from 'src/modules/wallet/transaction.model';
import { TransactionsRepository } from 'src/modules/wallet/transactions.repository';
import { clearingAccount } from 'src/modules/ledger/account-policy';
import { WalletNotifier } from 'src/modules/wallet/wallet-notifier';
import type { RefundReason, RefundResult } from '../providers/payment-provider';
import { PaymentProviderRegistry } from '../providers/payment-provider.token';
import { ProviderError } from '../providers/provider-errors';
import { PaymentHandlerRegistry } from '../settlement/payment-handler.registry';
import type { AfterCommit } from '../settlement/settlement.types';
import { LedgerErrors } from 'src/modules/ledger/ledger.errors';
import { PaymentErrors } from '../payments.errors';

/** Where a refund to the original method stands; kept in the REFUND transaction's metadata. */
export type RefundState = 'requested' | 'pending' | 'succeeded' | 'failed' | 'unknown';

export const refundHoldId = (refundTxnId: string) => `refund:${refundTxnId}`;

export interface ReserveRefundInput {
  amount: number;
  /** Free text for people (shown on the transaction, sent as the gateway's notes). */
  reason: string;
  gatewayReason: RefundReason;
  /** The ledger account the money is reserved from (the wallet for deposits). */
  sourceAccount: string;
  actorId: string;
}

/**
 * Refunds to the payer's original method (ADR 0085). The amount is reserved at once by a ledger hold
 * from the source account to the gateway's clearing account, next to a PENDING REFUND transaction;
 * after commit ONE refund is requested with the transaction id as idempotency key. The gateway's
 * answer, its webhook or reconciliation then posts the hold (money left through the gateway) or voids
 * it (money back). Every resolution locks the REFUND row, so whoever races resolves it once. A create
 * with an unknown outcome is never sent again: reconciliation looks the refund up by our reference.
 */
@Injectable()
export class GatewayRefundsService implements OnModuleInit {
  private readonly log = new Logger('Refunds');

  constructor(
    private readonly uow: UnitOfWork,
    private readonly providers: PaymentProviderRegistry,
    private readonly ledger: LedgerService,
    private readonly transactions: TransactionsRepository,
    private readonly handlers: PaymentHandlerRegistry,
    private readonly notifier: WalletNotifier,
    private readonly realtime: RealtimePublisher,
  ) {}

  onModuleInit(): void {
    this.handlers.registerRefundHandler({
      onSucceeded: ({ txn, event, manager }) =>
        this.postLocked(txn, manager, event.refundIds?.length === 1 ? event.refundIds[0] : null),
      onFailed: ({ txn, manager }) => this.voidLocked(txn, manager, 'refund failed at the gateway'),
    });
  }

  /**
   * In the caller's transaction, with the charge's row locked: the PENDING REFUND and its hold.
   * 409 INSUFFICIENT_FUNDS (and the caller's transaction rolls back) when the source cannot cover it.
   */
  async reserve(
    original: Transaction,
    input: ReserveRefundInput,
    m: EntityManager,
  ): Promise<Transaction> {
    if (!original.provider || !original.providerReference)
      throw new AppError(PaymentErrors.NOT_REFUNDABLE, {
        message: 'This charge was not paid through a gateway',
      });
    const refund = await this.transactions.createPending(
      {
        userId: original.userId,
        type: 'REFUND',
        amount: input.amount,
        provider: original.provider,
        jobId: original.jobId ?? undefined,
        reference: original.id,
        description: `Refund to original payment method: ${input.reason}`,
        metadata: {
          refundOf: original.id,
          reason: input.reason,
          by: input.actorId,
          to: 'original',
          gatewayReason: input.gatewayReason,
          sourceAccount: input.sourceAccount,
          refundState: 'requested' satisfies RefundState,
        },
      },
      m,
    );
    const hold = await this.ledger.hold(
      {
        holdId: refundHoldId(refund.id),
        type: 'REFUND',
        account: input.sourceAccount,
        counterparty: clearingAccount(original.provider),
        amount: input.amount,
        reference: refund.id,
        metadata: { refundOf: original.id },
      },
      m,
    );
    if (hold.status === 'REJECTED')
      throw new AppError(LedgerErrors.INSUFFICIENT_FUNDS, {
        message: 'The wallet no longer holds this amount',
      });
    return refund;
  }

  /** After commit: the one gateway request of this refund, and what its answer settles at once. */
  async request(refund: Transaction, original: Transaction): Promise<RefundState> {
    const provider = this.providers.byName(refund.provider ?? '');
    const paymentId =
      typeof original.metadata.paymentId === 'string' ? original.metadata.paymentId : null;
    try {
      const result = await provider.createRefund({
        reference: refund.id,
        idempotencyKey: refundHoldId(refund.id),
        checkoutId: original.providerReference ?? '',
        paymentId,
        amount: refund.amount,
        currency: 'PHP',
        reason: refund.metadata.gatewayReason as RefundReason,
        notes: typeof refund.metadata.reason === 'string' ? refund.metadata.reason : 'Refund',
        metadata: { transaction_id: refund.id, refund_of: original.id },
      });
      await this.applyResult(refund.id, result);
      return result.status;
    } catch (err) {
      if (err instanceof ProviderError && err.kind === 'ambiguous') {
        // It may exist at the gateway: never sent again. Reconciliation finds it by our reference.
        await this.resolve(refund.id, async (t, m) => {
          await this.transactions.attachProvider(t.id, { metadata: { refundState: 'unknown' } }, m);
          return [];
        });
        this.log.warn(`Refund ${refund.id} has an unknown outcome; left PENDING`);
        return 'unknown';
      }
      // Surely not accepted (refused, gateway down): the reserved money goes back now.
      await this.resolve(refund.id, (t, m) => this.voidLocked(t, m, 'not accepted by the gateway'));
      throw err;
    }
  }

  /** A gateway answer (create response, poll, lookup): record its id, settle if it is final. */
  async applyResult(refundTxnId: string, result: RefundResult): Promise<void> {
    await this.resolve(refundTxnId, async (t, m) => {
      await this.transactions.attachProvider(
        t.id,
        {
          providerReference: result.refundId || undefined,
          metadata: { refundState: result.status },
        },
        m,
      );
      if (result.status === 'succeeded') return this.postLocked(t, m, result.refundId);
      if (result.status === 'failed') return this.voidLocked(t, m, 'refund failed at the gateway');
      return [];
    });
  }

  /** Reconciliation: the gateway never got it (looked up by our reference past the give-up age). */
  giveUp(refundTxnId: string): Promise<void> {
    return this.resolve(refundTxnId, (t, m) => this.voidLocked(t, m, 'never reached the gateway'));
  }

  /** Locks the REFUND row and, while it is PENDING, applies `fn`; its hooks run after the commit. */
  private async resolve(
    id: string,
    fn: (txn: Transaction, m: EntityManager) => Promise<AfterCommit[]>,
  ): Promise<void> {
    await this.uow.run('refund.resolve', async (m, work) => {
      const txn = await this.transactions.lockById(id, m);
      if (!txn || txn.type !== 'REFUND' || txn.status !== 'PENDING') return;
      work.afterCommit(...(await fn(txn, m)));
    });
  }

  /** The REFUND row is locked and PENDING: the money left through the gateway. */
  private async postLocked(
    txn: Transaction,
    m: EntityManager,
    refundId: string | null,
  ): Promise<AfterCommit[]> {
    const entryId = refundHoldId(txn.id);
    const r = await this.ledger.postHold({ holdId: entryId, entryId, type: 'REFUND' }, m);
    if (r.status !== 'POSTED')
      throw new Error(`Refund hold ${entryId} could not be posted: ${r.status}`);
    await this.transactions.attachProvider(
      txn.id,
      {
        providerReference: txn.providerReference ? undefined : (refundId ?? undefined),
        metadata: { refundState: 'succeeded' },
      },
      m,
    );
    await this.transactions.complete(txn.id, { ledgerEntryId: r.entryId ?? entryId }, m);
    return [() => this.notify(txn, 'COMPLETED')];
  }

  /** The REFUND row is locked and PENDING: the reserved money returns to where it came from. */
  private async voidLocked(
    txn: Transaction,
    m: EntityManager,
    why: string,
  ): Promise<AfterCommit[]> {
    const r = await this.ledger.voidHold({ holdId: refundHoldId(txn.id) }, m);
    if (r.status !== 'VOIDED' && r.status !== 'EXPIRED')
      throw new Error(`Refund hold ${refundHoldId(txn.id)} could not be voided: ${r.status}`);
    await this.transactions.attachProvider(
      txn.id,
      { metadata: { refundState: 'failed', failureReason: why } },
      m,
    );
    await this.transactions.setStatus(txn.id, 'FAILED', m);
    return [() => this.notify(txn, 'FAILED')];
  }

  private async notify(txn: Transaction, status: 'COMPLETED' | 'FAILED'): Promise<void> {
    this.realtime.publish(txn.userId, 'transaction.updated', {
      id: txn.id,
      type: txn.type,
      status,
      amount: txn.amount,
    });
    await this.notifier.publish(txn.userId);
  }
}
