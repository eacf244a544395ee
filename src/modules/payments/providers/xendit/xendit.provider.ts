import { Inject, Injectable } from '@nestjs/common';
import { CircuitBreakerRegistry } from 'src/common/circuit-breaker/circuit-breaker.registry';
import type { AppConfig } from 'src/config/app-config';
import { APP_CONFIG } from 'src/config/config.token';
import { payoutDestination } from '../bank-directory';
import type { GatewayCapabilities } from '../gateway-capabilities';
import { GatewayErrorInfo, GatewayHttpClient } from '../gateway-http';
import { xenditCapabilities } from './xendit.capabilities';
import { headerValue, Json, obj, str, stringMap } from '../json-read';
import { centavosToPesos, pesosToCentavos } from 'src/common/money/money';
import type {
  CheckoutMethod,
  CheckoutSession,
  CheckoutStatus,
  CheckoutStatusResult,
  CreateCheckoutInput,
  CreatePayoutInput,
  CreateRefundInput,
  NormalisedWebhookEvent,
  PaymentProvider,
  GatewayPayoutResult,
  GatewayPayoutStatus,
  RefundLookup,
  RefundResult,
  WebhookHeaders,
} from '../payment-provider';
import { normaliseXenditRefundCallback, xenditRefundToResult } from './xendit-refund-wire';
import { ProviderError, WebhookPayloadError, WebhookRejectedError } from '../provider-errors';
import { verifyXenditCallbackToken } from '../webhook-signatures';

const METHOD_CODES: Record<CheckoutMethod, string> = {
  gcash: 'GCASH',
  paymaya: 'PAYMAYA',
  card: 'CREDIT_CARD',
  qrph: 'QRPH',
};

/** Xendit's refund reasons (uppercase) for PayMongo's enum we use as ours. */
const XENDIT_REFUND_REASON: Record<CreateRefundInput['reason'], string> = {
  duplicate: 'DUPLICATE',
  fraudulent: 'FRAUDULENT',
  requested_by_customer: 'REQUESTED_BY_CUSTOMER',
  others: 'OTHERS',
};

/** Invoice lifetime we ask for; reconciliation expires anything older locally as well. */
export const XENDIT_INVOICE_DURATION_SECONDS = 24 * 3600;

export function parseXenditError(status: number, body: string): GatewayErrorInfo {
  try {
    const b = obj(JSON.parse(body));
    return { code: str(b.error_code), message: str(b.message) ?? `HTTP ${status}` };
  } catch {
    return { code: null, message: body.slice(0, 200) || `HTTP ${status}` };
  }
}

/** Xendit (rollback gateway): invoices for checkouts, Payouts v2 for money out; amounts in pesos. */
@Injectable()
export class XenditProvider implements PaymentProvider {
  readonly name = 'xendit' as const;
  readonly capabilities: GatewayCapabilities;
  private readonly http: GatewayHttpClient;

  constructor(
    @Inject(APP_CONFIG) private readonly cfg: AppConfig,
    breakers: CircuitBreakerRegistry,
  ) {
    const x = cfg.payments.xendit;
    this.capabilities = xenditCapabilities({ activatedMethods: x.paymentMethods });
    this.http = new GatewayHttpClient({
      provider: 'xendit',
      baseUrl: x.baseUrl,
      secretKey: x.apiKey,
      idempotencyHeader: 'Idempotency-key',
      breaker: breakers.get('xendit'),
      parseError: parseXenditError,
    });
  }

  get webhooksConfigured(): boolean {
    return this.cfg.payments.xendit.webhookToken !== undefined;
  }

  private get live(): boolean {
    return this.cfg.payments.xendit.apiKey.startsWith('xnd_production_');
  }

