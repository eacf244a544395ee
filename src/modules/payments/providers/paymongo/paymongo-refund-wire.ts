import { arr, int, Json, obj, str, stringMap } from '../json-read';
import type { GatewayRefundStatus, NormalisedWebhookEvent, RefundResult } from '../payment-provider';

/** PayMongo refund resources (`ref_…`) and the two refund events, read from untrusted JSON. */
function refundStatus(raw: string | null): GatewayRefundStatus {
  // Documented statuses: pending, processing, succeeded, failed.
  if (raw === 'succeeded') return 'succeeded';
  if (raw === 'failed') return 'failed';
  return 'pending';
}

export function refundToResult(r: Json): RefundResult {
  const attrs = obj(r.attributes);
  return {
    refundId: str(r.id) ?? '',
    status: refundStatus(str(attrs.status)),
    amount: int(attrs.amount) ?? 0,
    reference: stringMap(attrs.metadata).transaction_id ?? null,
    failureCode: str(attrs.failed_code) ?? str(attrs.failure_code),
  };
}

type RefundFields = Pick<
  NormalisedWebhookEvent,
  'type' | 'refundIds' | 'paymentId' | 'reference' | 'amount' | 'currency'
>;

/**
 * `payment.refund.updated` carries the refund; `payment.refunded` carries the payment with every
 * refund it has (each succeeded one is settled; settling is idempotent per refund). Null: not a refund
 * event.
 */
export function normalisePaymongoRefundEvent(rawType: string, resource: Json): RefundFields | null {
  const attrs = obj(resource.attributes);
  if (rawType === 'payment.refund.updated' && str(resource.type) === 'refund') {
    const refund = refundToResult(resource);
    return {
      type:
        refund.status === 'succeeded'
          ? 'refund_succeeded'
          : refund.status === 'failed'
            ? 'refund_failed'
            : 'ignored',
      refundIds: refund.refundId ? [refund.refundId] : [],
      paymentId: str(attrs.payment_id),
      reference: refund.reference,
      amount: refund.amount,
      currency: str(attrs.currency),
    };
  }
  if (rawType === 'payment.refunded' && str(resource.type) === 'payment') {
    const succeeded = arr(attrs.refunds)
      .map((r) => refundToResult(obj(r)))
      .filter((r) => r.status === 'succeeded' && r.refundId !== '');
    return {
      type: succeeded.length > 0 ? 'refund_succeeded' : 'ignored',
      refundIds: succeeded.map((r) => r.refundId),
      paymentId: str(resource.id),
      reference: null,
      amount: null,
      currency: str(attrs.currency),
    };
  }
  return null;
}
