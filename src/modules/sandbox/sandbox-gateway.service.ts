import { Inject, Injectable } from '@nestjs/common';
import { createHash, randomBytes } from 'node:crypto';
import type { AppConfig } from '../../config/app-config';
import { APP_CONFIG } from '../../config/config.token';
import { pesosToCentavos } from '../../common/money/money';
import type { CheckoutMethod } from '../payments/providers/payment-provider';
import { paymongoCapabilities } from '../payments/providers/paymongo.capabilities';
import { xenditCapabilities } from '../payments/providers/xendit.capabilities';
import { BANK_DIRECTORY, WALLET_DIRECTORY } from '../payments/providers/bank-directory';
import { paymongoId, xenditInvoiceId, xenditPayoutId } from './sandbox.ids';
import {
  paymongoEvent,
  paymongoPayment,
  paymongoSession,
  paymongoTransfer,
  xenditInvoice,
  xenditPayout,
} from './sandbox-resources';
import { SandboxStore } from './sandbox.store';
import { SandboxWebhookDispatcher } from './sandbox-webhook.dispatcher';
import type {
  DeliveryRecord,
  SandboxCheckout,
  SandboxPayout,
  SandboxProvider,
} from './sandbox.types';

export interface GatewayReply {
  status: number;
  body: unknown;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const isPosInt = (v: unknown): v is number =>
  typeof v === 'number' && Number.isSafeInteger(v) && v > 0;

export const pmError = (
  status: number,
  code: string,
  detail: string,
  attribute?: string,
): GatewayReply => ({
  status,
  body: {
    errors: [
      {
        code,
        detail,
        ...(attribute ? { source: { pointer: `attributes.${attribute}`, attribute } } : {}),
      },
    ],
  },
});
export const xnError = (status: number, code: string, message: string): GatewayReply => ({
  status,
  body: { error_code: code, message },
});

const PAYMONGO_METHODS = new Set([
  'card',
  'gcash',
  'paymaya',
  'grab_pay',
  'qrph',
  'shopee_pay',
  'billease',
  'dob',
  'dob_ubp',
]);

const ALL: CheckoutMethod[] = ['gcash', 'paymaya', 'card', 'qrph'];
/** The sandbox enforces the same documented limits the adapters declare. */
const PM_LIMITS = paymongoCapabilities({
  activatedMethods: ALL,
  pesonetEnabled: true,
}).checkoutLimits;
const XN_LIMITS = xenditCapabilities({ activatedMethods: ALL }).checkoutLimits;
const XN_CODES: Record<string, CheckoutMethod> = {
  GCASH: 'gcash',
  PAYMAYA: 'paymaya',
  CREDIT_CARD: 'card',
  QRPH: 'qrph',
};

const PM_RAIL_CAPS: Record<string, number> = Object.fromEntries(
  paymongoCapabilities({ activatedMethods: ALL, pesonetEnabled: true }).payoutRails.map((r) => [
    r.rail,
    r.maxAmount,
  ]),
);
/** The sandbox merchant wallet's own account: transfers must name it as `source_account`. */
export const SANDBOX_SOURCE_ACCOUNT = {
  number: '000000012345',
  name: 'iAyos Sandbox Merchant',
  bic: 'PAEYPHM2XXX',
};
const DIRECTORY = [...BANK_DIRECTORY, ...Object.values(WALLET_DIRECTORY)];
/** Receiving institutions per rail (e-wallets are reachable by InstaPay only). */
const INSTITUTIONS: Record<string, Array<{ bic: string; name: string }>> = {
  instapay: DIRECTORY.map((d) => ({ bic: d.paymongoBic, name: d.name })),
  pesonet: BANK_DIRECTORY.map((d) => ({ bic: d.paymongoBic, name: d.name })),
};
const XENDIT_CHANNELS = new Set(DIRECTORY.map((d) => d.xenditChannel));

/**
 * The gateway imitation: resources, validation, idempotency and the customer's actions. Controllers only
 * translate HTTP to these calls.
 */
@Injectable()
export class SandboxGatewayService {
  constructor(
    private readonly store: SandboxStore,
    private readonly webhooks: SandboxWebhookDispatcher,
    @Inject(APP_CONFIG) private readonly cfg: AppConfig,
  ) {}

