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
 * What a paid checkout's handler writes with its completion of the transaction (`complete(…, { metadata })`),
 * so the payment id and the status change are one UPDATE of the row.
 */
export function paidMetadata(event: SettlementEvent): Record<string, unknown> | undefined {
  // Refunds to the original method need the gateway's payment id.
  return event.paymentId ? { paymentId: event.paymentId } : undefined;
}

/**
 * What a payment purpose does when its checkout settles. The transaction row is locked (FOR UPDATE) and
 * still PENDING when `onPaid` runs; `onClosed` runs after it became FAILED/EXPIRED.
 * `onPaid` completes the transaction with `paidMetadata(event)` (one UPDATE) and posts to the ledger as
 * late as it can, ideally last: the event outcome is already written when it runs, so the hot gateway
 * clearing balance is then locked only until the commit.
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
  /**
   * The money-moving step of a paid checkout, decided (every check done under the row lock) but not yet
   * run: the caller records the outcome first, then runs it in the same database transaction (ledger
   * last before the commit). Its after-commit work runs before `afterCommit`. If it throws, the whole
   * transaction rolls back, outcome included.
   */
  effect?: () => Promise<AfterCommit[]>;
}
