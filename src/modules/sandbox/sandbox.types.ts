import type { PaymentProviderName } from '../payments/providers/payment-provider';
import { PAYMONGO_MIN_PAYMENT } from '../payments/providers/paymongo/paymongo.capabilities';

/** In-memory records of the gateway imitation. Shapes follow the gateways' own resources. */
/** The sandbox imitates every gateway the service knows. */
export type SandboxProvider = PaymentProviderName;

export type SandboxCheckoutState = 'open' | 'paid' | 'failed' | 'expired';

export interface SandboxCheckout {
  provider: SandboxProvider;
  id: string;
  /** Centavos. */
  amount: number;
  currency: string;
  description: string;
  reference: string | null;
  metadata: Record<string, string>;
  successUrl: string | null;
  cancelUrl: string | null;
  billing: { name: string | null; email: string | null };
  methods: string[];
  state: SandboxCheckoutState;
  /** Failed payment attempts; the checkout stays payable after each (as on the real hosted pages). */
  failedAttempts: number;
  clientKey: string;
  paymentIntentId: string;
  paymentId: string | null;
  /** Centavos actually paid (may differ from `amount` when a test asks for a mismatch). */
  paidAmount: number | null;
  paidAt: number | null;
  createdAt: number;
  updatedAt: number;
  /** The request body as received (Xendit echoes most of it back). */
  request: Record<string, unknown>;
}

export type SandboxPayoutState = 'pending' | 'succeeded' | 'failed' | 'reversed';

export interface SandboxPayout {
  provider: SandboxProvider;
  id: string;
  reference: string;
  /** Centavos. */
  amount: number;
  currency: string;
  channel: string;
  accountNumber: string;
  accountName: string;
  description: string;
  metadata: Record<string, string>;
  state: SandboxPayoutState;
  failureCode: string | null;
  /** PayMongo only: the rail and the sender as requested. */
  rail?: string;
  sourceAccount?: Record<string, unknown>;
  createdAt: number;
  updatedAt: number;
}

export type SandboxRefundState = 'pending' | 'succeeded' | 'failed';

export interface SandboxRefund {
  provider: SandboxProvider;
  id: string;
  checkoutId: string;
  paymentId: string;
  /** Centavos. */
  amount: number;
  currency: string;
  reason: string;
  notes: string | null;
  /** Xendit `reference_id`; PayMongo keeps ours in metadata. */
  reference: string | null;
  metadata: Record<string, string>;
  state: SandboxRefundState;
  failureCode: string | null;
  createdAt: number;
  updatedAt: number;
}

/** Knobs a test (or a person demoing failure modes) can turn. All reset by `POST /sandbox/_control/reset`. */
export interface SandboxControls {
  /** Deliver every webhook this many times, concurrently (same event id, same bytes). */
  duplicates: number;
  /** Wait this long before each delivery. */
  delayMs: number;
  /** Sign the next N deliveries with a wrong signature/token. */
  corruptNextSignatures: number;
  /** Shift the PayMongo signature timestamp by this many seconds (stale/future `t`). */
  signatureSkewSeconds: number;
  /** Do not deliver the next N webhook events at all (the gateway "lost" them). */
  dropNextWebhooks: number;
  /** Remove our routing hints (`metadata`, `reference_number`, `external_id`) from the next N events. */
  stripMetadataNext: number;
  /** Hold webhooks until `POST /sandbox/_control/webhooks/release` (for out-of-order delivery). */
  holdWebhooks: boolean;
  /** Answer the next N gateway API calls with HTTP 500. */
  failNextCalls: number;
  /** `paymongo` or `xendit`: only that gateway's calls use up `failNextCalls` ('' = both). */
  failCallsOf: string;
  /** PayMongo minimum checkout total in centavos (default: the documented 2000 = ₱20.00). */
  paymongoMinAmount: number;
  /** Methods activated on the sandbox PayMongo account; any other in a checkout fails the create. */
  paymongoMethods: string[];
  /** Invoice channels activated on the sandbox Xendit account (Xendit codes). */
  xenditMethods: string[];
  /** Also send `payment.paid` / `payment.failed` next to the checkout_session events. */
  paymongoPaymentEvents: boolean;
  /** Delivery attempts per webhook (1 = no retries) and the first backoff step. */
  maxAttempts: number;
  retryBaseMs: number;
  /** Payouts settle after this long. */
  payoutDelayMs: number;
  /** Fail the next N payouts at the channel. */
  failNextPayouts: number;
  /** Refunds settle (succeed, or fail by the next knob) after this long. */
  refundDelayMs: number;
  /** Fail the next N refunds at the channel (reported by webhook and on reads). */
  failNextRefunds: number;
}

export const DEFAULT_CONTROLS: SandboxControls = {
  duplicates: 1,
  delayMs: 0,
  corruptNextSignatures: 0,
  signatureSkewSeconds: 0,
  dropNextWebhooks: 0,
  stripMetadataNext: 0,
  holdWebhooks: false,
  failNextCalls: 0,
  failCallsOf: '',
  paymongoMinAmount: PAYMONGO_MIN_PAYMENT,
  paymongoMethods: ['gcash', 'paymaya', 'card', 'qrph'],
  xenditMethods: ['GCASH', 'PAYMAYA', 'CREDIT_CARD', 'QRPH'],
  paymongoPaymentEvents: true,
  maxAttempts: 8,
  retryBaseMs: 250,
  payoutDelayMs: 300,
  failNextPayouts: 0,
  refundDelayMs: 300,
  failNextRefunds: 0,
};

export interface DeliveryAttempt {
  at: string;
  status: number | null;
  error?: string;
}

export interface DeliveryRecord {
  id: number;
  provider: SandboxProvider;
  eventId: string;
  eventType: string;
  /** Which copy of a duplicated delivery this is (1-based). */
  copy: number;
  state: 'held' | 'dropped' | 'pending' | 'delivered' | 'failed';
  attempts: DeliveryAttempt[];
}