  /** The sandbox answers only while the service is configured to talk to it. */
  get enabled(): boolean {
    if (this.cfg.app.isProduction) return false;
    const own = `${this.cfg.app.publicBaseUrl}/sandbox/`;
    return (
      this.cfg.payments.sandbox ||
      `${this.cfg.payments.paymongo.baseUrl}/`.startsWith(own) ||
      `${this.cfg.payments.xendit.baseUrl}/`.startsWith(own)
    );
  }

  checkoutUrl(id: string): string {
    return `${this.cfg.app.publicBaseUrl}/sandbox/checkout/${id}`;
  }

  /** Basic auth with the configured secret key as username and an empty password. */
  authorised(provider: SandboxProvider, header: string | undefined): boolean {
    if (!header?.startsWith('Basic ')) return false;
    const decoded = Buffer.from(header.slice(6), 'base64').toString('utf8');
    const key =
      provider === 'paymongo'
        ? this.cfg.payments.paymongo.secretKey
        : this.cfg.payments.xendit.apiKey;
    return decoded === `${key}:`;
  }

  unauthorised(provider: SandboxProvider): GatewayReply {
    return provider === 'paymongo'
      ? pmError(
          401,
          'api_key_invalid',
          'API key is invalid or missing. Use your secret key as the username.',
        )
      : xnError(401, 'INVALID_API_KEY', 'API key is invalid');
  }

  /** The "fail the next N calls with 5xx" knob. */
  injectedFailure(provider: SandboxProvider): GatewayReply | null {
    const only = this.store.controls.failCallsOf;
    if ((only !== '' && only !== provider) || !this.store.take('failNextCalls')) return null;
    return provider === 'paymongo'
      ? pmError(500, 'internal_server_error', 'Something went wrong on our end (sandbox-injected).')
      : xnError(500, 'SERVER_ERROR', 'Something went wrong (sandbox-injected)');
  }

  /** Replays a create with the same key; refuses one with different parameters. */
  idempotent(
    provider: SandboxProvider,
    key: string | undefined,
    body: unknown,
    create: () => GatewayReply,
  ): GatewayReply {
    if (!key) return create();
    const scoped = `${provider}:${key}`;
    const fingerprint = createHash('sha256').update(JSON.stringify(body)).digest('hex');
    const prior = this.store.idempotency.get(scoped);
    if (prior) {
      if (prior.fingerprint === fingerprint) return { status: prior.status, body: prior.body };
      return provider === 'paymongo'
        ? pmError(
            400,
            'idempotency_key_reused',
            'The idempotency key was used with different parameters.',
          )
        : xnError(409, 'DUPLICATE_ERROR', 'Idempotency key was used with a different request');
    }
    const reply = create();
    // Like PayMongo: nothing is stored for a request that failed validation.
    if (reply.status === 200) this.store.idempotency.set(scoped, { fingerprint, ...reply });
    return reply;
  }

  // ---- PayMongo checkout sessions -------------------------------------------------------------

