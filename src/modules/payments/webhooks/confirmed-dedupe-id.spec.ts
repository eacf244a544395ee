import type { SettlementEvent } from '../settlement/settlement.types';
import { confirmedDedupeId } from './webhook-processor.service';

const base: SettlementEvent = {
  provider: 'xendit',
  eventId: 'invoice:inv1:PAID',
  type: 'paid',
  checkoutId: 'inv1',
  payoutId: null,
  paymentIntentId: null,
  paymentId: null,
  transactionHint: null,
  amount: 100,
  currency: 'PHP',
};

describe('confirmedDedupeId (a re-fetched callback, e.g. Xendit)', () => {
  it('should key a confirmed invoice by what Xendit reported, whatever the callback claimed', () => {
    expect(confirmedDedupeId('invoice:inv1:SETTLED', base, null)).toBe('invoice:inv1:PAID');
    expect(confirmedDedupeId('invoice:inv1:PAID', { ...base, type: 'expired' }, null)).toBe(
      'invoice:inv1:EXPIRED',
    );
  });

  it('should key a confirmed payout by its confirmed outcome', () => {
    const payout = { ...base, checkoutId: null, payoutId: 'po1' };
    expect(
      confirmedDedupeId('payout.succeeded:po1', { ...payout, type: 'payout_failed' }, null),
    ).toBe('payout.failed:po1');
    expect(
      confirmedDedupeId('payout.reversed:po1', { ...payout, type: 'payout_succeeded' }, null),
    ).toBe('payout.succeeded:po1');
    // A reversal after success is its own event: it must not collide with the success or a failure.
    expect(
      confirmedDedupeId('payout.reversed:po1', { ...payout, type: 'payout_reversed' }, null),
    ).toBe('payout.reversed:po1');
  });

  it('should keep an unconfirmed callback apart from the genuine event id', () => {
    expect(confirmedDedupeId('invoice:inv1:PAID', base, 'still pending')).toBe(
      'invoice:inv1:PAID:unconfirmed',
    );
    expect(confirmedDedupeId('x:1', null, null)).toBe('x:1');
  });
});
