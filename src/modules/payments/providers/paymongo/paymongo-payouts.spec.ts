import { CircuitBreakerRegistry } from 'src/common/circuit-breaker/circuit-breaker.registry';
import { HealthRegistry } from 'src/common/health/health-registry';
import { loadConfig } from 'src/config/app-config';
import type { CreatePayoutInput } from '../payment-provider';
import { PaymongoProvider } from './paymongo.provider';

const input: CreatePayoutInput = {
  reference: 'b0f7e0c2-0000-4000-8000-000000000001',
  idempotencyKey: 'payout:b0f7e0c2-0000-4000-8000-000000000001',
  amount: 25_000,
  currency: 'PHP',
  channel: 'GCASH',
  accountNumber: '09171234567',
  accountName: 'Juan Cruz',
  description: 'iAyos withdrawal',
};

describe('PaymongoProvider payouts switch', () => {
  const realFetch = global.fetch;
  let fetchCalls: number;

  beforeEach(() => {
    fetchCalls = 0;
    global.fetch = () => {
      fetchCalls++;
      return Promise.reject(new Error('no HTTP expected'));
    };
  });
  afterEach(() => {
    global.fetch = realFetch;
  });

  it('should report a manual payout and make no HTTP call when payouts are disabled', async () => {
    const cfg = loadConfig({ PAYMONGO_PAYOUTS_ENABLED: 'false' });
    const provider = new PaymongoProvider(cfg, new CircuitBreakerRegistry(new HealthRegistry()));
    await expect(provider.createPayout(input)).resolves.toEqual({
      payoutId: null,
      status: 'manual',
      amount: 25_000,
      failureCode: null,
    });
    expect(fetchCalls).toBe(0);
  });

  it('should call the transfers API when payouts are enabled', async () => {
    const cfg = loadConfig({ PAYMONGO_PAYOUTS_ENABLED: 'true' });
    const provider = new PaymongoProvider(cfg, new CircuitBreakerRegistry(new HealthRegistry()));
    await expect(provider.createPayout(input)).rejects.toBeDefined();
    expect(fetchCalls).toBeGreaterThanOrEqual(1);
  });

  it('should default to enabled with the sandbox and disabled against the real gateway', () => {
    expect(loadConfig({}).payments.paymongo.payoutsEnabled).toBe(true);
    expect(
      loadConfig({ PAYMONGO_SECRET_KEY: 'sk_test_real', PAYMONGO_WEBHOOK_SECRET: 'whsk_x' })
        .payments.paymongo.payoutsEnabled,
    ).toBe(false);
    expect(
      loadConfig({ PAYMONGO_SECRET_KEY: 'sk_test_real', PAYMONGO_PAYOUTS_ENABLED: 'yes' }).payments
        .paymongo.payoutsEnabled,
    ).toBe(true);
  });

  it('should refuse a malformed switch value', () => {
    expect(() => loadConfig({ PAYMONGO_PAYOUTS_ENABLED: 'maybe' })).toThrow(
      /PAYMONGO_PAYOUTS_ENABLED/,
    );
  });
});