  paymongoCreate(body: unknown, idempotencyKey: string | undefined): GatewayReply {
    return this.idempotent('paymongo', idempotencyKey, body, () => {
      const attrs =
        isObj(body) && isObj(body.data) && isObj(body.data.attributes)
          ? body.data.attributes
          : null;
      if (!attrs) return pmError(400, 'parameter_required', 'data.attributes is required.', 'data');
      const items = attrs.line_items;
      if (!Array.isArray(items) || items.length === 0)
        return pmError(400, 'parameter_required', 'line_items is required.', 'line_items');
      let total = 0;
      for (const raw of items) {
        const li = isObj(raw) ? raw : {};
        if (typeof li.name !== 'string' || li.name === '')
          return pmError(
            400,
            'parameter_required',
            'line_items.name is required.',
            'line_items.name',
          );
        if (!isPosInt(li.amount))
          return pmError(
            400,
            'parameter_data_type_invalid',
            'line_items.amount must be an integer.',
            'line_items.amount',
          );
        if (li.currency !== 'PHP')
          return pmError(
            400,
            'parameter_invalid',
            'line_items.currency must be PHP.',
            'line_items.currency',
          );
        if (!isPosInt(li.quantity))
          return pmError(
            400,
            'parameter_data_type_invalid',
            'line_items.quantity must be an integer.',
            'line_items.quantity',
          );
        total += li.amount * li.quantity;
      }
      const methods = attrs.payment_method_types;
      if (!Array.isArray(methods) || methods.length === 0)
        return pmError(
          400,
          'parameter_required',
          'payment_method_types is required.',
          'payment_method_types',
        );
      if (!methods.every((m) => typeof m === 'string' && PAYMONGO_METHODS.has(m)))
        return pmError(
          400,
          'parameter_invalid',
          'payment_method_types contains an unsupported method.',
          'payment_method_types',
        );
      const inactive = (methods as string[]).filter(
        (m) => !this.store.controls.paymongoMethods.includes(m),
      );
      if (inactive.length > 0)
        return pmError(
          400,
          'parameter_invalid',
          `payment_method_types contains ${inactive.join(', ')}, which is not activated on this account.`,
          'payment_method_types',
        );
      const min = this.store.controls.paymongoMinAmount;
      const max = Math.min(
        ...(methods as string[]).map(
          (m) => PM_LIMITS[m as CheckoutMethod]?.max ?? Number.MAX_SAFE_INTEGER,
        ),
      );
      if (total > max)
        return pmError(
          400,
          'parameter_above_maximum',
          `The maximum value for the amount is ${max}.`,
          'amount',
        );
      if (total < min)
        return pmError(
          400,
          'parameter_below_minimum',
          `The minimum value for the amount is ${min}.`,
          'amount',
        );
      const metadata: Record<string, string> = {};
      if (attrs.metadata !== undefined && attrs.metadata !== null) {
        if (!isObj(attrs.metadata))
          return pmError(400, 'parameter_invalid', 'metadata must be an object.', 'metadata');
        for (const [k, v] of Object.entries(attrs.metadata)) {
          if (typeof v !== 'string')
            return pmError(
              400,
              'parameter_data_type_invalid',
              `metadata.${k} must be a string.`,
              'metadata',
            );
          metadata[k] = v;
        }
      }
      const billing = isObj(attrs.billing) ? attrs.billing : {};
      const now = Date.now();
      const id = paymongoId('cs');
      const c: SandboxCheckout = {
        provider: 'paymongo',
        id,
        amount: total,
        currency: 'PHP',
        description:
          typeof attrs.description === 'string'
            ? attrs.description
            : String((items[0] as Obj).name),
        reference: typeof attrs.reference_number === 'string' ? attrs.reference_number : null,
        metadata,
        successUrl: typeof attrs.success_url === 'string' ? attrs.success_url : null,
        cancelUrl: typeof attrs.cancel_url === 'string' ? attrs.cancel_url : null,
        billing: {
          name: typeof billing.name === 'string' ? billing.name : null,
          email: typeof billing.email === 'string' ? billing.email : null,
        },
        methods: methods as string[],
        state: 'open',
        failedAttempts: 0,
        clientKey: `${id}_client_${randomBytes(12).toString('hex')}`,
        paymentIntentId: paymongoId('pi'),
        paymentId: null,
        paidAmount: null,
        paidAt: null,
        createdAt: now,
        updatedAt: now,
        request: attrs,
      };
      this.store.checkouts.set(id, c);
      return { status: 200, body: { data: paymongoSession(c, this.checkoutUrl(id)) } };
    });
  }

  paymongoGet(id: string): GatewayReply {
    const c = this.store.checkouts.get(id);
    if (!c || c.provider !== 'paymongo')
      return pmError(404, 'resource_not_found', `Checkout session ${id} not found.`);
    return { status: 200, body: { data: paymongoSession(c, this.checkoutUrl(id)) } };
  }

