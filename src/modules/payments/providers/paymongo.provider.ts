import { Inject, Injectable } from '@nestjs/common';
import { CircuitBreakerRegistry } from '../../../common/circuit-breaker/circuit-breaker.registry';
import type { AppConfig } from '../../../config/app-config';
import { APP_CONFIG } from '../../../config/config.token';
import type { GatewayCapabilities } from './gateway-capabilities';
import { GatewayErrorInfo, GatewayHttpClient } from './gateway-http';
import { paymongoCapabilities } from './paymongo.capabilities';
import { arr, headerValue, int, Json, obj, str, stringMap } from './json-read';
import type {
  CheckoutSession,
  CheckoutStatus,
  CheckoutStatusResult,
  CreateCheckoutInput,
  CreatePayoutInput,
  NormalisedWebhookEvent,
  PaymentProvider,
  GatewayPayoutResult,
  GatewayPayoutStatus,
  PayoutResult,
  WebhookEventType,
  WebhookHeaders,
} from './payment-provider';
import { ProviderError, WebhookPayloadError, WebhookRejectedError } from './provider-errors';
import { SignatureCheck, verifyPaymongoSignature } from './webhook-signatures';

/** InstaPay BICs of the e-wallets we pay out to (banks send their own via `bankCode`). */
const WALLET_BIC: Record<'GCASH' | 'MAYA', string> = { GCASH: 'GXCHPHM2XXX', MAYA: 'PAPHPHM1XXX' };

export function parsePaymongoError(status: number, body: string): GatewayErrorInfo {
  try {
    const first = obj(arr(obj(JSON.parse(body)).errors)[0]);
    return { code: str(first.code), message: str(first.detail) ?? `HTTP ${status}` };
  } catch {
    // 429 bodies are plain text; empty 404 bodies mean "no such route".
    return { code: null, message: body.slice(0, 200) || `HTTP ${status}` };
  }
}

/** PayMongo over its REST API: JSON:API envelopes, centavos, Basic auth with the secret key. */
@Injectable()
export class PaymongoProvider implements PaymentProvider {
  readonly name = 'paymongo' as const;
  readonly capabilities: GatewayCapabilities;
  /** Seconds since the epoch; replaceable in tests. */
  nowSeconds = () => Math.floor(Date.now() / 1000);
  private readonly http: GatewayHttpClient;

  constructor(
    @Inject(APP_CONFIG) private readonly cfg: AppConfig,
    breakers: CircuitBreakerRegistry,
  ) {
    const pm = cfg.payments.paymongo;
    this.capabilities = paymongoCapabilities({
      activatedMethods: pm.paymentMethods,
      pesonetEnabled: pm.pesonetEnabled,
    });
    this.http = new GatewayHttpClient({
      provider: 'paymongo',
      baseUrl: pm.baseUrl,
      secretKey: pm.secretKey,
      idempotencyHeader: 'Idempotency-Key',
      breaker: breakers.get('paymongo'),
      parseError: parsePaymongoError,
    });
  }

  /** Live keys sign with `li`; test keys with `te`. The key decides which events we accept. */
  get webhooksConfigured(): boolean {
    return this.cfg.payments.paymongo.webhookSecret !== undefined;
  }

  private get liveKey(): boolean {
    return this.cfg.payments.paymongo.secretKey.startsWith('sk_live_');
  }

  async createCheckout(input: CreateCheckoutInput): Promise<CheckoutSession> {
    const res = await this.http.request<Json>({
      method: 'POST',
      path: '/v1/checkout_sessions',
      operation: 'checkout.create',
      idempotencyKey: input.idempotencyKey,
      body: {
        data: {
          attributes: {
            line_items: [
              {
                name: input.description,
                amount: input.amount,
                currency: input.currency,
                quantity: 1,
              },
            ],
            payment_method_types: input.methods,
            success_url: input.successUrl,
            cancel_url: input.cancelUrl,
            description: input.description,
            reference_number: input.reference,
            billing: { name: input.customer.name, email: input.customer.email },
            send_email_receipt: false,
            show_description: true,
            show_line_items: true,
            metadata: input.metadata,
          },
        },
      },
    });
    const data = obj(res.data);
    const id = str(data.id);
    const url = str(obj(data.attributes).checkout_url);
    if (!id || !url)
      throw new ProviderError(
        'paymongo',
        'ambiguous',
        null,
        'PayMongo returned an unreadable checkout',
      );
    return {
      checkoutId: id,
      checkoutUrl: url,
      paymentIntentId: str(obj(obj(data.attributes).payment_intent).id),
    };
  }

