import { Injectable } from '@nestjs/common';
import { isUuid } from 'src/common/ids/uuid';
import type { EntityManager } from 'typeorm';
import type { Transaction } from 'src/modules/wallet/transaction.model';
import { TransactionsRepository } from 'src/modules/wallet/transactions.repository';
import { PaymentHandlerRegistry } from './payment-handler.registry';
import type { AfterCommit, SettlementEvent, SettlementOutcome } from './settlement.types';
import { RealtimePublisher } from 'src/modules/realtime/realtime.publisher';

const outcome = (
  status: SettlementOutcome['status'],
  txn: Transaction | null,
  reason: string | null,
  afterCommit: AfterCommit[] = [],
): SettlementOutcome => ({ status, transactionId: txn?.id ?? null, reason, afterCommit });

/**
 * Applies one gateway finding to our records, inside the caller's database transaction. The transaction
 * row is locked first, so concurrent deliveries (the same event N times, or `payment.paid` next to
 * `checkout_session.payment.paid`) serialise and the second one sees COMPLETED: money moves once.
 * Webhooks and reconciliation both come through here, so a missed webhook has the same effect.
 */
@Injectable()
export class SettlementService {
  constructor(
    private readonly transactions: TransactionsRepository,
    private readonly handlers: PaymentHandlerRegistry,
    private readonly realtime: RealtimePublisher,
  ) {}

  /**
   * Decides the outcome under the transaction row lock. A paid checkout comes back with its `effect`
   * still to run (see SettlementOutcome); every other finding is fully applied on return.
   */
  async apply(event: SettlementEvent, m: EntityManager): Promise<SettlementOutcome> {
    if (event.type === 'refund_succeeded' || event.type === 'refund_failed')
      return this.applyRefunds(event, m);
    const isPayout =
      event.type === 'payout_succeeded' ||
      event.type === 'payout_failed' ||
      event.type === 'payout_reversed';
    // Our id from the metadata we set (locked straight away), else fallback routing.
    let txn =
      event.transactionHint && isUuid(event.transactionHint)
        ? await this.transactions.lockById(event.transactionHint, m)
        : null;
    if (!txn) {
      const id = await this.route(event, isPayout, m);
      txn = id ? await this.transactions.lockById(id, m) : null;
    }
    if (!txn) return outcome('IGNORED', null, 'no matching transaction');
    if (txn.provider !== event.provider)
      return outcome('FLAGGED', txn, 'provider does not match the transaction');
    const ref = isPayout ? event.payoutId : event.checkoutId;
    if (ref && txn.providerReference && ref !== txn.providerReference)
      return outcome('FLAGGED', txn, 'gateway reference does not match the transaction');
    return isPayout ? this.applyPayout(txn, event, m) : this.applyCheckout(txn, event, m);
  }

  /** When the event names no transaction of ours: the stored checkout/payout id, else the intent. */
  private async route(
    event: SettlementEvent,
    isPayout: boolean,
    m: EntityManager,
  ): Promise<string | null> {
    const ref = isPayout ? event.payoutId : event.checkoutId;
    if (ref) {
      const t = await this.transactions.findByProviderReference(event.provider, ref, m);
      if (t) return t.id;
    }
    if (!isPayout && event.paymentIntentId) {
      const id = await this.transactions.findIdByPaymentIntent(
        event.provider,
        event.paymentIntentId,
        m,
      );
      if (id) return id;
    }
    return null;
  }

  private async applyCheckout(
    txn: Transaction,
    event: SettlementEvent,
    m: EntityManager,
  ): Promise<SettlementOutcome> {
    const purpose =
      typeof txn.metadata.paymentType === 'string' ? txn.metadata.paymentType : undefined;
    const handler = this.handlers.checkoutHandler(purpose);
    if (!handler)
      return outcome('IGNORED', txn, `no handler for payment type ${purpose ?? '(none)'}`);

    if (event.type === 'paid') {
      if (txn.status === 'COMPLETED') return outcome('NO_OP', txn, 'already completed');
      if (txn.status !== 'PENDING')
        return outcome(
          'FLAGGED',
          txn,
          `paid after the transaction became ${txn.status}; review and refund`,
        );
      if (event.amount !== txn.amount || (event.currency ?? '').toUpperCase() !== txn.currency)
        return outcome(
          'FLAGGED',
          txn,
          `paid ${event.amount ?? '?'} ${event.currency ?? '?'} but the transaction is ${txn.amount} ${txn.currency}`,
        );
      // Decided: the caller records PROCESSED, then runs the effect (the handler completes the
      // transaction with the payment id in one UPDATE, and posts to the ledger last).
      return {
        ...outcome('PROCESSED', txn, null, [this.transactionUpdated(txn, 'COMPLETED')]),
        effect: () => handler.onPaid({ txn, event, manager: m }),
      };
    }

    // `payment.failed` is one attempt: the customer may retry in the same checkout and pay, so the
    // transaction stays PENDING. Only expiry (our expire call, reconciliation, Xendit EXPIRED) ends it.
    if (event.type === 'failed')
      return outcome(
        'NO_OP',
        txn,
        txn.status === 'PENDING'
          ? 'failed attempt; the checkout stays open'
          : `already ${txn.status}`,
      );
    const status = 'EXPIRED';
    if (txn.status !== 'PENDING') return outcome('NO_OP', txn, `already ${txn.status}`);
    await this.transactions.setStatus(txn.id, status, m);
    const after = handler.onClosed
      ? await handler.onClosed({ txn, event, manager: m, status })
      : [];
    return outcome('PROCESSED', txn, null, [...after, this.transactionUpdated(txn, status)]);
  }

