import { Injectable } from '@nestjs/common';
import { pesosToCentavos } from '../../common/money/money';
import { GatewayReply, pmError, SandboxGatewayService, xnError } from './sandbox-gateway.service';
import { paymongoId, xenditRefundId } from './sandbox.ids';
import { paymongoEvent, paymongoPayment, paymongoRefund, xenditRefund } from './sandbox-resources';
import { SandboxStore } from './sandbox.store';
import { SandboxWebhookDispatcher } from './sandbox-webhook.dispatcher';
import type { SandboxCheckout, SandboxProvider, SandboxRefund } from './sandbox.types';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const isPosInt = (v: unknown): v is number =>
  typeof v === 'number' && Number.isSafeInteger(v) && v > 0;

const PAYMONGO_REASONS = new Set(['duplicate', 'fraudulent', 'requested_by_customer', 'others']);
const XENDIT_REASONS = new Set([
  'FRAUDULENT',
  'DUPLICATE',
  'REQUESTED_BY_CUSTOMER',
  'CANCELLATION',
  'OTHERS',
]);
/** PayMongo documents a minimum refund of 100 centavos. */
const PAYMONGO_MIN_REFUND = 100;

/**
 * Strict refunds for both gateways: only paid payments, never more than was paid in total (pending
 * and succeeded refunds count), the documented statuses (pending → succeeded | failed) and errors,
 * and refund webhooks signed like every other delivery.
 */
@Injectable()
export class SandboxRefundsService {
  constructor(
    private readonly gw: SandboxGatewayService,
    private readonly store: SandboxStore,
    private readonly webhooks: SandboxWebhookDispatcher,
  ) {}

  // ---- PayMongo `/v1/refunds`, `/v1/payments/:id` -----------------------------------------------

  paymongoCreate(body: unknown, idempotencyKey: string | undefined): GatewayReply {
    return this.gw.idempotent('paymongo', idempotencyKey, body, () => {
      const a =
        isObj(body) && isObj(body.data) && isObj(body.data.attributes)
          ? body.data.attributes
          : null;
      if (!a) return pmError(400, 'parameter_required', 'data.attributes is required.', 'data');
      if (typeof a.payment_id !== 'string' || a.payment_id === '')
        return pmError(400, 'parameter_required', 'payment_id is required.', 'payment_id');
      if (!isPosInt(a.amount))
        return pmError(400, 'parameter_data_type_invalid', 'amount must be an integer.', 'amount');
      if (a.amount < PAYMONGO_MIN_REFUND)
        return pmError(
          400,
          'parameter_below_minimum',
          `The minimum value for the amount is ${PAYMONGO_MIN_REFUND}.`,
          'amount',
        );
      if (typeof a.reason !== 'string' || !PAYMONGO_REASONS.has(a.reason))
        return pmError(
          400,
          'parameter_invalid',
          'reason must be one of duplicate, fraudulent, requested_by_customer, others.',
          'reason',
        );
      if (
        a.notes !== undefined &&
        a.notes !== null &&
        (typeof a.notes !== 'string' || a.notes.length > 255)
      )
        return pmError(400, 'parameter_invalid', 'notes must be at most 255 characters.', 'notes');
      const metadata = stringValues(a.metadata);
      if (metadata === null)
        return pmError(
          400,
          'parameter_data_type_invalid',
          'metadata values must be strings.',
          'metadata',
        );
      const c = this.paidPayment('paymongo', (x) => x.paymentId === a.payment_id);
      if (!c) return pmError(404, 'resource_not_found', `Payment ${a.payment_id} not found.`);
      if (c.state !== 'paid')
        return pmError(
          400,
          'resource_failed_state',
          'Only paid payments can be refunded.',
          'payment_id',
        );
      const remaining = this.remaining(c);
      if (a.amount > remaining)
        return pmError(
          400,
          'parameter_above_maximum',
          `The amount cannot be greater than the remaining refundable amount of ${remaining}.`,
          'amount',
        );
      const r = this.newRefund(c, paymongoId('ref'), {
        amount: a.amount,
        reason: a.reason,
        notes: typeof a.notes === 'string' ? a.notes : null,
        reference: null,
        metadata,
      });
      return { status: 200, body: { data: paymongoRefund(r) } };
    });
  }

  paymongoGet(id: string): GatewayReply {
    const r = this.store.refunds.get(id);
    if (!r || r.provider !== 'paymongo')
      return pmError(404, 'resource_not_found', `Refund ${id} not found.`);
    return { status: 200, body: { data: paymongoRefund(r) } };
  }

  paymongoGetPayment(id: string): GatewayReply {
    const c = this.paidPayment('paymongo', (x) => x.paymentId === id);
    if (!c || c.state !== 'paid')
      return pmError(404, 'resource_not_found', `Payment ${id} not found.`);
    return {
      status: 200,
      body: { data: paymongoPayment(c, 'paid', this.refundsOf(c).map(paymongoRefund)) },
    };
  }

  // ---- Xendit `/refunds` -------------------------------------------------------------------------