  async getCheckoutStatus(checkoutId: string): Promise<CheckoutStatusResult> {
    const res = await this.http.request<Json>({
      method: 'GET',
      path: `/v1/checkout_sessions/${encodeURIComponent(checkoutId)}`,
      operation: 'checkout.get',
    });
    return sessionToStatus(obj(res.data));
  }

  async expireCheckout(checkoutId: string): Promise<void> {
    await this.http.request<Json>({
      method: 'POST',
      path: `/v1/checkout_sessions/${encodeURIComponent(checkoutId)}/expire`,
      operation: 'checkout.expire',
    });
  }

  /**
   * Without the transfers API on the account (`PAYMONGO_PAYOUTS_ENABLED=false`) nothing is sent:
   * the caller is told `manual` and an admin pays out by hand (ADR 0055).
   */
  async createPayout(input: CreatePayoutInput): Promise<PayoutResult> {
    if (!this.cfg.payments.paymongo.payoutsEnabled)
      return { payoutId: null, status: 'manual', amount: input.amount, failureCode: null };
    const bic = input.channel === 'BANK' ? input.bankCode : WALLET_BIC[input.channel];
    const res = await this.http.request<Json>({
      method: 'POST',
      path: '/v2/batch_transfers',
      operation: 'payout.create',
      idempotencyKey: input.idempotencyKey,
      body: {
        transfers: [
          {
            destination_account: { number: input.accountNumber, name: input.accountName, bic },
            amount: input.amount,
            currency: input.currency,
            provider: 'instapay',
            reference_number: input.reference,
            description: input.description,
            metadata: input.metadata ?? {},
          },
        ],
      },
    });
    return transferToPayout(obj(arr(obj(res.data).transfers)[0]));
  }

  async getPayout(payoutId: string): Promise<GatewayPayoutResult> {
    const res = await this.http.request<Json>({
      method: 'GET',
      path: `/v2/transfers/${encodeURIComponent(payoutId)}`,
      operation: 'payout.get',
    });
    // Transfers v2 resources are flat (no `attributes`), unlike the v1 JSON:API ones.
    const data = obj(res.data);
    const attrs = obj(data.attributes);
    return transferToPayout(Object.keys(attrs).length > 0 ? { ...attrs, id: data.id } : data);
  }

  verifyWebhook(rawBody: Buffer, headers: WebhookHeaders): NormalisedWebhookEvent {
    if (this.cfg.payments.paymongo.webhookSecrets.length === 0)
      throw new WebhookRejectedError('not configured');
    let body: Json | null = null;
    try {
      body = obj(JSON.parse(rawBody.toString('utf8')));
    } catch {
      body = null;
    }
    const event = obj(body?.data);
    const attrs = obj(event.attributes);
    const livemode = typeof attrs.livemode === 'boolean' ? attrs.livemode : this.liveKey;
    // During a rotation both the current and the previous secret are accepted.
    let check: SignatureCheck = { ok: false, reason: 'mismatch' };
    for (const secret of this.cfg.payments.paymongo.webhookSecrets) {
      check = verifyPaymongoSignature({
        header: headerValue(headers, 'paymongo-signature'),
        rawBody,
        secret,
        livemode,
        expectLive: this.liveKey,
        nowSeconds: this.nowSeconds(),
        toleranceSeconds: this.cfg.business.webhookToleranceSeconds,
      });
      if (check.ok || check.reason !== 'mismatch') break;
    }
    if (!check.ok) throw new WebhookRejectedError(check.reason);
    const eventId = str(event.id);
    const rawType = str(attrs.type);
    if (!body || !eventId || !rawType) throw new WebhookPayloadError('Not a PayMongo event');
    return normalisePaymongoEvent(eventId, rawType, livemode, obj(attrs.data), body);
  }
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

function transferToPayout(t: Json): GatewayPayoutResult {
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

const CHECKOUT_EVENTS: Record<string, WebhookEventType> = {
  'checkout_session.payment.paid': 'paid',
  'checkout_session.payment.failed': 'failed',
  'checkout_session.payment.expired': 'expired',
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