  private async applyPayout(
    txn: Transaction,
    event: SettlementEvent,
    m: EntityManager,
  ): Promise<SettlementOutcome> {
    const handler = this.handlers.payoutHandler();
    if (!handler || txn.type !== 'WITHDRAWAL') return outcome('IGNORED', txn, 'no payout handler');
    if (event.type === 'payout_reversed' && txn.status === 'COMPLETED') {
      // The money came back to the merchant balance: it goes back to the user, once (the row lock and
      // the ledger entry id make repeats no-ops), and a person is told.
      const after = await handler.onReversed({ txn, event, manager: m });
      return outcome(
        'FLAGGED',
        txn,
        'payout reversed after success; amount returned to the wallet',
        [...after, this.transactionUpdated(txn, 'REVERSED')],
      );
    }
    if (txn.status !== 'PENDING') return outcome('NO_OP', txn, `already ${txn.status}`);
    if (event.amount !== null && event.amount !== txn.amount)
      return outcome(
        'FLAGGED',
        txn,
        `payout of ${event.amount} but the withdrawal is ${txn.amount}`,
      );
    const ctx = { txn, event, manager: m };
    const after =
      event.type === 'payout_succeeded'
        ? await handler.onSucceeded(ctx)
        : await handler.onFailed(ctx);
    return outcome('PROCESSED', txn, null, after);
  }

  /**
   * Refund events name our REFUND transaction (reference) and/or gateway refund ids (PayMongo's
   * `payment.refunded` lists all of a payment's refunds). Rows are locked in id order; each PENDING
   * one is resolved once, later deliveries find it settled.
   */
  private async applyRefunds(event: SettlementEvent, m: EntityManager): Promise<SettlementOutcome> {
    const handler = this.handlers.refundHandler();
    if (!handler) return outcome('IGNORED', null, 'no refund handler');
    const ids = new Set<string>();
    if (event.transactionHint && isUuid(event.transactionHint)) ids.add(event.transactionHint);
    for (const refundId of event.refundIds ?? []) {
      const t = await this.transactions.findByProviderReference(event.provider, refundId, m);
      if (t && t.type === 'REFUND') ids.add(t.id);
    }
    let result = outcome('IGNORED', null, 'no matching refund');
    const after: AfterCommit[] = [];
    for (const id of [...ids].sort()) {
      const txn = await this.transactions.lockById(id, m);
      if (!txn || txn.type !== 'REFUND') continue;
      if (txn.provider !== event.provider)
        return outcome('FLAGGED', txn, 'provider does not match the refund');
      const refs = event.refundIds ?? [];
      if (txn.providerReference && refs.length > 0 && !refs.includes(txn.providerReference))
        return outcome('FLAGGED', txn, 'gateway refund id does not match the refund');
      if (txn.status !== 'PENDING') {
        if (result.status === 'IGNORED') result = outcome('NO_OP', txn, `already ${txn.status}`);
        continue;
      }
      if (refs.length === 1 && event.amount !== null && event.amount !== txn.amount)
        return outcome(
          'FLAGGED',
          txn,
          `refund of ${event.amount} but the transaction is ${txn.amount}`,
        );
      const ctx = { txn, event, manager: m };
      const succeeded = event.type === 'refund_succeeded';
      // The handler publishes `transaction.updated` itself (it also settles refunds outside webhooks).
      after.push(...(await (succeeded ? handler.onSucceeded(ctx) : handler.onFailed(ctx))));
      result = outcome('PROCESSED', txn, null);
    }
    return { ...result, afterCommit: after };
  }

  private transactionUpdated(txn: Transaction, status: string): AfterCommit {
    return () =>
      this.realtime.publish(txn.userId, 'transaction.updated', {
        id: txn.id,
        type: txn.type,
        status,
        amount: txn.amount,
      });
  }
}
