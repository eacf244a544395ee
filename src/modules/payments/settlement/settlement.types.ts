import type { EntityManager } from 'typeorm';
import type { AfterCommit } from 'src/common/database/unit-of-work';
import type { Transaction } from 'src/modules/wallet/transaction.model';
import type { PaymentProviderName, WebhookEventType } from '../providers/payment-provider';

/** A gateway finding about one checkout or payout, from a webhook or from reconciliation. */
export interface SettlementEvent {
  provider: PaymentProviderName;
  /** Webhook event id, or `reconcile:…` for a reconciliation finding. */
  eventId: string;
  type: Exclude<WebhookEventType, 'ignored'>;
  checkoutId: string | null;
  payoutId: string | null;
  /** Gateway refund ids the finding settles (absent on findings stored before refunds existed). */
  refundIds?: string[];
  paymentIntentId: string | null;
  paymentId: string | null;
  /** Our transaction id if the gateway echoed it (metadata / reference). */
  transactionHint: string | null;
  /** Centavos charged according to the gateway. */
  amount: number | null;
  currency: string | null;
}

/** Work that must happen only after the database commit (run by the unit of work's policy). */
export type { AfterCommit } from 'src/common/database/unit-of-work';

export interface HandlerContext {
  txn: Transaction;
  event: SettlementEvent;
  manager: EntityManager;
}

/**
 * What a payment purpose does when its checkout settles. The transaction row is locked (FOR UPDATE) and
 * still PENDING when `onPaid` runs; `onClosed` runs after it became FAILED/EXPIRED.
 */
export interface CheckoutHandler {
  onPaid(ctx: HandlerContext): Promise<AfterCommit[]>;
  onClosed?(ctx: HandlerContext & { status: 'FAILED' | 'EXPIRED' }): Promise<AfterCommit[]>;
}

/** For withdrawals (payout callbacks): the transaction is locked and PENDING. */
export interface PayoutHandler {
  onSucceeded(ctx: HandlerContext): Promise<AfterCommit[]>;
  onFailed(ctx: HandlerContext): Promise<AfterCommit[]>;
  /** The transaction is locked and COMPLETED: the payout came back after succeeding. */
  onReversed(ctx: HandlerContext): Promise<AfterCommit[]>;
}

/**
 * For refunds to the original method: the REFUND transaction is locked and PENDING, and the event
 * names it (by our reference or its gateway refund id).
 */
export interface RefundHandler {
  onSucceeded(ctx: HandlerContext): Promise<AfterCommit[]>;
  onFailed(ctx: HandlerContext): Promise<AfterCommit[]>;
}

export type SettlementStatus = 'PROCESSED' | 'NO_OP' | 'IGNORED' | 'FLAGGED';

export interface SettlementOutcome {
  status: SettlementStatus;
  transactionId: string | null;
  reason: string | null;
  afterCommit: AfterCommit[];
}
