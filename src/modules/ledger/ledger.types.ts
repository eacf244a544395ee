export type Direction = 'DEBIT' | 'CREDIT';

export const DEFAULT_CURRENCY = 'PHP';

export interface LedgerLeg {
  account: string;
  direction: Direction;
  /** Integer minor units (centavos), > 0. */
  amount: number;
  /** ISO 4217 code; default PHP. */
  currency?: string;
}

export interface PostInput {
  /** Unique, caller-chosen idempotency key, e.g. `deposit:<transactionId>`. */
  entryId: string;
  /** DEPOSIT | WITHDRAWAL | PAYMENT | ESCROW | RELEASE | FEE | REFUND | VERIFICATION_BONUS | ADJUSTMENT ... */
  type: string;
  /** What caused it: a transaction id, webhook event id, job id. */
  reference?: string;
  metadata?: Record<string, unknown>;
  legs: LedgerLeg[];
  /**
   * Default false: accounts flagged no-negative (wallet:*, escrow:*) may not go below zero. Flagged
   * accounts can never go negative, whatever this says (a database CHECK guarantees it).
   */
  allowOverdraft?: boolean;
}

export type PostStatus = 'APPLIED' | 'DUPLICATE' | 'REJECTED';

export interface PostResult {
  status: PostStatus;
  entryId: string;
  reason?: string;
  /** The reference stored with the entry (for DUPLICATE: the original one). */
  reference?: string;
  /** Journal sequence number (commit order), when the entry exists. */
  sequence?: number;
}

export interface Balance {
  /** credits − debits of posted entries. */
  posted: number;
  /** Reserved by active (unexpired) holds. */
  pending: number;
  /** posted − pending. */
  available: number;
}

export interface HoldInput {
  /** Unique, caller-chosen id (idempotency key of the hold). */
  holdId: string;
  type: string;
  /** The account the amount is reserved from (debited when posted). */
  account: string;
  /** The account credited when the hold is posted, e.g. `payouts:in_transit`. */
  counterparty: string;
  amount: number;
  currency?: string;
  /** Seconds until the hold expires by the database clock; omit for no expiry. */
  timeoutSeconds?: number;
  reference?: string;
  metadata?: Record<string, unknown>;
  allowOverdraft?: boolean;
}

export type HoldStatus = 'PENDING' | 'POSTED' | 'VOIDED' | 'EXPIRED' | 'REJECTED';

export interface HoldResult {
  status: PostStatus;
  holdId: string;
  holdStatus: HoldStatus;
  reason?: string;
  expiresAt?: Date | null;
}

export interface ResolveHoldInput {
  holdId: string;
  /** Amount to post (≤ the held amount); omitted = everything. The remainder returns to the account. */
  amount?: number;
  /** Entry id of the posting; default `<holdId>:post`. */
  entryId?: string;
  /** Entry type of the posting; default the hold's type. */
  type?: string;
  metadata?: Record<string, unknown>;
}

export type ResolveStatus =
  'POSTED' | 'VOIDED' | 'EXPIRED' | 'REJECTED' | 'NOT_FOUND' | 'EXCEEDS_PENDING_AMOUNT';

export interface ResolveHoldResult {
  /** The hold's outcome; on a repeat call, the original outcome. */
  status: ResolveStatus;
  holdId: string;
  /** True when the hold had already been resolved before this call. */
  repeat: boolean;
  postedAmount?: number;
  entryId?: string;
}

/** A refusal of the input itself (bad amount, unbalanced legs, …): nothing is written. */
export class LedgerInputError extends Error {
  constructor(
    readonly reason: string,
    message: string,
  ) {
    super(message);
    this.name = 'LedgerInputError';
  }
}
