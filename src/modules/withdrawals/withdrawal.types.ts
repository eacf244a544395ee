import type { PayoutChannel } from '../payments/providers/payment-provider';
import type { PayoutRail } from '../payments/providers/gateway-capabilities';
import type { Transaction, TransactionResponse } from '../wallet/transaction.model';

export const PAYOUTS_IN_TRANSIT = 'payouts:in_transit';

/** The ledger hold of a withdrawal: one per transaction. */
export const holdIdOf = (txnId: string) => `withdrawal:${txnId}`;

/** Ledger entry of a reversal: one per withdrawal, so a repeated reversal can never credit twice. */
export const reversalEntryId = (txnId: string) => `withdrawal-reversal:${txnId}`;

/**
 * What the payout looked like when the request returned. `manual`: the gateway has no payout API
 * (PayMongo without transfers), nothing was sent, and an admin settles it (ADR 0055).
 */
export type PayoutState = 'pending' | 'succeeded' | 'failed' | 'unknown' | 'manual' | 'review';

/** Why a withdrawal waits in the admin queue before anything is sent (issue 10, item 4). */
export type ReviewReason = 'new_payout_account' | 'first_bank_payout';

export interface WithdrawResult {
  transaction: TransactionResponse;
  payout: PayoutState;
}

export interface PayoutDestination {
  /** The transfer rail chosen when the withdrawal was made (absent on older rows). */
  rail?: PayoutRail;
  channel: PayoutChannel;
  accountNumber: string;
  accountName: string;
  bankCode: string | null;
}

export interface AdminActor {
  id: string;
  requestId?: string;
}

/** The first attempt already got (or gave up on) the gateway's answer: never ask twice. */
export const payoutRequested = (txn: Transaction) =>
  txn.status !== 'PENDING' || (txn.metadata.payoutState ?? 'requested') !== 'requested';

export function payoutStateOf(txn: Transaction): PayoutState {
  const state = txn.metadata.payoutState;
  return state === 'pending' ||
    state === 'succeeded' ||
    state === 'failed' ||
    state === 'unknown' ||
    state === 'manual' ||
    state === 'review'
    ? state
    : 'pending';
}