  paymongoExpire(id: string): GatewayReply {
    const c = this.store.checkouts.get(id);
    if (!c || c.provider !== 'paymongo')
      return pmError(404, 'resource_not_found', `Checkout session ${id} not found.`);
    if (c.state === 'paid' || c.state === 'expired')
      return pmError(400, 'resource_failed_state', `Checkout session ${id} cannot be expired.`);
    c.state = 'expired';
    c.updatedAt = Date.now();
    return { status: 200, body: { data: paymongoSession(c, this.checkoutUrl(id)) } };
  }

  // ---- Xendit invoices ----------------------------------------------------------------------

  xenditCreateInvoice(body: unknown): GatewayReply {
    if (!isObj(body)) return xnError(400, 'API_VALIDATION_ERROR', 'Request body must be an object');
    if (typeof body.external_id !== 'string' || body.external_id === '')
      return xnError(400, 'API_VALIDATION_ERROR', 'external_id is required');
    const amount = pesosToCentavos(body.amount);
    if (typeof body.amount !== 'number' || amount === null || amount <= 0)
      return xnError(
        400,
        'API_VALIDATION_ERROR',
        'amount must be a positive number with at most 2 decimals',
      );
    if (body.currency !== undefined && body.currency !== 'PHP')
      return xnError(400, 'UNSUPPORTED_CURRENCY', 'Only PHP is supported');
    const channels = Array.isArray(body.payment_methods)
      ? body.payment_methods.map(String)
      : this.store.controls.xenditMethods;
    const unavailable = channels.filter((ch) => !this.store.controls.xenditMethods.includes(ch));
    if (unavailable.length > 0 || channels.length === 0)
      return xnError(
        400,
        'UNAVAILABLE_PAYMENT_METHOD_ERROR',
        `Payment method(s) ${unavailable.join(', ') || '(none)'} are not activated for this business`,
      );
    for (const ch of channels) {
      const lim = XN_CODES[ch] ? XN_LIMITS[XN_CODES[ch]] : undefined;
      if (lim && amount < lim.min)
        return xnError(
          400,
          'API_VALIDATION_ERROR',
          `amount must be at least ${lim.min / 100} for ${ch}`,
        );
      if (lim && amount > lim.max)
        return xnError(
          400,
          'MAXIMUM_TRANSFER_AMOUNT_ERROR',
          `amount must be at most ${lim.max / 100} for ${ch}`,
        );
    }
    const metadata: Record<string, string> = {};
    if (isObj(body.metadata))
      for (const [k, v] of Object.entries(body.metadata)) metadata[k] = String(v);
    const customer = isObj(body.customer) ? body.customer : {};
    const now = Date.now();
    const id = xenditInvoiceId();
    const c: SandboxCheckout = {
      provider: 'xendit',
      id,
      amount,
      currency: 'PHP',
      description: typeof body.description === 'string' ? body.description : '',
      reference: body.external_id,
      metadata,
      successUrl: typeof body.success_redirect_url === 'string' ? body.success_redirect_url : null,
      cancelUrl: typeof body.failure_redirect_url === 'string' ? body.failure_redirect_url : null,
      billing: {
        name: typeof customer.given_names === 'string' ? customer.given_names : null,
        email: typeof body.payer_email === 'string' ? body.payer_email : null,
      },
      methods: channels,
      state: 'open',
      failedAttempts: 0,
      clientKey: '',
      paymentIntentId: '',
      paymentId: null,
      paidAmount: null,
      paidAt: null,
      createdAt: now,
      updatedAt: now,
      request: body,
    };
    this.store.checkouts.set(id, c);
    return { status: 200, body: xenditInvoice(c, this.checkoutUrl(id)) };
  }

  xenditGetInvoice(id: string): GatewayReply {
    const c = this.store.checkouts.get(id);
    if (!c || c.provider !== 'xendit')
      return xnError(404, 'INVOICE_NOT_FOUND_ERROR', 'Invoice not found');
    return { status: 200, body: xenditInvoice(c, this.checkoutUrl(id)) };
  }

