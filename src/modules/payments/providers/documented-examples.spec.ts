import {
  normalisePaymongoEvent,
  parseInstitutionBics,
  parsePaymongoError,
  parseSourceAccount,
  sessionToStatus,
  transferToPayout,
} from './paymongo/paymongo-wire';
import {
  invoiceToStatus,
  normaliseXenditCallback,
  parseXenditError,
  payoutToResult,
} from './xendit/xendit.provider';
import * as pm from './fixtures/paymongo-documented';
import * as xn from './fixtures/xendit-documented';

type Json = Record<string, unknown>;
const pmEvent = (e: { data: { id: string; attributes: Json } }) =>
  normalisePaymongoEvent(
    e.data.id,
    e.data.attributes.type as string,
    false,
    e.data.attributes.data as Json,
    e,
  );

describe('PayMongo documented examples', () => {
  it('checkout_session.payment.paid: the paid payment, the session total, our metadata', () => {
    expect(pmEvent(pm.PM_CHECKOUT_PAID_EVENT)).toMatchObject({
      type: 'paid',
      eventId: 'evt_docAK2rkYasuWx5jx12',
      checkoutId: 'cs_doc8yQwGk1S3bq2PZnY7uD4',
      paymentId: 'pay_docAb12',
      paymentIntentId: 'pi_docZx9',
      reference: 'txn-doc-1',
      amount: 150000,
      currency: 'PHP',
      paymentType: 'wallet_deposit',
    });
  });

  it('payment.paid / payment.failed: the Payment resource; failed is an attempt', () => {
    expect(pmEvent(pm.PM_PAYMENT_PAID_EVENT)).toMatchObject({
      type: 'paid',
      paymentId: 'pay_docAb12',
      paymentIntentId: 'pi_docZx9',
      amount: 10000,
    });
    expect(pmEvent(pm.PM_PAYMENT_FAILED_EVENT)).toMatchObject({
      type: 'failed',
      paymentId: 'pay_docFail1',
      checkoutId: null,
    });
  });

  it('undocumented checkout_session.payment.failed / .expired are ignored', () => {
    for (const t of ['checkout_session.payment.failed', 'checkout_session.payment.expired'])
      expect(
        normalisePaymongoEvent('evt_x', t, false, pm.PM_CHECKOUT_SESSION as unknown as Json, {})
          .type,
      ).toBe('ignored');
  });

  it('a retrieved session is paid by its payments, although its status stays active', () => {
    expect(sessionToStatus(pm.PM_CHECKOUT_SESSION as unknown as Json)).toMatchObject({
      status: 'paid',
      amount: 150000,
      paymentId: 'pay_docAb12',
      paymentMethod: 'gcash',
      paidAt: new Date(1764395783 * 1000),
    });
  });

  it('transfers, wallets and receiving institutions (flat v2 resources)', () => {
    const created = (pm.PM_BATCH_TRANSFER_RESPONSE.data.transfers as Json[])[0];
    expect(transferToPayout(created)).toEqual({
      payoutId: 'tr_doc1',
      status: 'pending',
      amount: 10000,
      failureCode: null,
    });
    expect(transferToPayout(pm.PM_TRANSFER_FAILED.data)).toMatchObject({
      status: 'failed',
      failureCode: 'transaction_limit_exceeded',
    });
    expect(parseSourceAccount(pm.PM_WALLETS_RESPONSE)).toEqual({
      number: '000000012345',
      name: 'iAyos Inc',
      bic: 'PAEYPHM2XXX',
    });
    expect([...parseInstitutionBics(pm.PM_INSTITUTIONS_RESPONSE)]).toEqual([
      'BNORPHMMXXX',
      'GXCHPHM2XXX',
    ]);
  });

  it('error bodies: the stable code and detail', () => {
    expect(parsePaymongoError(400, pm.PM_ERROR_BELOW_MINIMUM)).toEqual({
      code: 'parameter_below_minimum',
      message: 'The minimum value for the amount is 2000.',
    });
  });
});

describe('Xendit documented examples', () => {
  it('invoice PAID callback: pesos to centavos, (invoice, status) event id', () => {
    expect(normaliseXenditCallback(xn.XN_INVOICE_PAID_CALLBACK, false)).toMatchObject({
      type: 'paid',
      eventId: 'invoice:64f0c1a2b3c4d5e6f7a8b9c0:PAID',
      checkoutId: '64f0c1a2b3c4d5e6f7a8b9c0',
      reference: 'txn-doc-3',
      amount: 150000,
      paymentId: 'ewc_doc1',
    });
    expect(invoiceToStatus(xn.XN_INVOICE_PAID_CALLBACK, false)).toMatchObject({
      status: 'paid',
      amount: 150000,
      paymentMethod: 'gcash',
    });
  });

  it('invoice EXPIRED callback ends the checkout', () => {
    expect(normaliseXenditCallback(xn.XN_INVOICE_EXPIRED_CALLBACK, false)).toMatchObject({
      type: 'expired',
      amount: 2050,
      paymentType: 'gcash_verification',
    });
  });

  it('payout create response and payout events, including a reversal after success', () => {
    expect(payoutToResult(xn.XN_PAYOUT_CREATED)).toEqual({
      payoutId: 'disb-1475459775872',
      status: 'pending',
      amount: 50025,
      failureCode: null,
    });
    expect(normaliseXenditCallback(xn.XN_PAYOUT_SUCCEEDED, false)).toMatchObject({
      type: 'payout_succeeded',
      payoutId: 'disb-571f3644d2b4edf0745e9703',
      reference: 'txn-doc-5',
      amount: 50000,
    });
    expect(normaliseXenditCallback(xn.XN_PAYOUT_FAILED, false).type).toBe('payout_failed');
    expect(normaliseXenditCallback(xn.XN_PAYOUT_REVERSED, false)).toMatchObject({
      type: 'payout_reversed',
      eventId: 'payout.reversed:disb-571f3644d2b4edf0745e9703',
    });
    expect(payoutToResult(xn.XN_PAYOUT_REVERSED.data).status).toBe('reversed');
  });

  it('error bodies: error_code and message', () => {
    expect(parseXenditError(400, xn.XN_ERROR_VALIDATION)).toEqual({
      code: 'API_VALIDATION_ERROR',
      message: 'Amount must be at least 1',
    });
  });
});
