import { MAX_AMOUNT_CENTAVOS } from 'src/common/money/money';
import type { GatewayCapabilities } from '../gateway-capabilities';
import type { CheckoutMethod } from '../payment-provider';

/**
 * Xendit's documented rules for the Philippines (centavos). Sources, as read in November 2026:
 * - GCash ₱1.00–₱100,000.00: docs.xendit.co/docs/gcash ("Min Amount 1", "Max Amount 100,000.00").
 * - Maya ₱1.00–₱100,000.00: docs.xendit.co/docs/maya.
 * - Cards ₱20–₱700,000.00: docs.xendit.co/docs/cards-8.
 * - QR Ph ₱1.00–₱50,000.00: docs.xendit.co/docs/qrph.
 * - payouts: InstaPay transaction limit 50,000, PESONet unlimited (docs.xendit.co/docs/payouts-philippines);
 *   Xendit picks the rail itself from the amount, we record which one applies.
 * - callbacks: invoice callbacks on PAID / EXPIRED (help centre, invoice notification), payout events
 *   `payout.succeeded`, `payout.failed`, `payout.reversed` (docs.xendit.co apidocs payout-webhook).
 *   The token is static, so the invoice/payout is re-fetched before money moves.
 */
export const XENDIT_METHODS: readonly CheckoutMethod[] = ['gcash', 'paymaya', 'card', 'qrph'];
export const XENDIT_INSTAPAY_MAX = 5_000_000;

export const XENDIT_EVENTS = [
  'invoice.paid',
  'invoice.settled',
  'invoice.expired',
  'payout.succeeded',
  'payout.failed',
  'payout.reversed',
  // Refund API callbacks (ADR 0085).
  'refund.succeeded',
  'refund.failed',
] as const;

export function xenditCapabilities(opts: {
  activatedMethods: readonly CheckoutMethod[];
}): GatewayCapabilities {
  return {
    provider: 'xendit',
    displayName: 'Xendit',
    checkoutLimits: {
      gcash: { min: 100, max: 10_000_000 },
      paymaya: { min: 100, max: 10_000_000 },
      card: { min: 2_000, max: 70_000_000 },
      qrph: { min: 100, max: 5_000_000 },
    },
    activatedMethods: [...opts.activatedMethods],
    payoutRails: [
      { rail: 'instapay', maxAmount: XENDIT_INSTAPAY_MAX, enabled: true },
      { rail: 'pesonet', maxAmount: MAX_AMOUNT_CENTAVOS, enabled: true },
    ],
    events: XENDIT_EVENTS,
    refetchBeforeSettling: true,
  };
}