  xenditExpireInvoice(id: string): GatewayReply {
    const c = this.store.checkouts.get(id);
    if (!c || c.provider !== 'xendit' || c.state !== 'open')
      return xnError(404, 'INVOICE_NOT_FOUND_ERROR', 'Could not find and update PENDING invoice');
    c.state = 'expired';
    c.updatedAt = Date.now();
    return { status: 200, body: xenditInvoice(c, this.checkoutUrl(id)) };
  }

  // ---- Payouts ------------------------------------------------------------------------------

  xenditCreatePayout(body: unknown, idempotencyKey: string | undefined): GatewayReply {
    if (!idempotencyKey)
      return xnError(400, 'API_VALIDATION_ERROR', 'Idempotency-key header is required');
    return this.idempotent('xendit', idempotencyKey, body, () => {
      if (!isObj(body))
        return xnError(400, 'API_VALIDATION_ERROR', 'Request body must be an object');
      const props = isObj(body.channel_properties) ? body.channel_properties : {};
      const amount = pesosToCentavos(body.amount);
      if (typeof body.reference_id !== 'string' || typeof body.channel_code !== 'string')
        return xnError(400, 'API_VALIDATION_ERROR', 'reference_id and channel_code are required');
      if (typeof props.account_number !== 'string' || typeof props.account_holder_name !== 'string')
        return xnError(400, 'API_VALIDATION_ERROR', 'channel_properties are incomplete');
      if (typeof body.amount !== 'number' || amount === null || amount <= 0)
        return xnError(
          400,
          'API_VALIDATION_ERROR',
          'amount must be a positive number with at most 2 decimals',
        );
      if (!XENDIT_CHANNELS.has(body.channel_code))
        return xnError(
          400,
          'CHANNEL_CODE_NOT_SUPPORTED',
          `channel_code ${body.channel_code} is not supported`,
        );
      const p = this.newPayout('xendit', xenditPayoutId(), {
        reference: body.reference_id,
        amount,
        channel: body.channel_code,
        accountNumber: props.account_number,
        accountName: props.account_holder_name,
        description: typeof body.description === 'string' ? body.description : '',
        metadata: isObj(body.metadata)
          ? Object.fromEntries(Object.entries(body.metadata).map(([k, v]) => [k, String(v)]))
          : {},
      });
      return { status: 200, body: xenditPayout(p) };
    });
  }

  xenditGetPayout(id: string): GatewayReply {
    const p = this.store.payouts.get(id);
    if (!p || p.provider !== 'xendit') return xnError(404, 'DATA_NOT_FOUND', 'Payout not found');
    return { status: 200, body: xenditPayout(p) };
  }

  paymongoCreateTransfers(body: unknown, idempotencyKey: string | undefined): GatewayReply {
    return this.idempotent('paymongo', idempotencyKey, body, () => {
      const transfers = isObj(body) && Array.isArray(body.transfers) ? body.transfers : null;
      if (!transfers || transfers.length === 0)
        return pmError(400, 'parameter_required', 'transfers is required.', 'transfers');
      const created: SandboxPayout[] = [];
      for (const raw of transfers) {
        const t = isObj(raw) ? raw : {};
        const dest = isObj(t.destination_account) ? t.destination_account : {};
        if (!isPosInt(t.amount))
          return pmError(
            400,
            'parameter_data_type_invalid',
            'amount must be an integer.',
            'amount',
          );
        if (typeof dest.number !== 'string' || typeof dest.name !== 'string')
          return pmError(
            400,
            'parameter_required',
            'destination_account is required.',
            'destination_account',
          );
        const src = isObj(t.source_account) ? t.source_account : {};
        if (src.number !== SANDBOX_SOURCE_ACCOUNT.number || src.bic !== SANDBOX_SOURCE_ACCOUNT.bic)
          return pmError(
            400,
            'parameter_invalid',
            'source_account must match an account attached to your wallet.',
            'source_account',
          );
        const rail = typeof t.provider === 'string' ? t.provider : '';
        if (!(rail in PM_RAIL_CAPS))
          return pmError(
            400,
            'parameter_invalid',
            'provider must be instapay or pesonet.',
            'provider',
          );
        if (!INSTITUTIONS[rail].some((i) => i.bic === dest.bic))
          return pmError(
            400,
            'parameter_invalid',
            `destination_account.bic is not a ${rail} receiving institution.`,
            'destination_account.bic',
          );
        if (t.amount > PM_RAIL_CAPS[rail])
          return pmError(
            400,
            'parameter_above_maximum',
            `The maximum value for the amount is ${PM_RAIL_CAPS[rail]} for ${rail}.`,
            'amount',
          );
        created.push(
          this.newPayout('paymongo', paymongoId('tr'), {
            reference: typeof t.reference_number === 'string' ? t.reference_number : '',
            amount: t.amount,
            channel: typeof dest.bic === 'string' ? dest.bic : '',
            accountNumber: dest.number,
            accountName: dest.name,
            description: typeof t.description === 'string' ? t.description : '',
            metadata: {},
            rail,
            sourceAccount: src,
          }),
        );
      }
      return {
        status: 200,
        body: { data: { id: paymongoId('batch_tr'), transfers: created.map(paymongoTransfer) } },
      };
    });
  }

