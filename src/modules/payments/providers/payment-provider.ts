import type { GatewayCapabilities, PayoutRail } from './gateway-capabilities';

/**
 * The one interface both gateways are adapted to. Money is always integer centavos here; each adapter
 * converts to its gateway's unit at the edge.
 */
export const PAYMENT_PROVIDER_NAMES = ['paymongo', 'xendit'] as const;
export type PaymentProviderName = (typeof PAYMENT_PROVIDER_NAMES)[number];
/** `PAYMENT_PROVIDER` when unset (contract). */
export const DEFAULT_PAYMENT_PROVIDER: PaymentProviderName = 'paymongo';

export function isPaymentProviderName(v: unknown): v is PaymentProviderName {
  return typeof v === 'string' && (PAYMENT_PROVIDER_NAMES as readonly string[]).includes(v);
}

/** Checkout channels we offer; adapters map them to the gateway's own codes. */
export type CheckoutMethod = 'gcash' | 'paymaya' | 'card' | 'qrph';

/** What a checkout pays for; set as `metadata.payment_type` and used to route the webhook back. */
export type CheckoutPurpose =
  'wallet_deposit' | 'gcash_verification' | 'maya_verification' | 'downpayment' | 'remaining';

export interface CreateCheckoutInput {
  /** Centavos, > 0. */
  amount: number;
  currency: 'PHP';
  description: string;
  /** Our reference (transaction id), echoed back by the gateway. */
  reference: string;
  /** Sent as the gateway's idempotency key where supported. */
  idempotencyKey: string;
  customer: { name: string; email: string };
  methods: CheckoutMethod[];
  /** Flat string → string map (PayMongo rejects other values). */
  metadata: Record<string, string>;
  /** Built server-side from configuration, never from a request. */
  successUrl: string;
  cancelUrl: string;
}

export interface CheckoutSession {
  checkoutId: string;
  checkoutUrl: string;
  /** PayMongo v1 creates the payment intent up front; kept so `payment.*` events can be routed. */
  paymentIntentId: string | null;
}

export type CheckoutStatus = 'pending' | 'paid' | 'failed' | 'expired';

export interface CheckoutStatusResult {
  checkoutId: string;
  status: CheckoutStatus;
  /** Centavos charged (or to be charged). */
  amount: number;
  currency: string;
  reference: string | null;
  paymentId: string | null;
  /** Channel used, e.g. `gcash`, when paid. */
  paymentMethod: string | null;
  paidAt: Date | null;
  metadata: Record<string, string>;
  livemode: boolean;
}

export type PayoutChannel = 'GCASH' | 'MAYA' | 'BANK';

export interface CreatePayoutInput {
  /** Our reference (withdrawal transaction id). */
  reference: string;
  idempotencyKey: string;
  /** Centavos, > 0. */
  amount: number;
  currency: 'PHP';
  channel: PayoutChannel;
  accountNumber: string;
  accountName: string;
  /** Our code from the bank directory (BANK only); each adapter maps it to its own identifier. */
  bankCode?: string;
  /** The rail chosen from the capability table (recorded on the withdrawal). */
  rail?: PayoutRail;
  description: string;
  metadata?: Record<string, string>;
}

/** What a gateway says about a payout it has. */
/** `reversed`: it had succeeded, then the channel sent the money back to the merchant balance. */
export type GatewayPayoutStatus = 'pending' | 'succeeded' | 'failed' | 'reversed';
/** `manual`: no payout API on the account; nothing was sent and an admin pays out by hand. */
export type PayoutStatus = GatewayPayoutStatus | 'manual';

export interface GatewayPayoutResult {
  payoutId: string;
  status: GatewayPayoutStatus;
  amount: number;
  failureCode: string | null;
}

/** No request was made, so there is no gateway id to store or poll. */
export interface ManualPayoutResult {
  payoutId: null;
  status: 'manual';
  amount: number;
  failureCode: null;
}

export type PayoutResult = GatewayPayoutResult | ManualPayoutResult;

/** PayMongo's documented refund reasons (Xendit's uppercase enum maps onto them). */
export const REFUND_REASONS = [
  'duplicate',
  'fraudulent',
  'requested_by_customer',
  'others',
] as const;
export type RefundReason = (typeof REFUND_REASONS)[number];