  async createCheckout(input: CreateCheckoutInput): Promise<CheckoutSession> {
    const pesos = centavosToPesos(input.amount);
    // Invoices take no idempotency header: our own deposit idempotency and `external_id` cover it.
    const res = await this.http.request<Json>({
      method: 'POST',
      path: '/v2/invoices',
      operation: 'checkout.create',
      body: {
        external_id: input.reference,
        amount: pesos,
        currency: input.currency,
        description: input.description,
        invoice_duration: XENDIT_INVOICE_DURATION_SECONDS,
        payer_email: input.customer.email,
        customer: { given_names: input.customer.name, email: input.customer.email },
        success_redirect_url: input.successUrl,
        failure_redirect_url: input.cancelUrl,
        payment_methods: input.methods.map((m) => METHOD_CODES[m]),
        items: [{ name: input.description, quantity: 1, price: pesos }],
        metadata: input.metadata,
      },
    });
    const id = str(res.id);
    const url = str(res.invoice_url);
    if (!id || !url)
      throw new ProviderError('xendit', 'ambiguous', null, 'Xendit returned an unreadable invoice');
    return { checkoutId: id, checkoutUrl: url, paymentIntentId: null };
  }

  async getCheckoutStatus(checkoutId: string): Promise<CheckoutStatusResult> {
    const inv = await this.http.request<Json>({
      method: 'GET',
      path: `/v2/invoices/${encodeURIComponent(checkoutId)}`,
      operation: 'checkout.get',
    });
    return invoiceToStatus(inv, this.live);
  }

  async expireCheckout(checkoutId: string): Promise<void> {
    await this.http.request<Json>({
      method: 'POST',
      path: `/invoices/${encodeURIComponent(checkoutId)}/expire!`,
      operation: 'checkout.expire',
    });
  }

  async createPayout(input: CreatePayoutInput): Promise<GatewayPayoutResult> {
    const dest = payoutDestination(input.channel, input.bankCode);
    if (!dest) throw new ProviderError('xendit', 'rejected', 'unknown_bank', 'Unknown bank code');
    const channel = dest.xenditChannel;
    const res = await this.http.request<Json>({
      method: 'POST',
      path: '/v2/payouts',
      operation: 'payout.create',
      idempotencyKey: input.idempotencyKey,
      body: {
        reference_id: input.reference,
        channel_code: channel,
        channel_properties: {
          account_number: input.accountNumber,
          account_holder_name: input.accountName,
        },
        amount: centavosToPesos(input.amount),
        currency: input.currency,
        description: input.description,
        metadata: input.metadata ?? {},
      },
    });
    return payoutToResult(res);
  }

  async getPayout(payoutId: string): Promise<GatewayPayoutResult> {
    const res = await this.http.request<Json>({
      method: 'GET',
      path: `/v2/payouts/${encodeURIComponent(payoutId)}`,
      operation: 'payout.get',
    });
    return payoutToResult(res);
  }

  /** `POST /refunds` (Refund API, no version prefix) against the paid invoice. */
  async createRefund(input: CreateRefundInput): Promise<RefundResult> {
    const res = await this.http.request<Json>({
      method: 'POST',
      path: '/refunds',
      operation: 'refund.create',
      idempotencyKey: input.idempotencyKey,
      body: {
        invoice_id: input.checkoutId,
        reference_id: input.reference,
        amount: centavosToPesos(input.amount),
        currency: input.currency,
        reason: XENDIT_REFUND_REASON[input.reason],
        metadata: { ...input.metadata, notes: input.notes.slice(0, 255) },
      },
    });
    return xenditRefundToResult(res);
  }

  async getRefund(refundId: string): Promise<RefundResult> {
    const res = await this.http.request<Json>({
      method: 'GET',
      path: `/refunds/${encodeURIComponent(refundId)}`,
      operation: 'refund.get',
    });
    return xenditRefundToResult(res);
  }

  /** Lists the invoice's refunds and picks ours by `reference_id`. */
  async findRefund(lookup: RefundLookup): Promise<RefundResult | null> {
    const res = await this.http.request<Json>({
      method: 'GET',
      path: `/refunds?invoice_id=${encodeURIComponent(lookup.checkoutId)}&limit=100`,
      operation: 'refund.list',
    });
    for (const r of Array.isArray(res.data) ? res.data : []) {
      const result = xenditRefundToResult(obj(r));
      if (result.reference === lookup.reference) return result;
    }
    return null;
  }

