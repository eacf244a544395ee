import { backoffMs, DEFAULT_RETRY_POLICY, isRetryableTransactionError } from './transaction-retry';

describe('transaction retry', () => {
  it('should retry only serialization failures and deadlocks', () => {
    expect(isRetryableTransactionError({ code: '40001' })).toBe(true);
    expect(isRetryableTransactionError({ driverError: { code: '40P01' } })).toBe(true);
    expect(isRetryableTransactionError({ code: '23505' })).toBe(false);
    expect(isRetryableTransactionError(new Error('40001'))).toBe(false);
  });

  it('should back off with full jitter, doubling up to the cap', () => {
    const p = DEFAULT_RETRY_POLICY;
    expect(backoffMs(0, p, () => 0)).toBe(0);
    expect(backoffMs(0, p, () => 0.999)).toBe(p.baseMs - 1);
    expect(backoffMs(2, p, () => 0.5)).toBe(Math.floor(0.5 * p.baseMs * 4));
    expect(backoffMs(20, p, () => 0.999)).toBe(Math.floor(0.999 * p.capMs));
  });
});