export interface CreateRefundInput {
  /** Our reference (the REFUND transaction id), echoed back in metadata / `reference_id`. */
  reference: string;
  idempotencyKey: string;
  /** The gateway's id of the paid checkout (PayMongo session, Xendit invoice). */
  checkoutId: string;
  /** The gateway's payment id (PayMongo `pay_…`), when known. */
  paymentId: string | null;
  /** Centavos, > 0. */
  amount: number;
  currency: 'PHP';
  reason: RefundReason;
  /** Free text for the gateway's record (PayMongo keeps at most 255 characters). */
  notes: string;
  metadata: Record<string, string>;
}

/** Where a refund stands at the gateway (both gateways document pending → succeeded | failed). */
export type GatewayRefundStatus = 'pending' | 'succeeded' | 'failed';

export interface RefundResult {
  refundId: string;
  status: GatewayRefundStatus;
  /** Centavos. */
  amount: number;
  /** Our reference as the gateway stored it, when it echoes one. */
  reference: string | null;
  failureCode: string | null;
}

/** How to find a refund whose create had an unknown outcome (we never got its id). */
export interface RefundLookup {
  reference: string;
  checkoutId: string;
  paymentId: string | null;
}

export type WebhookEventType =
  | 'paid'
  | 'failed'
  | 'expired'
  | 'payout_succeeded'
  | 'payout_failed'
  | 'payout_reversed'
  | 'refund_succeeded'
  | 'refund_failed'
  | 'ignored';

/** A verified webhook in one shape for both gateways. */
export interface NormalisedWebhookEvent {
  provider: PaymentProviderName;
  /** Unique per gateway; the dedupe key together with `provider`. */
  eventId: string;
  type: WebhookEventType;
  /** The gateway's own event name, for the record. */
  rawType: string;
  /** Checkout session / invoice id, when the event concerns one. */
  checkoutId: string | null;
  /** Payout id, when the event concerns one. */
  payoutId: string | null;
  /** Refund ids the event settles (PayMongo's `payment.refunded` lists every refund of a payment). */
  refundIds: string[];
  paymentId: string | null;
  paymentIntentId: string | null;
  /** Our reference as echoed by the gateway (reference_number / external_id). */
  reference: string | null;
  /** Centavos, when the event carries an amount. */
  amount: number | null;
  currency: string | null;
  /** `metadata.payment_type` we set on the checkout, if the gateway echoed it. */
  paymentType: string | null;
  metadata: Record<string, string>;
  livemode: boolean;
  raw: unknown;
}

export type WebhookHeaders = Record<string, string | string[] | undefined>;

export interface PaymentProvider {
  readonly name: PaymentProviderName;
  /** The gateway's documented limits, activated methods, payout rails and events (one table per adapter). */
  readonly capabilities: GatewayCapabilities;
  /** False when its webhook secret/token is not configured: its webhook route then answers 404. */
  readonly webhooksConfigured: boolean;
  createCheckout(input: CreateCheckoutInput): Promise<CheckoutSession>;
  /** Status by the checkout id we stored (never trust a webhook's word alone for Xendit). */
  getCheckoutStatus(checkoutId: string): Promise<CheckoutStatusResult>;
  expireCheckout(checkoutId: string): Promise<void>;
  createPayout(input: CreatePayoutInput): Promise<PayoutResult>;
  getPayout(payoutId: string): Promise<GatewayPayoutResult>;
  /** Refund (part of) a paid checkout to the payer's original method. Never retried blindly. */
  createRefund(input: CreateRefundInput): Promise<RefundResult>;
  getRefund(refundId: string): Promise<RefundResult>;
  /** A refund by our reference, or null if the gateway has none (read-only; nothing is created). */
  findRefund(lookup: RefundLookup): Promise<RefundResult | null>;
  /**
   * Verifies the raw body against the headers and parses it. Throws `WebhookRejectedError` (401) for a
   * bad or missing signature/token or a stale timestamp and `WebhookPayloadError` (400) for a body
   * that is not the gateway's JSON.
   */
  verifyWebhook(rawBody: Buffer, headers: WebhookHeaders): NormalisedWebhookEvent;
}
