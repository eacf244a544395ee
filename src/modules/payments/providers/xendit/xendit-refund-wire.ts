import { pesosToCentavos } from 'src/common/money/money';
import { Json, obj, str, stringMap } from '../json-read';
import type { GatewayRefundStatus, NormalisedWebhookEvent, RefundResult } from '../payment-provider';
import { WebhookPayloadError } from '../provider-errors';

/** Xendit Refund API resources and the `refund.succeeded` / `refund.failed` callbacks. */
function refundStatus(raw: string | null): GatewayRefundStatus {
  if (raw === 'SUCCEEDED') return 'succeeded';
  if (raw === 'FAILED' || raw === 'CANCELLED') return 'failed';
  return 'pending';
}

export function xenditRefundToResult(r: Json): RefundResult {
  return {
    refundId: str(r.id) ?? '',
    status: refundStatus(str(r.status)),
    amount: pesosToCentavos(r.amount) ?? 0,
    reference: str(r.reference_id),
    failureCode: str(r.failure_code),
  };
}

const REFUND_EVENTS = new Set(['refund.succeeded', 'refund.failed']);

/**
 * `{event, business_id, created, data: <refund>}`. The documentation's own example nests the envelope
 * once more (`data: {event, data: <refund>}`); both shapes are read. Null: not a refund callback.
 */
export function normaliseXenditRefundCallback(
  body: Json,
): Omit<
  NormalisedWebhookEvent,
  'provider' | 'checkoutId' | 'payoutId' | 'paymentIntentId' | 'livemode' | 'raw'
> | null {
  const eventName = str(body.event);
  if (!eventName || !REFUND_EVENTS.has(eventName)) return null;
  let data = obj(body.data);
  if (str(data.event) && typeof data.data === 'object') data = obj(data.data);
  const refund = xenditRefundToResult(data);
  if (!refund.refundId) throw new WebhookPayloadError('Xendit refund callback without an id');
  const metadata = stringMap(data.metadata);
  return {
    eventId: `${eventName}:${refund.refundId}`,
    type: eventName === 'refund.succeeded' ? 'refund_succeeded' : 'refund_failed',
    rawType: eventName,
    refundIds: [refund.refundId],
    paymentId: str(data.payment_id),
    reference: refund.reference,
    amount: refund.amount,
    currency: str(data.currency),
    paymentType: metadata.payment_type ?? null,
    metadata,
  };
}