  verifyWebhook(rawBody: Buffer, headers: WebhookHeaders): NormalisedWebhookEvent {
    // During a rotation both configured tokens are accepted (each compared in constant time).
    const given = headerValue(headers, 'x-callback-token');
    if (!this.cfg.payments.xendit.webhookTokens.some((t) => verifyXenditCallbackToken(given, t)))
      throw new WebhookRejectedError(given ? 'token' : 'missing');
    let body: Json;
    try {
      const parsed: unknown = JSON.parse(rawBody.toString('utf8'));
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
        throw new Error('not an object');
      body = parsed as Json;
    } catch {
      throw new WebhookPayloadError('Not a Xendit callback');
    }
    return normaliseXenditCallback(body, this.live);
  }
}

function invoiceStatus(raw: string | null): CheckoutStatus {
  if (raw === 'PAID' || raw === 'SETTLED') return 'paid';
  if (raw === 'EXPIRED') return 'expired';
  if (raw === 'FAILED') return 'failed';
  return 'pending';
}

export function invoiceToStatus(inv: Json, livemode: boolean): CheckoutStatusResult {
  const status = invoiceStatus(str(inv.status));
  const paidAt = str(inv.paid_at);
  return {
    checkoutId: str(inv.id) ?? '',
    status,
    amount: pesosToCentavos(status === 'paid' ? (inv.paid_amount ?? inv.amount) : inv.amount) ?? 0,
    currency: str(inv.currency) ?? 'PHP',
    reference: str(inv.external_id),
    paymentId: str(inv.payment_id),
    paymentMethod: str(inv.payment_channel)?.toLowerCase() ?? null,
    paidAt: paidAt ? new Date(paidAt) : null,
    metadata: stringMap(inv.metadata),
    livemode,
  };
}

export function payoutToResult(p: Json): GatewayPayoutResult {
  const raw = str(p.status);
  const status: GatewayPayoutStatus =
    raw === 'SUCCEEDED'
      ? 'succeeded'
      : raw === 'REVERSED'
        ? 'reversed'
        : raw === 'FAILED' || raw === 'CANCELLED'
          ? 'failed'
          : 'pending';
  return {
    payoutId: str(p.id) ?? '',
    status,
    amount: pesosToCentavos(p.amount) ?? 0,
    failureCode: str(p.failure_code),
  };
}

export function normaliseXenditCallback(body: Json, livemode: boolean): NormalisedWebhookEvent {
  const base = {
    provider: 'xendit' as const,
    checkoutId: null,
    payoutId: null,
    refundIds: [],
    paymentId: null,
    paymentIntentId: null,
    livemode,
    raw: body,
  };
  const refund = normaliseXenditRefundCallback(body);
  if (refund) return { ...base, ...refund };
  // Payout callbacks have an envelope {event, data}; invoice callbacks are the bare invoice.
  const eventName = str(body.event);
  if (eventName && typeof body.data === 'object') {
    const data = obj(body.data);
    const payoutId = str(data.id);
    if (!payoutId) throw new WebhookPayloadError('Xendit callback without an id');
    const metadata = stringMap(data.metadata);
    return {
      ...base,
      eventId: `${eventName}:${payoutId}`,
      type:
        eventName === 'payout.succeeded'
          ? 'payout_succeeded'
          : eventName === 'payout.failed'
            ? 'payout_failed'
            : eventName === 'payout.reversed'
              ? 'payout_reversed'
              : 'ignored',
      rawType: eventName,
      payoutId,
      reference: str(data.reference_id),
      amount: pesosToCentavos(data.amount),
      currency: str(data.currency),
      paymentType: metadata.payment_type ?? null,
      metadata,
    };
  }
  const id = str(body.id);
  const rawStatus = str(body.status);
  if (!id || !rawStatus) throw new WebhookPayloadError('Xendit callback without id or status');
  const status = invoiceStatus(rawStatus);
  const metadata = stringMap(body.metadata);
  const amountField = status === 'paid' ? (body.paid_amount ?? body.amount) : body.amount;
  return {
    ...base,
    // Invoice callbacks carry no event id: one event per (invoice, status) is what dedupe needs.
    eventId: `invoice:${id}:${rawStatus}`,
    type: status === 'pending' ? 'ignored' : status,
    rawType: `invoice.${rawStatus.toLowerCase()}`,
    checkoutId: id,
    paymentId: str(body.payment_id),
    reference: str(body.external_id),
    amount: pesosToCentavos(amountField),
    currency: str(body.currency),
    paymentType: metadata.payment_type ?? null,
    metadata,
  };
}
