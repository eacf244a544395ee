import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { obj, str } from './json-read';
import { refundToResult } from './paymongo/paymongo-refund-wire';
import { normalisePaymongoEvent } from './paymongo/paymongo-wire';
import { WebhookPayloadError } from './provider-errors';
import { xenditRefundToResult } from './xendit/xendit-refund-wire';
import { normaliseXenditCallback } from './xendit/xendit.provider';

/** Fixtures composed from the gateways' documented refund payloads (made-up ids). */
const fixture = (name: string): Record<string, unknown> =>
  obj(JSON.parse(readFileSync(join(__dirname, 'fixtures', name), 'utf8')));

const paymongoEvent = (name: string) => {
  const body = fixture(name);
  const event = obj(body.data);
  const attrs = obj(event.attributes);
  return normalisePaymongoEvent(
    str(event.id) ?? '',
    str(attrs.type) ?? '',
    false,
    obj(attrs.data),
    body,
  );
};

describe('Refund events and resources', () => {
  it('should read payment.refund.updated as the refund it carries, with our reference', () => {
    expect(paymongoEvent('paymongo-payment-refund-updated.json')).toMatchObject({
      provider: 'paymongo',
      eventId: 'evt_R3fUndUpd4tedEv3nt0000001',
      type: 'refund_succeeded',
      rawType: 'payment.refund.updated',
      refundIds: ['ref_Fx7uR3fundA0000000000001'],
      paymentId: 'pay_Fx7uPaym3nt000000000001',
      reference: '8d3c1f7e-2a4b-4c6d-8e9f-0a1b2c3d4e5f',
      amount: 2000,
      currency: 'PHP',
    });
  });

  it('should ignore a refund update that is still pending', () => {
    const body = fixture('paymongo-payment-refund-updated.json');
    const resource = obj(obj(obj(body.data).attributes).data);
    obj(resource.attributes).status = 'pending';
    expect(
      normalisePaymongoEvent('evt_x', 'payment.refund.updated', false, resource, body),
    ).toMatchObject({ type: 'ignored', refundIds: ['ref_Fx7uR3fundA0000000000001'] });
  });

  it("should read payment.refunded as every succeeded refund of the payment, never the payment's own reference", () => {
    expect(paymongoEvent('paymongo-payment-refunded.json')).toMatchObject({
      type: 'refund_succeeded',
      refundIds: ['ref_Fx7uR3fundA0000000000001'],
      paymentId: 'pay_Fx7uPaym3nt000000000001',
      reference: null,
      amount: null,
    });
  });

  it('should map PayMongo refund statuses (pending, processing → pending)', () => {
    const r = (status: string) =>
      refundToResult({ id: 'ref_1', attributes: { status, amount: 100 } }).status;
    expect([r('pending'), r('processing'), r('succeeded'), r('failed')]).toEqual([
      'pending',
      'pending',
      'succeeded',
      'failed',
    ]);
  });

  it('should read Xendit refund callbacks in pesos, with the reference_id we sent', () => {
    expect(normaliseXenditCallback(fixture('xendit-refund-succeeded.json'), false)).toMatchObject({
      provider: 'xendit',
      eventId: 'refund.succeeded:rfd-6f4a377d-a201-437f-9119-f8b00cbbe857',
      type: 'refund_succeeded',
      refundIds: ['rfd-6f4a377d-a201-437f-9119-f8b00cbbe857'],
      reference: '8d3c1f7e-2a4b-4c6d-8e9f-0a1b2c3d4e5f',
      amount: 15050,
      currency: 'PHP',
      checkoutId: null,
      payoutId: null,
    });
  });

  it("should read the documentation's doubly wrapped refund.failed example the same way", () => {
    expect(
      normaliseXenditCallback(fixture('xendit-refund-failed-nested.json'), false),
    ).toMatchObject({
      type: 'refund_failed',
      refundIds: ['rfd-0c9b8a7d-6e5f-4a3b-9c2d-1e0f9a8b7c6d'],
      reference: '3b2a1c0d-9e8f-4a7b-8c6d-5e4f3a2b1c0d',
      amount: 10000,
    });
  });

  it('should refuse a Xendit refund callback without a refund id', () => {
    expect(() =>
      normaliseXenditCallback({ event: 'refund.succeeded', data: { status: 'SUCCEEDED' } }, false),
    ).toThrow(WebhookPayloadError);
  });

  it('should map Xendit refund statuses (CANCELLED counts as failed)', () => {
    const r = (status: string) => xenditRefundToResult({ id: 'rfd-1', status, amount: 1 }).status;
    expect([r('PENDING'), r('SUCCEEDED'), r('FAILED'), r('CANCELLED')]).toEqual([
      'pending',
      'succeeded',
      'failed',
      'failed',
    ]);
  });
});