  paymongoWallets(): GatewayReply {
    return {
      status: 200,
      body: {
        data: [
          {
            id: 'wallet_sandbox',
            type: 'wallet',
            currency: 'PHP',
            status: 'activated',
            source_account: { ...SANDBOX_SOURCE_ACCOUNT, bank_name: 'PayMongo' },
          },
        ],
      },
    };
  }

  paymongoInstitutions(provider: string | undefined): GatewayReply {
    const list = INSTITUTIONS[provider ?? ''];
    if (!list)
      return pmError(400, 'parameter_invalid', 'provider must be instapay or pesonet.', 'provider');
    return {
      status: 200,
      body: { data: list.map((i) => ({ bic: i.bic, name: i.name, provider })) },
    };
  }

  paymongoGetTransfer(id: string): GatewayReply {
    const p = this.store.payouts.get(id);
    if (!p || p.provider !== 'paymongo')
      return pmError(404, 'resource_not_found', `Transfer ${id} not found.`);
    return { status: 200, body: { data: paymongoTransfer(p) } };
  }

  private newPayout(
    provider: SandboxProvider,
    id: string,
    f: Pick<
      SandboxPayout,
      | 'reference'
      | 'amount'
      | 'channel'
      | 'accountNumber'
      | 'accountName'
      | 'description'
      | 'metadata'
      | 'rail'
      | 'sourceAccount'
    >,
  ): SandboxPayout {
    const now = Date.now();
    const p: SandboxPayout = {
      provider,
      id,
      currency: 'PHP',
      state: 'pending',
      failureCode: null,
      createdAt: now,
      updatedAt: now,
      ...f,
    };
    this.store.payouts.set(id, p);
    // Test accounts ending in 0002 (PayMongo's magic number) or the knob make the channel refuse it.
    const fail = f.accountNumber.endsWith('0002') || this.store.take('failNextPayouts');
    setTimeout(() => void this.settlePayout(p, fail), this.store.controls.payoutDelayMs).unref();
    return p;
  }

  private async settlePayout(p: SandboxPayout, fail: boolean): Promise<void> {
    if (this.store.payouts.get(p.id) !== p || p.state !== 'pending') return;
    p.state = fail ? 'failed' : 'succeeded';
    p.failureCode = fail ? 'REJECTED_BY_CHANNEL' : null;
    p.updatedAt = Date.now();
    // PayMongo's transfer callback signing is undocumented: its payouts are settled by polling.
    if (p.provider !== 'xendit') return;
    const event = fail ? 'payout.failed' : 'payout.succeeded';
    await this.webhooks.send('xendit', `${event}:${p.id}`, event, {
      event,
      business_id: 'sandbox-business',
      created: new Date().toISOString(),
      data: xenditPayout(p),
    });
  }

