import { normalisePaymongoEvent, sessionToStatus } from './paymongo/paymongo-wire';
import { invoiceToStatus, normaliseXenditCallback } from './xendit/xendit.provider';
import { WebhookPayloadError } from './provider-errors';

const session = (over: Record<string, unknown> = {}) => ({
  id: 'cs_1',
  type: 'checkout_session',
  attributes: {
    line_items: [
      { amount: 1000, currency: 'PHP', quantity: 2, name: 'x' },
      { amount: 500, currency: 'PHP', quantity: 1, name: 'y' },
    ],
    reference_number: 'txn-1',
    metadata: { payment_type: 'wallet_deposit', transaction_id: 'txn-1', n: 5 },
    payment_intent: { id: 'pi_1', attributes: { status: 'awaiting_payment_method' } },
    payments: [],
    status: 'active',
    livemode: false,
    ...over,
  },
});

describe('PayMongo normalisation', () => {
  it('should read a paid checkout event: sum of line items, paid payment, string metadata only', () => {
    const paid = session({
      payments: [{ id: 'pay_1', attributes: { status: 'paid', amount: 2500, currency: 'PHP' } }],
    });
    expect(
      normalisePaymongoEvent('evt_1', 'checkout_session.payment.paid', false, paid, {}),
    ).toMatchObject({
      provider: 'paymongo',
      eventId: 'evt_1',
      type: 'paid',
      checkoutId: 'cs_1',
      paymentId: 'pay_1',
      paymentIntentId: 'pi_1',
      reference: 'txn-1',
      amount: 2500,
      currency: 'PHP',
      paymentType: 'wallet_deposit',
      metadata: { payment_type: 'wallet_deposit', transaction_id: 'txn-1' },
    });
  });

  it('should read payment.* events from the payment resource and ignore unknown types', () => {
    const payment = {
      id: 'pay_2',
      type: 'payment',
      attributes: {
        amount: 777,
        currency: 'PHP',
        status: 'failed',
        payment_intent_id: 'pi_9',
        metadata: {},
      },
    };
    expect(normalisePaymongoEvent('evt_2', 'payment.failed', false, payment, {})).toMatchObject({
      type: 'failed',
      checkoutId: null,
      paymentId: 'pay_2',
      paymentIntentId: 'pi_9',
      amount: 777,
    });
    expect(normalisePaymongoEvent('evt_3', 'source.chargeable', false, payment, {}).type).toBe(
      'ignored',
    );
    // A checkout event whose resource is not a checkout session is not trusted as one.
    expect(
      normalisePaymongoEvent('evt_4', 'checkout_session.payment.paid', false, payment, {}).type,
    ).toBe('ignored');
  });

  it('should decide "paid" from payments / intent / paid_at, never from the session status', () => {
    expect(sessionToStatus(session()).status).toBe('pending');
    expect(sessionToStatus(session({ status: 'expired' })).status).toBe('expired');
    expect(sessionToStatus(session({ paid_at: 1700000000 })).status).toBe('paid');
    expect(
      sessionToStatus(
        session({ payment_intent: { id: 'pi', attributes: { status: 'succeeded' } } }),
      ).status,
    ).toBe('paid');
    expect(sessionToStatus(session()).amount).toBe(2500);
  });
});

describe('Xendit normalisation', () => {
  it('should read an invoice callback in pesos into centavos with a (invoice, status) event id', () => {
    expect(
      normaliseXenditCallback(
        {
          id: 'inv1',
          external_id: 'txn-1',
          status: 'PAID',
          amount: 19.99,
          paid_amount: 19.99,
          currency: 'PHP',
          metadata: { payment_type: 'wallet_deposit' },
        },
        false,
      ),
    ).toMatchObject({
      eventId: 'invoice:inv1:PAID',
      type: 'paid',
      checkoutId: 'inv1',
      reference: 'txn-1',
      amount: 1999,
      paymentType: 'wallet_deposit',
    });
    expect(normaliseXenditCallback({ id: 'inv1', status: 'EXPIRED', amount: 10 }, false).type).toBe(
      'expired',
    );
    expect(normaliseXenditCallback({ id: 'inv1', status: 'PENDING', amount: 10 }, false).type).toBe(
      'ignored',
    );
    expect(() => normaliseXenditCallback({ status: 'PAID' }, false)).toThrow(WebhookPayloadError);
  });

  it('should read payout callbacks from their envelope', () => {
    const e = normaliseXenditCallback(
      {
        event: 'payout.failed',
        data: {
          id: 'disb-1',
          reference_id: 'wd-1',
          amount: 500.5,
          currency: 'PHP',
          failure_code: 'X',
        },
      },
      true,
    );
    expect(e).toMatchObject({
      eventId: 'payout.failed:disb-1',
      type: 'payout_failed',
      payoutId: 'disb-1',
      amount: 50050,
      livemode: true,
    });
  });

  it('should map invoice statuses, treating SETTLED as paid', () => {
    expect(
      invoiceToStatus({ id: 'i', status: 'SETTLED', amount: 1, paid_amount: 1 }, false).status,
    ).toBe('paid');
    expect(invoiceToStatus({ id: 'i', status: 'PENDING', amount: 1.5 }, false)).toMatchObject({
      status: 'pending',
      amount: 150,
    });
  });
});
