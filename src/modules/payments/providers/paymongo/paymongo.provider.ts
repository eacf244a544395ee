import { Inject, Injectable } from '@nestjs/common';
import { CircuitBreakerRegistry } from 'src/common/circuit-breaker/circuit-breaker.registry';
import type { AppConfig } from 'src/config/app-config';
import { APP_CONFIG } from 'src/config/config.token';
import { payoutDestination } from '../bank-directory';
import { GatewayCapabilities, payoutRailFor } from '../gateway-capabilities';
import { GatewayHttpClient } from '../gateway-http';
import { paymongoCapabilities } from './paymongo.capabilities';
import { arr, headerValue, Json, obj, str } from '../json-read';
import type {
  CheckoutSession,
  CheckoutStatusResult,
  CreateCheckoutInput,
  CreatePayoutInput,
  CreateRefundInput,
  NormalisedWebhookEvent,
  PaymentProvider,
  GatewayPayoutResult,
  PayoutResult,
  RefundLookup,
  RefundResult,
  WebhookHeaders,
} from '../payment-provider';
import { ProviderError, WebhookPayloadError, WebhookRejectedError } from '../provider-errors';
import { refundToResult } from './paymongo-refund-wire';
import { SignatureCheck, verifyPaymongoSignature } from '../webhook-signatures';
import {
  normalisePaymongoEvent,
  parseInstitutionBics,
  parsePaymongoError,
  parseSourceAccount,
  sessionToStatus,
  SourceAccount,
  transferToPayout,
} from './paymongo-wire';

/** How long the wallet's source account and the receiving-institution lists are reused. */
const DIRECTORY_TTL_MS = 10 * 60_000;

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
    const rail = input.rail ?? payoutRailFor(this.capabilities, input.amount)?.rail;
    if (!rail)
      throw new ProviderError(
        'paymongo',
        'rejected',
        'amount_above_rail_limit',
        'No enabled transfer rail carries this amount',
      );
    const dest = payoutDestination(input.channel, input.bankCode);
    if (!dest) throw new ProviderError('paymongo', 'rejected', 'unknown_bank', 'Unknown bank code');
    // The docs require the sender to be an account attached to our wallet, and the receiver's BIC to
    // come from the receiving-institution list of the rail.
    const [source, bics] = await Promise.all([this.sourceAccount(), this.institutions(rail)]);
    if (!bics.has(dest.paymongoBic))
      throw new ProviderError(
        'paymongo',
        'rejected',
        'receiving_institution_unavailable',
        `${dest.name} is not a ${rail} receiving institution`,
      );
    const res = await this.http.request<Json>({
      method: 'POST',
      path: '/v2/batch_transfers',
      operation: 'payout.create',
      idempotencyKey: input.idempotencyKey,
      body: {
        transfers: [
          {
            source_account: source,
            destination_account: {
              number: input.accountNumber,
              name: input.accountName,
              bic: dest.paymongoBic,
            },
            amount: input.amount,
            currency: input.currency,
            provider: rail,
            reference_number: input.reference,
            description: input.description,
            metadata: input.metadata ?? {},
          },
        ],
      },
    });
    return transferToPayout(obj(arr(obj(res.data).transfers)[0]));
  }

  private sourceCache: { at: number; value: Promise<SourceAccount> } | null = null;
  private institutionCache = new Map<string, { at: number; value: Promise<Set<string>> }>();

  /** The wallet's own account (`GET /v2/wallets`), cached; a failed read is not cached. */
  private sourceAccount(): Promise<SourceAccount> {
    if (this.sourceCache && Date.now() - this.sourceCache.at < DIRECTORY_TTL_MS)
      return this.sourceCache.value;
    const value = this.http
      .request<Json>({ method: 'GET', path: '/v2/wallets', operation: 'wallet.get' })
      .then((res) => {
        const acct = parseSourceAccount(res);
        if (!acct)
          throw new ProviderError(
            'paymongo',
            'auth',
            null,
            'PayMongo wallet has no source account',
          );
        return acct;
      });
    this.sourceCache = { at: Date.now(), value };
    value.catch(() => (this.sourceCache = null));
    return value;
  }

  /** BICs PayMongo accepts on a rail (`GET /v2/transfers/receiving_institutions`), cached. */
  private institutions(rail: string): Promise<Set<string>> {
    const hit = this.institutionCache.get(rail);
    if (hit && Date.now() - hit.at < DIRECTORY_TTL_MS) return hit.value;
    const value = this.http
      .request<Json>({
        method: 'GET',
        path: `/v2/transfers/receiving_institutions?provider=${encodeURIComponent(rail)}`,
        operation: 'institutions.list',
      })
      .then(parseInstitutionBics);
    this.institutionCache.set(rail, { at: Date.now(), value });
    value.catch(() => this.institutionCache.delete(rail));
    return value;
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

  /** `POST /v1/refunds` against the payment of the session (read from the session if not stored). */
  async createRefund(input: CreateRefundInput): Promise<RefundResult> {
    const paymentId = input.paymentId ?? (await this.paymentOf(input.checkoutId));
    const res = await this.http.request<Json>({
      method: 'POST',
      path: '/v1/refunds',
      operation: 'refund.create',
      idempotencyKey: input.idempotencyKey,
      body: {
        data: {
          attributes: {
            amount: input.amount,
            payment_id: paymentId,
            reason: input.reason,
            notes: input.notes.slice(0, 255),
            metadata: { ...input.metadata, transaction_id: input.reference },
          },
        },
      },
    });
    return refundToResult(obj(res.data));
  }

  async getRefund(refundId: string): Promise<RefundResult> {
    const res = await this.http.request<Json>({
      method: 'GET',
      path: `/v1/refunds/${encodeURIComponent(refundId)}`,
      operation: 'refund.get',
    });
    return refundToResult(obj(res.data));
  }

  /** The payment lists its refunds; ours carries our reference in `metadata.transaction_id`. */
  async findRefund(lookup: RefundLookup): Promise<RefundResult | null> {
    const paymentId = lookup.paymentId ?? (await this.paymentOf(lookup.checkoutId));
    const res = await this.http.request<Json>({
      method: 'GET',
      path: `/v1/payments/${encodeURIComponent(paymentId)}`,
      operation: 'payment.get',
    });
    for (const r of arr(obj(obj(res.data).attributes).refunds)) {
      const result = refundToResult(obj(r));
      if (result.reference === lookup.reference) return result;
    }
    return null;
  }

  private async paymentOf(checkoutId: string): Promise<string> {
    const status = await this.getCheckoutStatus(checkoutId);
    if (!status.paymentId)
      throw new ProviderError('paymongo', 'rejected', null, 'The checkout has no paid payment');
    return status.paymentId;
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
