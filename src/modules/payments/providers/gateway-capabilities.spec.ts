import {
  checkoutMaximum,
  checkoutMinimum,
  parseMethodList,
  payoutRailFor,
} from './gateway-capabilities';
import { paymongoCapabilities } from './paymongo/paymongo.capabilities';
import { xenditCapabilities } from './xendit/xendit.capabilities';

const ALL = ['gcash', 'paymaya', 'card', 'qrph'] as const;

describe('gateway capabilities', () => {
  const pm = paymongoCapabilities({ activatedMethods: ALL, pesonetEnabled: true });
  const xn = xenditCapabilities({ activatedMethods: ALL });

  it('should declare PayMongo ₱20.00 minimum for every method and Xendit ₱1.00 for GCash', () => {
    expect(checkoutMinimum(pm, ['gcash'])).toBe(2000);
    expect(checkoutMinimum(pm, ALL)).toBe(2000);
    expect(checkoutMinimum(xn, ['gcash'])).toBe(100);
    // A checkout offering cards must satisfy the card minimum too.
    expect(checkoutMinimum(xn, ['gcash', 'card'])).toBe(2000);
  });

  it('should cap a checkout at the smallest maximum of the methods it offers', () => {
    expect(checkoutMaximum(pm, ['gcash', 'card'])).toBe(10_000_000);
    expect(checkoutMaximum(xn, ['qrph', 'card'])).toBe(5_000_000);
  });

  it('should route payouts by InstaPay up to ₱50,000 and PESONet above, or nothing when PESONet is off', () => {
    expect(payoutRailFor(pm, 5_000_000)?.rail).toBe('instapay');
    expect(payoutRailFor(pm, 5_000_001)?.rail).toBe('pesonet');
    expect(payoutRailFor(pm, 1_000_000_001)).toBeNull();
    const noPesonet = paymongoCapabilities({ activatedMethods: ALL, pesonetEnabled: false });
    expect(payoutRailFor(noPesonet, 5_000_001)).toBeNull();
    expect(payoutRailFor(xn, 50_000_000)?.rail).toBe('pesonet');
  });

  it('should list only documented event types (no invented checkout_session failed/expired)', () => {
    expect(pm.events).toEqual([
      'checkout_session.payment.paid',
      'payment.paid',
      'payment.failed',
      'payment.refund.updated',
      'payment.refunded',
    ]);
    expect(xn.events).toContain('payout.reversed');
    expect(xn.events).toEqual(expect.arrayContaining(['refund.succeeded', 'refund.failed']));
    expect(xn.refetchBeforeSettling).toBe(true);
    expect(pm.refetchBeforeSettling).toBe(false);
  });

  it('should parse a methods list, defaulting when unset and naming the variable when wrong', () => {
    expect(parseMethodList('X', undefined, ALL, ALL)).toEqual({ methods: [...ALL], problem: null });
    expect(parseMethodList('X', ' GCash, card ,gcash', ALL, ALL)).toEqual({
      methods: ['gcash', 'card'],
      problem: null,
    });
    const bad = parseMethodList('PAYMONGO_PAYMENT_METHODS', 'gcash,bitcoin', ALL, ALL);
    expect(bad.problem).toBe(
      'PAYMONGO_PAYMENT_METHODS: unsupported method(s) bitcoin; use a comma list of gcash, paymaya, card, qrph',
    );
    expect(parseMethodList('X', ',', ALL, ALL).problem).toContain('(none given)');
  });
});
