import { ConfigError, loadConfig } from './app-config';

describe('loadConfig', () => {
  it('should boot with no environment at all, using local defaults and the sandbox', () => {
    const cfg = loadConfig({});
    expect(cfg.app.port).toBe(3000);
    expect(cfg.payments.provider).toBe('paymongo');
    expect(cfg.payments.sandbox).toBe(true);
    expect(cfg.payments.paymongo.baseUrl).toBe('http://localhost:3000/sandbox/paymongo');
    expect(cfg.business).toEqual({
      verificationAmount: 100,
      webhookToleranceSeconds: 300,
      paymentBufferDays: 7,
    });
    expect(cfg.log.json).toBe(false);
  });

  it('should name every missing or invalid variable at once in production', () => {
    let error: ConfigError | undefined;
    try {
      loadConfig({
        NODE_ENV: 'production',
        ENVIRONMENT: 'production',
        JWT_SECRET: 'changeme',
        PAYMONGO_SECRET_KEY: 'sk_test_abc',
        PUBLIC_BASE_URL: 'not a url',
      });
    } catch (e) {
      error = e as ConfigError;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect(error?.problems).toEqual([
      'PUBLIC_BASE_URL: must be a http:/https: URL',
      'DATABASE_URL: required in production',
      'JWT_SECRET: a default/test placeholder value is not allowed in production',
      'PAYMONGO_WEBHOOK_SECRET: required in production',
      'PAYMONGO_SECRET_KEY: a sk_test_ key cannot be used with ENVIRONMENT=production',
    ]);
  });

  it('should list secrets, placeholders and test keys of a well-formed environment', () => {
    expect(() =>
      loadConfig({
        NODE_ENV: 'production',
        ENVIRONMENT: 'production',
        JWT_SECRET: 'changeme',
        PAYMONGO_SECRET_KEY: 'sk_test_abc',
        PUBLIC_BASE_URL: 'https://pay.example.com',
      }),
    ).toThrow(
      new ConfigError([
        'DATABASE_URL: required in production',
        'JWT_SECRET: a default/test placeholder value is not allowed in production',
        'PAYMONGO_WEBHOOK_SECRET: required in production',
        'PAYMONGO_SECRET_KEY: a sk_test_ key cannot be used with ENVIRONMENT=production',
      ]),
    );
  });

  it('should accept a complete production configuration', () => {
    const cfg = loadConfig({
      NODE_ENV: 'production',
      ENVIRONMENT: 'production',
      DATABASE_URL: 'postgres://app@db:5432/iayos',
      JWT_SECRET: 'a'.repeat(48),
      PUBLIC_BASE_URL: 'https://pay.example.com',
      PAYMONGO_SECRET_KEY: 'sk_live_abc',
      PAYMONGO_WEBHOOK_SECRET: 'whsk_live_abc',
    });
    expect(cfg.app.isProduction).toBe(true);
    expect(cfg.payments.sandbox).toBe(false);
    expect(cfg.payments.paymongo.baseUrl).toBe('https://api.paymongo.com');
    expect(cfg.log.json).toBe(true);
  });

  it('should require both gateways fully configured in production when GATEWAY_FAILOVER is on', () => {
    const base = {
      NODE_ENV: 'production',
      ENVIRONMENT: 'production',
      DATABASE_URL: 'postgres://app@db:5432/iayos',
      JWT_SECRET: 'a'.repeat(48),
      PUBLIC_BASE_URL: 'https://pay.example.com',
      PAYMONGO_SECRET_KEY: 'sk_live_abc',
      PAYMONGO_WEBHOOK_SECRET: 'whsk_live_abc',
    };
    expect(loadConfig(base).payments.failover).toBe(false);
    expect(() => loadConfig({ ...base, GATEWAY_FAILOVER: 'true' })).toThrow(
      new ConfigError([
        'XENDIT_API_KEY: required in production when GATEWAY_FAILOVER is on',
        'XENDIT_WEBHOOK_TOKEN: required in production when GATEWAY_FAILOVER is on',
      ]),
    );
    const cfg = loadConfig({
      ...base,
      GATEWAY_FAILOVER: 'true',
      XENDIT_API_KEY: 'xnd_production_abc',
      XENDIT_WEBHOOK_TOKEN: 'token-abc',
    });
    expect(cfg.payments.failover).toBe(true);
  });

  it('should reject malformed numbers and durations', () => {
    expect(() => loadConfig({ PORT: '3.5', JWT_ACCESS_TTL: 'soon' })).toThrow(
      new ConfigError([
        'PORT: must be an integer, got "3.5"',
        'JWT_ACCESS_TTL: must be seconds or a duration like 15m, 12h, 7d',
      ]),
    );
  });
});

describe('LEDGER_TEST_API', () => {
  const base = { NODE_ENV: 'test' as const };
  it('should only allow the test harness against scratch databases', () => {
    expect(
      loadConfig({ ...base, LEDGER_TEST_API: '1', DATABASE_URL: 'postgres://h/test_abc' }).switches
        .ledgerTestApi,
    ).toBe(true);
    expect(
      loadConfig({ ...base, LEDGER_TEST_API: '1', DATABASE_URL: 'postgres://h/scratch1' }).switches
        .ledgerTestApi,
    ).toBe(true);
    expect(() =>
      loadConfig({ ...base, LEDGER_TEST_API: '1', DATABASE_URL: 'postgres://h/iayos' }),
    ).toThrow(/LEDGER_TEST_API: needs a scratch database/);
    expect(() => loadConfig({ ...base, LEDGER_TEST_API: '1' })).toThrow(/scratch database/);
    expect(loadConfig({ ...base, DATABASE_URL: 'postgres://h/iayos' }).switches.ledgerTestApi).toBe(
      false,
    );
  });
});

describe('LOG_LEVEL', () => {
  it('should accept levels in any case and the WARNING/CRITICAL spellings', () => {
    expect(loadConfig({ LOG_LEVEL: 'INFO' }).log.level).toBe('info');
    expect(loadConfig({ LOG_LEVEL: 'Debug' }).log.level).toBe('debug');
    expect(loadConfig({ LOG_LEVEL: 'WARNING' }).log.level).toBe('warn');
    expect(loadConfig({ LOG_LEVEL: 'CRITICAL' }).log.level).toBe('fatal');
    expect(loadConfig({}).log.level).toBe('info');
  });

  it('should still refuse an unknown level, naming the variable', () => {
    expect(() => loadConfig({ LOG_LEVEL: 'LOUD' })).toThrow(/LOG_LEVEL/);
  });
});
