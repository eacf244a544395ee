// PayMongo's wire format: error bodies, wallets, checkout sessions, transfers and webhook events, parsed
// into the provider port's types (pure functions, tested against the documented examples).
import { GatewayErrorInfo } from '../gateway-http';
import { arr, int, Json, obj, str, stringMap } from '../json-read';
import type {
  CheckoutStatus,
  CheckoutStatusResult,
  NormalisedWebhookEvent,
  GatewayPayoutResult,
  GatewayPayoutStatus,
  WebhookEventType,
} from '../payment-provider';
import { normalisePaymongoRefundEvent } from './paymongo-refund-wire';

export interface SourceAccount {
  number: string;
  name: string;
  bic: string;
}

export function parsePaymongoError(status: number, body: string): GatewayErrorInfo {
  try {
    const first = obj(arr(obj(JSON.parse(body)).errors)[0]);
    return { code: str(first.code), message: str(first.detail) ?? `HTTP ${status}` };
  } catch {
    // 429 bodies are plain text; empty 404 bodies mean "no such route".
    return { code: null, message: body.slice(0, 200) || `HTTP ${status}` };
  }
}

/** The first wallet's `source_account` from `GET /v2/wallets` (flat v2 resources, or JSON:API). */
export function parseSourceAccount(res: Json): SourceAccount | null {
  for (const w of arr(res.data)) {
    const wallet = obj(w);
    const acct = obj(wallet.source_account ?? obj(wallet.attributes).source_account);
    const number = str(acct.number);
    const name = str(acct.name);
    const bic = str(acct.bic);
    if (number && name && bic) return { number, name, bic };
  }
  return null;
}

/** The BICs of `GET /v2/transfers/receiving_institutions?provider=…`. */
export function parseInstitutionBics(res: Json): Set<string> {
  const bics = new Set<string>();
  for (const i of arr(res.data)) {
    const item = obj(i);
    const bic = str(item.bic) ?? str(obj(item.attributes).bic);
    if (bic) bics.add(bic);
  }
  return bics;
}

function sessionAmount(attrs: Json): number | null {
  // Sessions have no top-level amount: it is the sum of the line items.
  let total = 0;
  for (const li of arr(attrs.line_items)) {
    const a = int(obj(li).amount);
    const q = int(obj(li).quantity) ?? 1;
    if (a === null) return null;
    total += a * q;
  }
  return total;
}

function firstPaidPayment(attrs: Json): Json | null {
  for (const p of arr(attrs.payments))
    if (str(obj(obj(p).attributes).status) === 'paid') return obj(p);
  return null;
}

export function sessionToStatus(data: Json): CheckoutStatusResult {
  const attrs = obj(data.attributes);
  const paid = firstPaidPayment(attrs);
  const pi = obj(obj(attrs.payment_intent).attributes);
  // The session stays "active" after payment: paid is read from payments / intent / paid_at.
  let status: CheckoutStatus = 'pending';
  if (paid || str(pi.status) === 'succeeded' || int(attrs.paid_at) !== null) status = 'paid';
  else if (str(attrs.status) === 'expired') status = 'expired';
  const paidAt = int(attrs.paid_at);
  const firstLine = obj(arr(attrs.line_items)[0]);
  return {
    checkoutId: str(data.id) ?? '',
    status,
    amount: sessionAmount(attrs) ?? 0,
    currency: str(firstLine.currency) ?? 'PHP',
    reference: str(attrs.reference_number),
    paymentId: paid ? str(paid.id) : null,
    paymentMethod: str(attrs.payment_method_used),
    paidAt: paidAt === null ? null : new Date(paidAt * 1000),
    metadata: stringMap(attrs.metadata),
    livemode: attrs.livemode === true,
  };
}

export function transferToPayout(t: Json): GatewayPayoutResult {
  const raw = str(t.status);
  const status: GatewayPayoutStatus =
    raw === 'succeeded' ? 'succeeded' : raw === 'failed' ? 'failed' : 'pending';
  return {
    payoutId: str(t.id) ?? '',
    status,
    amount: int(t.amount) ?? 0,
    failureCode: str(t.provider_error_code) ?? str(t.failure_code),
  };
}

/** PayMongo documents only the paid event for checkout sessions (no failed/expired ones). */
const CHECKOUT_EVENTS: Record<string, WebhookEventType> = {
  'checkout_session.payment.paid': 'paid',
};
const PAYMENT_EVENTS: Record<string, WebhookEventType> = {
  'payment.paid': 'paid',
  'payment.failed': 'failed',
};

export function normalisePaymongoEvent(
  eventId: string,
  rawType: string,
  livemode: boolean,
  resource: Json,
  raw: unknown,
): NormalisedWebhookEvent {
  const attrs = obj(resource.attributes);
  const metadata = stringMap(attrs.metadata);
  const base: NormalisedWebhookEvent = {
    provider: 'paymongo',
    eventId,
    type: 'ignored',
    rawType,
    checkoutId: null,
    payoutId: null,
    refundIds: [],
    paymentId: null,
    paymentIntentId: null,
    reference: null,
    amount: null,
    currency: null,
    paymentType: metadata.payment_type ?? null,
    metadata,
    livemode,
    raw,
  };
  const checkoutType = CHECKOUT_EVENTS[rawType];
  if (checkoutType && str(resource.type) === 'checkout_session') {
    const paid = firstPaidPayment(attrs);
    const paidAttrs = obj(paid?.attributes);
    return {
      ...base,
      type: checkoutType,
      checkoutId: str(resource.id),
      paymentId: paid ? str(paid.id) : null,
      paymentIntentId: str(obj(attrs.payment_intent).id),
      reference: str(attrs.reference_number),
      // What was actually charged, when the payment is present; else what the session asked for.
      amount: int(paidAttrs.amount) ?? sessionAmount(attrs),
      currency: str(paidAttrs.currency) ?? str(obj(arr(attrs.line_items)[0]).currency),
    };
  }
  const refundEvent = normalisePaymongoRefundEvent(rawType, resource);
  if (refundEvent) return { ...base, ...refundEvent };
  const paymentType = PAYMENT_EVENTS[rawType];
  if (paymentType && str(resource.type) === 'payment') {
    return {
      ...base,
      type: paymentType,
      paymentId: str(resource.id),
      paymentIntentId: str(attrs.payment_intent_id),
      reference: metadata.reference ?? null,
      amount: int(attrs.amount),
      currency: str(attrs.currency),
    };
  }
  return base;
}
