import { Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { paymongoCheckoutRequest, xenditInvoiceRequest } from './sandbox-checkout-requests';
import { SandboxGatewayService } from './sandbox-gateway.service';
import { SandboxRecords } from './sandbox-records';
import { GatewayReply, isObj, isReply, pmError, xnError } from './sandbox-replies';
import {
  paymongoEvent,
  paymongoPayment,
  paymongoSession,
  xenditInvoice,
} from './sandbox-resources';
import { paymongoId, xenditInvoiceId } from './sandbox.ids';
import { SandboxStore } from './sandbox.store';
import { SandboxWebhookDispatcher } from './sandbox-webhook.dispatcher';
import type { DeliveryRecord, SandboxCheckout } from './sandbox.types';

/**
 * Hosted checkouts of both gateways (PayMongo checkout sessions, Xendit invoices) and the customer's
 * actions on them. Records are in the database, so a page survives a restart and can still be paid.
 */
@Injectable()
export class SandboxCheckoutsService {
  constructor(
    private readonly gw: SandboxGatewayService,
    private readonly records: SandboxRecords,
    private readonly store: SandboxStore,
    private readonly webhooks: SandboxWebhookDispatcher,
  ) {}

  // ---- PayMongo checkout sessions -------------------------------------------------------------

  paymongoCreate(body: unknown, idempotencyKey: string | undefined): Promise<GatewayReply> {
    return this.gw.create('paymongo', idempotencyKey, body, async (tx) => {
      const req = paymongoCheckoutRequest(body, this.store.controls);
      if (isReply(req)) return req;
      const { attrs, items } = req;
      const billing = isObj(attrs.billing) ? attrs.billing : {};
      const now = Date.now();
      const id = paymongoId('cs');
      const c: SandboxCheckout = {
        provider: 'paymongo',
        id,
        amount: req.total,
        currency: 'PHP',
        description:
          typeof attrs.description === 'string' ? attrs.description : String(items[0].name),
        reference: typeof attrs.reference_number === 'string' ? attrs.reference_number : null,
        metadata: req.metadata,
        successUrl: typeof attrs.success_url === 'string' ? attrs.success_url : null,
        cancelUrl: typeof attrs.cancel_url === 'string' ? attrs.cancel_url : null,
        billing: {
          name: typeof billing.name === 'string' ? billing.name : null,
          email: typeof billing.email === 'string' ? billing.email : null,
        },
        methods: req.methods,
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
      await this.records.insertCheckout(tx.q, c);
      return { status: 200, body: { data: paymongoSession(c, this.gw.checkoutUrl(id)) } };
    });
  }

  async paymongoGet(id: string): Promise<GatewayReply> {
    const c = await this.records.checkout(id);
    if (!c || c.provider !== 'paymongo')
      return pmError(404, 'resource_not_found', `Checkout session ${id} not found.`);
    return { status: 200, body: { data: paymongoSession(c, this.gw.checkoutUrl(id)) } };
  }

  async paymongoExpire(id: string): Promise<GatewayReply> {
    const c = await this.records.transitionCheckout(
      id,
      ['open', 'failed'],
      'expired',
      { updatedAt: Date.now() },
      'paymongo',
    );
    if (c) return { status: 200, body: { data: paymongoSession(c, this.gw.checkoutUrl(id)) } };
    const found = await this.records.checkout(id);
    if (!found || found.provider !== 'paymongo')
      return pmError(404, 'resource_not_found', `Checkout session ${id} not found.`);
    return pmError(400, 'resource_failed_state', `Checkout session ${id} cannot be expired.`);
  }

  // ---- Xendit invoices ----------------------------------------------------------------------

  xenditCreateInvoice(body: unknown): Promise<GatewayReply> {
    return this.gw.create('xendit', undefined, body, async (tx) => {
      const req = xenditInvoiceRequest(body, this.store.controls);
      if (isReply(req)) return req;
      const b = req.body;
      const customer = isObj(b.customer) ? b.customer : {};
      const metadata: Record<string, string> = {};
      if (isObj(b.metadata))
        for (const [k, v] of Object.entries(b.metadata)) metadata[k] = String(v);
      const now = Date.now();
      const id = xenditInvoiceId();
      const c: SandboxCheckout = {
        provider: 'xendit',
        id,
        amount: req.amount,
        currency: 'PHP',
        description: typeof b.description === 'string' ? b.description : '',
        reference: b.external_id,
        metadata,
        successUrl: typeof b.success_redirect_url === 'string' ? b.success_redirect_url : null,
        cancelUrl: typeof b.failure_redirect_url === 'string' ? b.failure_redirect_url : null,
        billing: {
          name: typeof customer.given_names === 'string' ? customer.given_names : null,
          email: typeof b.payer_email === 'string' ? b.payer_email : null,
        },
        methods: req.channels,
        state: 'open',
        failedAttempts: 0,
        clientKey: '',
        paymentIntentId: '',
        paymentId: null,
        paidAmount: null,
        paidAt: null,
        createdAt: now,
        updatedAt: now,
        request: b,
      };
      await this.records.insertCheckout(tx.q, c);
      return { status: 200, body: xenditInvoice(c, this.gw.checkoutUrl(id)) };
    });
  }

  async xenditGetInvoice(id: string): Promise<GatewayReply> {
    const c = await this.records.checkout(id);
    if (!c || c.provider !== 'xendit')
      return xnError(404, 'INVOICE_NOT_FOUND_ERROR', 'Invoice not found');
    return { status: 200, body: xenditInvoice(c, this.gw.checkoutUrl(id)) };
  }

  async xenditExpireInvoice(id: string): Promise<GatewayReply> {
    const c = await this.records.transitionCheckout(
      id,
      ['open'],
      'expired',
      { updatedAt: Date.now() },
      'xendit',
    );
    if (!c)
      return xnError(404, 'INVOICE_NOT_FOUND_ERROR', 'Could not find and update PENDING invoice');
    return { status: 200, body: xenditInvoice(c, this.gw.checkoutUrl(id)) };
  }

  // ---- The customer's actions on the hosted page (or the control API) ----------------------

  findCheckout(id: string): Promise<SandboxCheckout | null> {
    return this.records.checkout(id);
  }

  list(): Promise<SandboxCheckout[]> {
    return this.records.checkouts();
  }

  /** Pays an open checkout (any checkout with `force`); null when there is nothing to pay. */
  async pay(
    id: string,
    opts: { amount?: number; force?: boolean } = {},
  ): Promise<DeliveryRecord[] | null> {
    const found = await this.records.checkout(id);
    if (!found) return null;
    const now = Date.now();
    const c = await this.records.transitionCheckout(id, opts.force ? null : ['open'], 'paid', {
      paidAmount: opts.amount ?? found.amount,
      paidAt: now,
      updatedAt: now,
      paymentId:
        found.provider === 'paymongo'
          ? paymongoId('pay')
          : `ewc_${randomBytes(12).toString('hex')}`,
    });
    // Of two clicks (or two instances) only the one that moved it from open pays.
    if (!c) return null;
    if (c.provider === 'xendit') {
      const inv = xenditInvoice(c, this.gw.checkoutUrl(id));
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
    const c =
      (await this.records.failAttempt(id, Date.now())) ??
      (opts.force ? await this.records.checkout(id) : null);
    if (!c) return null;
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
    const c = await this.records.transitionCheckout(id, opts.force ? null : ['open'], 'expired', {
      updatedAt: Date.now(),
    });
    if (!c) return null;
    if (c.provider === 'xendit') {
      const inv = xenditInvoice(c, this.gw.checkoutUrl(id));
      return this.webhooks.send('xendit', `invoice:${id}:EXPIRED`, 'invoice.expired', inv);
    }
    return [];
  }

  private async paymongoEvents(c: SandboxCheckout): Promise<DeliveryRecord[]> {
    const events = [
      paymongoEvent('checkout_session.payment.paid', paymongoSession(c, this.gw.checkoutUrl(c.id))),
    ];
    if (this.store.controls.paymongoPaymentEvents)
      events.push(paymongoEvent('payment.paid', paymongoPayment(c, 'paid')));
    const sent = await Promise.all(
      events.map((ev) => this.webhooks.send('paymongo', ev.data.id, ev.data.attributes.type, ev)),
    );
    return sent.flat();
  }
}
