import { Injectable, OnModuleInit } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { UnitOfWork } from 'src/common/database/unit-of-work';
import { walletAccount } from '../ledger/account-policy';
import { LedgerService } from '../ledger/ledger.service';
import { PaymentHandlerRegistry } from '../payments/settlement/payment-handler.registry';
import type { AfterCommit } from '../payments/settlement/settlement.types';
import type { Transaction } from '../wallet/transaction.model';
import { TransactionsRepository } from '../wallet/transactions.repository';
import { WalletNotifier } from '../wallet/wallet-notifier';
import { holdIdOf, PAYOUTS_IN_TRANSIT, reversalEntryId } from './withdrawal.types';

/**
 * How a withdrawal ends, under its row lock: the hold posted (paid out), voided (money back, REFUND
 * shown) or, after a payout came back, reversed. The gateway's callbacks, the poll, the payout request
 * and admins all resolve through here, so each withdrawal is resolved exactly once.
 */
@Injectable()
export class WithdrawalSettlement implements OnModuleInit {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly handlers: PaymentHandlerRegistry,
    private readonly ledger: LedgerService,
    private readonly transactions: TransactionsRepository,
    private readonly notifier: WalletNotifier,
  ) {}

  onModuleInit(): void {
    this.handlers.registerPayoutHandler({
      onSucceeded: async ({ txn, manager }) => this.succeedLocked(txn, manager, {}),
      onFailed: async ({ txn, manager }) => this.failLocked(txn, manager, 'payout failed'),
      onReversed: async ({ txn, event, manager }) =>
        this.reverseLocked(txn, manager, event.eventId),
    });
  }

  /** Locks the withdrawal and applies `fn` while it is still PENDING (else does nothing). */
  async resolve(
    id: string,
    fn: (txn: Transaction, m: EntityManager) => Promise<AfterCommit[]>,
  ): Promise<void> {
    await this.uow.run('withdrawal.resolve', async (m, work) => {
      const txn = await this.transactions.lockById(id, m);
      if (!txn || txn.status !== 'PENDING') return;
      work.afterCommit(...(await fn(txn, m)));
    });
  }

  /** The withdrawal row is locked and PENDING: post the hold to payouts in transit. */
  async succeedLocked(
    txn: Transaction,
    m: EntityManager,
    extra: Record<string, unknown>,
  ): Promise<AfterCommit[]> {
    const r = await this.ledger.postHold({ holdId: holdIdOf(txn.id) }, m);
    if (r.status !== 'POSTED')
      throw new Error(`Withdrawal hold ${holdIdOf(txn.id)} could not be posted: ${r.status}`);
    await this.transactions.attachProvider(
      txn.id,
      { metadata: { payoutState: 'succeeded', ...extra } },
      m,
    );
    await this.transactions.complete(
      txn.id,
      { ledgerEntryId: r.entryId ?? `${holdIdOf(txn.id)}:post` },
      m,
    );
    return [() => this.notifier.publish(txn.userId)];
  }

  /**
   * The withdrawal row is locked and COMPLETED, and the payout came back to the merchant balance: the
   * amount returns from payouts in transit to the wallet (a REFUND shows it), the withdrawal becomes
   * REVERSED. Exactly once: the status change and the entry id both refuse a second time.
   */
  async reverseLocked(txn: Transaction, m: EntityManager, eventId: string): Promise<AfterCommit[]> {
    if (!(await this.transactions.markReversed(txn.id, m))) return [];
    const entryId = reversalEntryId(txn.id);
    const r = await this.ledger.post(
      {
        entryId,
        type: 'WITHDRAWAL_REVERSAL',
        reference: eventId,
        metadata: { transactionId: txn.id, provider: txn.provider },
        legs: [
          {
            account: PAYOUTS_IN_TRANSIT,
            direction: 'DEBIT',
            amount: txn.amount,
            currency: txn.currency,
          },
          {
            account: walletAccount(txn.userId),
            direction: 'CREDIT',
            amount: txn.amount,
            currency: txn.currency,
          },
        ],
      },
      m,
    );
    if (r.status === 'REJECTED')
      throw new Error(`reversal of ${txn.id} rejected: ${r.reason ?? ''}`);
    await this.transactions.attachProvider(
      txn.id,
      { metadata: { payoutState: 'reversed', reversedBy: eventId } },
      m,
    );
    const refund = await this.transactions.createPending(
      {
        userId: txn.userId,
        type: 'REFUND',
        amount: txn.amount,
        reference: txn.id,
        description: 'Withdrawal reversed by the receiving bank/e-wallet; returned to wallet',
        metadata: { refundOf: txn.id, reason: 'payout reversed' },
      },
      m,
    );
    await this.transactions.complete(refund.id, { ledgerEntryId: entryId }, m);
    return [() => this.notifier.publish(txn.userId)];
  }

  /** The withdrawal row is locked and PENDING: void the hold; the money is back, shown as a REFUND. */
  async failLocked(txn: Transaction, m: EntityManager, reason: string): Promise<AfterCommit[]> {
    const r = await this.ledger.voidHold({ holdId: holdIdOf(txn.id) }, m);
    if (r.status !== 'VOIDED' && r.status !== 'EXPIRED')
      throw new Error(`Withdrawal hold ${holdIdOf(txn.id)} could not be voided: ${r.status}`);
    await this.transactions.attachProvider(
      txn.id,
      { metadata: { payoutState: 'failed', failureReason: reason } },
      m,
    );
    await this.transactions.setStatus(txn.id, 'FAILED', m);
    const refund = await this.transactions.createPending(
      {
        userId: txn.userId,
        type: 'REFUND',
        amount: txn.amount,
        reference: txn.id,
        description: 'Withdrawal returned to wallet',
        metadata: { refundOf: txn.id, reason },
      },
      m,
    );
    // The void returns the held amount without a journal entry; the hold id names the movement.
    await this.transactions.complete(refund.id, { ledgerEntryId: holdIdOf(txn.id) }, m);
    return [() => this.notifier.publish(txn.userId)];
  }
}
