import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { SandboxGatewayService } from './sandbox-gateway.service';
import { Queryable, SandboxRecords, SandboxTx } from './sandbox-records';
import {
  GatewayReply,
  isObj,
  isPosInt,
  pmError,
  stringValues,
  xenditAmount,
  xnError,
} from './sandbox-replies';
import { paymongoId, xenditRefundId } from './sandbox.ids';
import { paymongoEvent, paymongoPayment, paymongoRefund, xenditRefund } from './sandbox-resources';
import { SandboxStore } from './sandbox.store';
import { SandboxWebhookDispatcher } from './sandbox-webhook.dispatcher';
import type { SandboxCheckout, SandboxRefund } from './sandbox.types';

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
 * and succeeded refunds count, summed under the payment's row lock), the documented statuses
 * (pending → succeeded | failed) and errors, and refund webhooks signed like every other delivery.
 * Settling works like payouts: a timer, re-armed at startup, or a read that finds the refund due.
 */
@Injectable()
export class SandboxRefundsService implements OnApplicationBootstrap {
  private readonly log = new Logger('SandboxRefunds');

  constructor(
    private readonly gw: SandboxGatewayService,
    private readonly records: SandboxRecords,
    private readonly store: SandboxStore,
    private readonly webhooks: SandboxWebhookDispatcher,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (this.gw.enabled)
      await this.records.rearmPending(
        'sandbox_refunds',
        (id, inMs) => this.arm(id, inMs),
        this.log,
      );
  }

  // ---- PayMongo `/v1/refunds`, `/v1/payments/:id` -----------------------------------------------

  paymongoCreate(body: unknown, idempotencyKey: string | undefined): Promise<GatewayReply> {
    return this.gw.create('paymongo', idempotencyKey, body, async (tx) => {
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
      const c = await this.records.checkoutFor('paymongo', { paymentId: a.payment_id }, tx.q, true);
      if (!c) return pmError(404, 'resource_not_found', `Payment ${a.payment_id} not found.`);
      if (c.state !== 'paid')
        return pmError(
          400,
          'resource_failed_state',
          'Only paid payments can be refunded.',
          'payment_id',
        );
      const remaining = await this.remaining(tx.q, c);
      if (a.amount > remaining)
        return pmError(
          400,
          'parameter_above_maximum',
          `The amount cannot be greater than the remaining refundable amount of ${remaining}.`,
          'amount',
        );
      const r = await this.newRefund(tx, c, paymongoId('ref'), {
        amount: a.amount,
        reason: a.reason,
        notes: typeof a.notes === 'string' ? a.notes : null,
        reference: null,
        metadata,
      });
      return { status: 200, body: { data: paymongoRefund(r) } };
    });
  }

  async paymongoGet(id: string): Promise<GatewayReply> {
    const r = await this.refund(id);
    if (!r || r.provider !== 'paymongo')
      return pmError(404, 'resource_not_found', `Refund ${id} not found.`);
    return { status: 200, body: { data: paymongoRefund(r) } };
  }

  async paymongoGetPayment(id: string): Promise<GatewayReply> {
    const c = await this.records.checkoutFor('paymongo', { paymentId: id });
    if (!c || c.state !== 'paid')
      return pmError(404, 'resource_not_found', `Payment ${id} not found.`);
    const refunds = await this.refundsOf(c);
    return { status: 200, body: { data: paymongoPayment(c, 'paid', refunds.map(paymongoRefund)) } };
  }

  // ---- Xendit `/refunds` -------------------------------------------------------------------------