  xenditCreate(body: unknown, idempotencyKey: string | undefined): GatewayReply {
    return this.gw.idempotent('xendit', idempotencyKey, body, () => {
      if (!isObj(body))
        return xnError(400, 'API_VALIDATION_ERROR', 'Request body must be an object');
      if (typeof body.invoice_id !== 'string' || body.invoice_id === '')
        return xnError(400, 'API_VALIDATION_ERROR', 'invoice_id or payment_request_id is required');
      const amount = pesosToCentavos(body.amount);
      if (typeof body.amount !== 'number' || amount === null || amount <= 0)
        return xnError(
          400,
          'API_VALIDATION_ERROR',
          'amount must be a positive number with at most 2 decimals',
        );
      if (body.currency !== undefined && body.currency !== 'PHP')
        return xnError(400, 'API_VALIDATION_ERROR', 'currency must match the payment (PHP)');
      if (typeof body.reason !== 'string' || !XENDIT_REASONS.has(body.reason))
        return xnError(400, 'API_VALIDATION_ERROR', 'reason is invalid');
      const metadata = stringValues(body.metadata);
      if (metadata === null) return xnError(400, 'API_VALIDATION_ERROR', 'metadata is invalid');
      const c = this.paidPayment('xendit', (x) => x.id === body.invoice_id);
      if (!c) return xnError(404, 'DATA_NOT_FOUND', 'Invoice not found');
      if (c.state !== 'paid')
        return xnError(403, 'INELIGIBLE_TRANSACTION', 'Only paid invoices can be refunded');
      if (amount > this.remaining(c))
        return xnError(
          400,
          'MAXIMUM_REFUND_AMOUNT_REACHED',
          'Refund amount exceeds the remaining amount of the payment',
        );
      const r = this.newRefund(c, xenditRefundId(), {
        amount,
        reason: body.reason,
        notes: null,
        reference: typeof body.reference_id === 'string' ? body.reference_id : null,
        metadata,
      });
      return { status: 200, body: xenditRefund(r) };
    });
  }

  xenditGet(id: string): GatewayReply {
    const r = this.store.refunds.get(id);
    if (!r || r.provider !== 'xendit') return xnError(404, 'DATA_NOT_FOUND', 'Refund not found');
    return { status: 200, body: xenditRefund(r) };
  }

  xenditList(invoiceId: string | undefined): GatewayReply {
    const data = [...this.store.refunds.values()]
      .filter((r) => r.provider === 'xendit' && (!invoiceId || r.checkoutId === invoiceId))
      .map(xenditRefund);
    return { status: 200, body: { data, has_more: false } };
  }

  list(): SandboxRefund[] {
    return [...this.store.refunds.values()];
  }

  // ---- shared ----------------------------------------------------------------------------------

  private paidPayment(
    provider: SandboxProvider,
    match: (c: SandboxCheckout) => boolean,
  ): SandboxCheckout | undefined {
    for (const c of this.store.checkouts.values())
      if (c.provider === provider && match(c)) return c;
    return undefined;
  }

  private refundsOf(c: SandboxCheckout): SandboxRefund[] {
    return [...this.store.refunds.values()].filter((r) => r.checkoutId === c.id);
  }

  /** What can still be refunded: paid minus every refund that has not failed. */
  private remaining(c: SandboxCheckout): number {
    const taken = this.refundsOf(c)
      .filter((r) => r.state !== 'failed')
      .reduce((sum, r) => sum + r.amount, 0);
    return (c.paidAmount ?? c.amount) - taken;
  }

  private newRefund(
    c: SandboxCheckout,
    id: string,
    f: Pick<SandboxRefund, 'amount' | 'reason' | 'notes' | 'reference' | 'metadata'>,
  ): SandboxRefund {
    const now = Date.now();
    const r: SandboxRefund = {
      provider: c.provider,
      id,
      checkoutId: c.id,
      paymentId: c.paymentId ?? '',
      currency: 'PHP',
      state: 'pending',
      failureCode: null,
      createdAt: now,
      updatedAt: now,
      ...f,
    };
    this.store.refunds.set(id, r);
    const fail = this.store.take('failNextRefunds');
    setTimeout(() => void this.settle(r, c, fail), this.store.controls.refundDelayMs).unref();
    return r;
  }

  private async settle(r: SandboxRefund, c: SandboxCheckout, fail: boolean): Promise<void> {
    if (this.store.refunds.get(r.id) !== r || r.state !== 'pending') return;
    r.state = fail ? 'failed' : 'succeeded';
    r.failureCode = fail ? 'REFUND_FAILED' : null;
    r.updatedAt = Date.now();
    if (r.provider === 'xendit') {
      const event = fail ? 'refund.failed' : 'refund.succeeded';
      await this.webhooks.send('xendit', `${event}:${r.id}`, event, {
        event,
        business_id: 'sandbox-business',
        created: new Date().toISOString(),
        data: xenditRefund(r),
      });
      return;
    }
    const events = [paymongoEvent('payment.refund.updated', paymongoRefund(r))];
    if (!fail)
      events.push(
        paymongoEvent(
          'payment.refunded',
          paymongoPayment(c, 'paid', this.refundsOf(c).map(paymongoRefund)),
        ),
      );
    await Promise.all(
      events.map((ev) => this.webhooks.send('paymongo', ev.data.id, ev.data.attributes.type, ev)),
    );
  }
}

/** A flat string map, `{}` when absent; null when a value is not a string. */
function stringValues(v: unknown): Record<string, string> | null {
  if (v === undefined || v === null) return {};
  if (!isObj(v)) return null;
  const out: Record<string, string> = {};
  for (const [k, val] of Object.entries(v)) {
    if (typeof val !== 'string') return null;
    out[k] = val;
  }
  return out;
}