  /** The channel sends a succeeded payout back (Xendit `payout.reversed`). */
  async reversePayout(id: string): Promise<DeliveryRecord[] | null> {
    const p = this.store.payouts.get(id);
    // PayMongo documents no reversal of a succeeded transfer; Xendit sends `payout.reversed`.
    if (!p || p.provider !== 'xendit' || p.state !== 'succeeded') return null;
    p.state = 'reversed';
    p.updatedAt = Date.now();
    return this.webhooks.send('xendit', `payout.reversed:${p.id}`, 'payout.reversed', {
      event: 'payout.reversed',
      business_id: 'sandbox-business',
      created: new Date().toISOString(),
      data: xenditPayout(p),
    });
  }

  // ---- The customer's actions on the hosted page (or the control API) ----------------------

  findCheckout(id: string): SandboxCheckout | undefined {
    return this.store.checkouts.get(id);
  }

  async pay(
    id: string,
    opts: { amount?: number; force?: boolean } = {},
  ): Promise<DeliveryRecord[] | null> {
    const c = this.store.checkouts.get(id);
    if (!c || (!opts.force && c.state !== 'open')) return null;
    const now = Date.now();
    c.state = 'paid';
    c.paidAmount = opts.amount ?? c.amount;
    c.paidAt = now;
    c.updatedAt = now;
    c.paymentId =
      c.provider === 'paymongo' ? paymongoId('pay') : `ewc_${randomBytes(12).toString('hex')}`;
    if (c.provider === 'xendit') {
      const inv = xenditInvoice(c, this.checkoutUrl(id));
      return this.webhooks.send('xendit', `invoice:${id}:PAID`, 'invoice.paid', inv);
    }
    return this.paymongoEvents(c);
  }

  /**
   * One failed payment attempt. As on the real hosted pages the checkout stays payable: PayMongo sends
   * `payment.failed` (a Payment resource, the only documented failure event); a Xendit invoice sends
   * nothing (its callbacks are PAID and EXPIRED only). `force` sends PayMongo's event even after payment
   * (a late, out-of-order delivery).
   */
  async fail(id: string, opts: { force?: boolean } = {}): Promise<DeliveryRecord[] | null> {
    const c = this.store.checkouts.get(id);
    if (!c || (!opts.force && c.state !== 'open')) return null;
    c.updatedAt = Date.now();
    if (c.state === 'open') c.failedAttempts += 1;
    if (c.provider === 'xendit') return [];
    const failed = paymongoPayment({ ...c, paymentId: paymongoId('pay') }, 'failed');
    const ev = paymongoEvent('payment.failed', failed);
    return this.webhooks.send('paymongo', ev.data.id, ev.data.attributes.type, ev);
  }

  /**
   * The checkout expires (our expire call's effect, or its lifetime ran out). Xendit sends the EXPIRED
   * invoice callback; PayMongo documents no expiry event — the service learns it by polling.
   */
  async expire(id: string, opts: { force?: boolean } = {}): Promise<DeliveryRecord[] | null> {
    const c = this.store.checkouts.get(id);
    if (!c || (!opts.force && c.state !== 'open')) return null;
    c.state = 'expired';
    c.updatedAt = Date.now();
    if (c.provider === 'xendit') {
      const inv = xenditInvoice(c, this.checkoutUrl(id));
      return this.webhooks.send('xendit', `invoice:${id}:EXPIRED`, 'invoice.expired', inv);
    }
    return [];
  }

  private async paymongoEvents(c: SandboxCheckout): Promise<DeliveryRecord[]> {
    const events = [
      paymongoEvent('checkout_session.payment.paid', paymongoSession(c, this.checkoutUrl(c.id))),
    ];
    if (this.store.controls.paymongoPaymentEvents)
      events.push(paymongoEvent('payment.paid', paymongoPayment(c, 'paid')));
    const sent = await Promise.all(
      events.map((ev) => this.webhooks.send('paymongo', ev.data.id, ev.data.attributes.type, ev)),
    );
    return sent.flat();
  }
}
