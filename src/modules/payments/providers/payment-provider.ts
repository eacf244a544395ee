import type { GatewayCapabilities } from './gateway-capabilities';

/**
 * The one interface both gateways are adapted to. Money is always integer centavos here; each adapter
 * converts to its gateway's unit at the edge.
 */
export const PAYMENT_PROVIDER_NAMES = ['paymongo', 'xendit'] as const;
export type PaymentProviderName = (typeof PAYMENT_PROVIDER_NAMES)[number];

export function isPaymentProviderName(v: unknown): v is PaymentProviderName {
  return typeof v === 'string' && (PAYMENT_PROVIDER_NAMES as readonly string[]).includes(v);
}

/** Checkout channels we offer; adapters map them to the gateway's own codes. */
export type CheckoutMethod = 'gcash' | 'paymaya' | 'card' | 'qrph';

/** What a checkout pays for; set as `metadata.payment_type` and used to route the webhook back. */
export type CheckoutPurpose = 'wallet_deposit' | 'gcash_verification' | 'downpayment' | 'remaining';

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
  bankCode?: string;
  description: string;
  metadata?: Record<string, string>;
}

/** What a gateway says about a payout it has. */
export type GatewayPayoutStatus = 'pending' | 'succeeded' | 'failed';
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

export type WebhookEventType =
  'paid' | 'failed' | 'expired' | 'payout_succeeded' | 'payout_failed' | 'ignored';

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
  /**
   * Verifies the raw body against the headers and parses it. Throws `WebhookRejectedError` (401) for a
   * bad or missing signature/token or a stale timestamp and `WebhookPayloadError` (400) for a body
   * that is not the gateway's JSON.
   */
  verifyWebhook(rawBody: Buffer, headers: WebhookHeaders): NormalisedWebhookEvent;
}
