import { MAX_AMOUNT_CENTAVOS } from 'src/common/money/money';
import type { GatewayCapabilities } from '../gateway-capabilities';
import type { CheckoutMethod } from '../payment-provider';

/**
 * PayMongo's documented rules (centavos). Sources, as read in November 2026:
 * - minimum per payment 2000 (₱20.00): Payment Intent error docs, `parameter_below_minimum`, "The minimum
 *   value for the amount is 2000"; help centre (Filipino) "minimum transaction amount na ₱20". The English
 *   help article says ₱100 for every method — the API's own 2000 wins (docs/gateways.md).
 * - maximum: e-wallets up to ₱100,000.00, cards below ₱10,000,000.00 (help centre "What are the minimum
 *   and maximum transaction amounts?"); QR Ph settles over InstaPay, so its cap is InstaPay's ₱50,000
 *   (developers.paymongo.com/docs/payment-acceptance-qr-ph, /docs/money-movement-send-money).
 * - transfers: InstaPay ≤ ₱50,000 per transaction, PESONet ≤ ₱10,000,000
 *   (developers.paymongo.com/docs/money-movement-send-money, "Which rail to use").
 * - events: developers.paymongo.com/docs/developer-tools-webhooks-events (`payment.paid`,
 *   `payment.failed`; `checkout_session.payment.paid` for hosted checkout). There is no documented
 *   `checkout_session.payment.failed` / `.expired`: expiry is learned by polling or our own expire call.
 */
export const PAYMONGO_MIN_PAYMENT = 2_000;
export const PAYMONGO_INSTAPAY_MAX = 5_000_000;
export const PAYMONGO_PESONET_MAX = 1_000_000_000;

export const PAYMONGO_METHODS: readonly CheckoutMethod[] = ['gcash', 'paymaya', 'card', 'qrph'];

export const PAYMONGO_EVENTS = [
  'checkout_session.payment.paid',
  'payment.paid',
  'payment.failed',
  // Refunds (ADR 0085): the refund's status changed / the payment was refunded.
  'payment.refund.updated',
  'payment.refunded',
] as const;

export function paymongoCapabilities(opts: {
  activatedMethods: readonly CheckoutMethod[];
  pesonetEnabled: boolean;
}): GatewayCapabilities {
  return {
    provider: 'paymongo',
    displayName: 'PayMongo',
    checkoutLimits: {
      gcash: { min: PAYMONGO_MIN_PAYMENT, max: 10_000_000 },
      paymaya: { min: PAYMONGO_MIN_PAYMENT, max: 10_000_000 },
      card: { min: PAYMONGO_MIN_PAYMENT, max: Math.min(999_999_999, MAX_AMOUNT_CENTAVOS) },
      qrph: { min: PAYMONGO_MIN_PAYMENT, max: PAYMONGO_INSTAPAY_MAX },
    },
    activatedMethods: [...opts.activatedMethods],
    payoutRails: [
      { rail: 'instapay', maxAmount: PAYMONGO_INSTAPAY_MAX, enabled: true },
      { rail: 'pesonet', maxAmount: PAYMONGO_PESONET_MAX, enabled: opts.pesonetEnabled },
    ],
    events: PAYMONGO_EVENTS,
    refetchBeforeSettling: false,
  };
}