  xenditCreate(body: unknown, idempotencyKey: string | undefined): Promise<GatewayReply> {
    return this.gw.create('xendit', idempotencyKey, body, async (tx) => {
      if (!isObj(body))
        return xnError(400, 'API_VALIDATION_ERROR', 'Request body must be an object');
      if (typeof body.invoice_id !== 'string' || body.invoice_id === '')
        return xnError(400, 'API_VALIDATION_ERROR', 'invoice_id or payment_request_id is required');
      const amount = xenditAmount(
        body,
        xnError(400, 'API_VALIDATION_ERROR', 'currency must match the payment (PHP)'),
      );
      if (typeof amount !== 'number') return amount;
      if (typeof body.reason !== 'string' || !XENDIT_REASONS.has(body.reason))
        return xnError(400, 'API_VALIDATION_ERROR', 'reason is invalid');
      const metadata = stringValues(body.metadata);
      if (metadata === null) return xnError(400, 'API_VALIDATION_ERROR', 'metadata is invalid');
      const c = await this.records.checkoutFor('xendit', { id: body.invoice_id }, tx.q, true);
      if (!c) return xnError(404, 'DATA_NOT_FOUND', 'Invoice not found');
      if (c.state !== 'paid')
        return xnError(403, 'INELIGIBLE_TRANSACTION', 'Only paid invoices can be refunded');
      if (amount > (await this.remaining(tx.q, c)))
        return xnError(
          400,
          'MAXIMUM_REFUND_AMOUNT_REACHED',
          'Refund amount exceeds the remaining amount of the payment',
        );
      const r = await this.newRefund(tx, c, xenditRefundId(), {
        amount,
        reason: body.reason,
        notes: null,
        reference: typeof body.reference_id === 'string' ? body.reference_id : null,
        metadata,
      });
      return { status: 200, body: xenditRefund(r) };
    });
  }

  async xenditGet(id: string): Promise<GatewayReply> {
    const r = await this.refund(id);
    if (!r || r.provider !== 'xendit') return xnError(404, 'DATA_NOT_FOUND', 'Refund not found');
    return { status: 200, body: xenditRefund(r) };
  }

  async xenditList(invoiceId: string | undefined): Promise<GatewayReply> {
    const data = (await this.settledRefunds({ provider: 'xendit', checkoutId: invoiceId })).map(
      xenditRefund,
    );
    return { status: 200, body: { data, has_more: false } };
  }

  list(): Promise<SandboxRefund[]> {
    return this.settledRefunds();
  }

  // ---- shared ----------------------------------------------------------------------------------

  /** A refund as the gateway reports it now: settled first if it is due (its timer may be lost). */
  private async refund(id: string): Promise<SandboxRefund | null> {
    await this.settleIfDue(id);
    return this.records.refund(id);
  }

  private async settledRefunds(
    filter: { provider?: 'xendit'; checkoutId?: string } = {},
  ): Promise<SandboxRefund[]> {
    const all = await this.records.refunds(filter);
    const due = all.filter((r) => r.state === 'pending');
    if (due.length === 0) return all;
    for (const r of due) await this.settleIfDue(r.id);
    return this.records.refunds(filter);
  }

  private refundsOf(c: SandboxCheckout): Promise<SandboxRefund[]> {
    return this.settledRefunds({ checkoutId: c.id });
  }

  /** What can still be refunded: paid minus every refund that has not failed. */
  private async remaining(q: Queryable, c: SandboxCheckout): Promise<number> {
    return (c.paidAmount ?? c.amount) - (await this.records.refunded(q, c.id));
  }

  private async newRefund(
    tx: SandboxTx,
    c: SandboxCheckout,
    id: string,
    f: Pick<SandboxRefund, 'amount' | 'reason' | 'notes' | 'reference' | 'metadata'>,
  ): Promise<SandboxRefund> {
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
    const fails = this.store.take('failNextRefunds');
    const delay = this.store.controls.refundDelayMs;
    await this.records.insertRefund(tx.q, r, new Date(now + delay), fails);
    tx.after.push(() => this.arm(id, delay));
    return r;
  }

  private async settleIfDue(id: string): Promise<void> {
    const r = await this.records.settle<SandboxRefund>('sandbox_refunds', id, true);
    if (r) void this.announce(r);
  }

  private arm(id: string, inMs: number): void {
    setTimeout(() => {
      this.records
        .settle<SandboxRefund>('sandbox_refunds', id, false)
        .then((r) => (r ? this.announce(r) : undefined))
        .catch((err: unknown) =>
          this.log.warn(`Settling sandbox refund ${id} failed: ${String(err)}`),
        );
    }, inMs).unref();
  }

  private async announce(r: SandboxRefund): Promise<void> {
    const fail = r.state === 'failed';
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
    const c = fail ? null : await this.records.checkout(r.checkoutId);
    if (c)
      events.push(
        paymongoEvent(
          'payment.refunded',
          paymongoPayment(
            c,
            'paid',
            (await this.records.refunds({ checkoutId: c.id })).map(paymongoRefund),
          ),
        ),
      );
    await Promise.all(
      events.map((ev) => this.webhooks.send('paymongo', ev.data.id, ev.data.attributes.type, ev)),
    );
  }
}
