import type { PaymentProvider } from '../providers/payment-provider';
import { ProviderError } from '../providers/provider-errors';
import type { SettlementEvent } from '../settlement/settlement.types';

/**
 * A gateway whose callback authenticity is weak (Xendit's static token: anyone who learns it could
 * forge a callback) declares `refetchBeforeSettling`: before money moves the invoice/payout/refund is
 * fetched from the gateway and its answer is what we apply; `unconfirmed` says why it could not be.
 */
export async function confirmWithGateway(
  gateway: PaymentProvider,
  s: SettlementEvent,
): Promise<
  | { settlement: SettlementEvent; unconfirmed: null }
  | { settlement: SettlementEvent; unconfirmed: string }
> {
  const name = gateway.capabilities.displayName;
  try {
    const refundIds = s.refundIds ?? [];
    if (refundIds.length === 1) {
      const r = await gateway.getRefund(refundIds[0]);
      if (r.status === 'pending')
        return { settlement: s, unconfirmed: `${name} reports the refund still pending` };
      return {
        settlement: {
          ...s,
          type: r.status === 'succeeded' ? 'refund_succeeded' : 'refund_failed',
          amount: r.amount,
          transactionHint: r.reference ?? s.transactionHint,
        },
        unconfirmed: null,
      };
    }
    if (s.payoutId) {
      const p = await gateway.getPayout(s.payoutId);
      if (p.status === 'pending')
        return { settlement: s, unconfirmed: `${name} reports the payout still pending` };
      return {
        settlement: {
          ...s,
          type:
            p.status === 'succeeded'
              ? 'payout_succeeded'
              : p.status === 'reversed'
                ? 'payout_reversed'
                : 'payout_failed',
          amount: p.amount,
        },
        unconfirmed: null,
      };
    }
    if (s.checkoutId) {
      const st = await gateway.getCheckoutStatus(s.checkoutId);
      if (st.status === 'pending')
        return { settlement: s, unconfirmed: `${name} reports the invoice still pending` };
      return {
        settlement: {
          ...s,
          type: st.status,
          amount: st.amount,
          currency: st.currency,
          paymentId: st.paymentId ?? s.paymentId,
        },
        unconfirmed: null,
      };
    }
    return { settlement: s, unconfirmed: 'callback names no invoice or payout' };
  } catch (err) {
    const why = err instanceof ProviderError ? `${err.kind}` : 'error';
    return {
      settlement: s,
      unconfirmed: `could not confirm with ${name} (${why}); reconciliation will settle it`,
    };
  }
}
