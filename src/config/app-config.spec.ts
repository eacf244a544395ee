import { ConfigError, loadConfig } from './app-config';

describe('loadConfig', () => {
  it('should boot with no environment at all, using local defaults and the sandbox', () => {
    const cfg = loadConfig({});
    expect(cfg.app.port).toBe(3000);
    expect(cfg.payments.provider).toBe('paymongo');
    expect(cfg.payments.sandbox).toBe(true);
    expect(cfg.payments.paymongo.baseUrl).toBe('http://localhost:3000/sandbox/paymongo');
    expect(cfg.business).toEqual({
      verificationProvider: 'paymongo',
      verificationAmount: 2000,
      webhookToleranceSeconds: 300,
      paymentBufferDays: 7,
      payoutAccountCooldownHours: 24,
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
    const cfg = loadConfig(STRONG);
    expect(cfg.app.isProduction).toBe(true);
    expect(cfg.payments.sandbox).toBe(false);
    expect(cfg.payments.paymongo.baseUrl).toBe('https://api.paymongo.com');
    expect(cfg.log.json).toBe(true);
  });

  it('should require both gateways fully configured in production when GATEWAY_FAILOVER is on', () => {
    const base = STRONG;
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
      XENDIT_WEBHOOK_TOKEN: 'xnd_cb_Hq4Tz8Wm2Kp6Rv1Ns9Lc3Bx7',
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

/** A production environment that passes every check; tests below weaken one setting at a time. */
const STRONG = {
  NODE_ENV: 'production',
  ENVIRONMENT: 'production',
  DATABASE_URL: 'postgres://app@db:5432/iayos',
  JWT_SECRET: 'Yq3vN8rT1xKpW6zLmB0sHdFj4cVgE7aU9iOeRnQ2',
  PUBLIC_BASE_URL: 'https://pay.example.com',
  PAYMONGO_SECRET_KEY: 'sk_live_abc',
  PAYMONGO_WEBHOOK_SECRET: 'whsk_Zr8Kp2QmXv5Tn9Lb3Hc7Wd1F',
};

function problemsOf(env: NodeJS.ProcessEnv): string[] {
  try {
    loadConfig(env);
    return [];
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
}

describe('production boot check (weak settings)', () => {
  it('should accept the strong baseline', () => {
    expect(problemsOf(STRONG)).toEqual([]);
  });

  it.each<[string, Record<string, string>, string]>([
    ['a 32 × "a" JWT secret', { JWT_SECRET: 'a'.repeat(32) }, 'JWT_SECRET: too predictable'],
    [
      'a long low-variety JWT secret',
      { JWT_SECRET: 'ab'.repeat(40) },
      'JWT_SECRET: too predictable',
    ],
    ['a short JWT secret', { JWT_SECRET: 'Yq3vN8rT1xKp' }, 'JWT_SECRET: must be at least 32'],
    [
      'a one-letter webhook secret',
      { PAYMONGO_WEBHOOK_SECRET: 'x' },
      'PAYMONGO_WEBHOOK_SECRET: must be at least 20',
    ],
    [
      'a repetitive webhook secret',
      { PAYMONGO_WEBHOOK_SECRET: 'whsk_aaaaaaaaaaaaaaaaaaaaaaaa' },
      'PAYMONGO_WEBHOOK_SECRET: too predictable',
    ],
    [
      'a weak token of the other gateway',
      { XENDIT_WEBHOOK_TOKEN: 'short' },
      'XENDIT_WEBHOOK_TOKEN: must be at least 20',
    ],
    [
      'rate limits off',
      { RATE_LIMIT_DISABLED: 'true' },
      'RATE_LIMIT_DISABLED: rate limits cannot be turned off',
    ],
    [
      'a day of webhook tolerance',
      { WEBHOOK_TOLERANCE_SECONDS: '86400' },
      'WEBHOOK_TOLERANCE_SECONDS: at most 600',
    ],
    ['CORS for everyone', { CORS_ORIGINS: '*' }, 'CORS_ORIGINS: "*" or "null" is not allowed'],
    [
      'a plain-http CORS origin',
      { CORS_ORIGINS: 'https://a.example.com,http://b.example.com' },
      'CORS_ORIGINS: every origin must be https://',
    ],
    [
      'a plain-http public URL',
      { PUBLIC_BASE_URL: 'http://pay.example.com' },
      'PUBLIC_BASE_URL: must be an https:// URL',
    ],
    [
      'a plain-http frontend URL',
      { FRONTEND_URL: 'http://app.example.com' },
      'FRONTEND_URL: must be an https:// URL',
    ],
    [
      'a plain-http PayMongo URL',
      { PAYMONGO_BASE_URL: 'http://api.paymongo.com' },
      'PAYMONGO_BASE_URL: must be an https:// URL',
    ],
    [
      'a plain-http Xendit URL',
      { XENDIT_BASE_URL: 'http://api.xendit.co' },
      'XENDIT_BASE_URL: must be an https:// URL',
    ],
    ['a weak metrics token', { METRICS_TOKEN: 'metrics' }, 'METRICS_TOKEN: must be at least 20'],
  ])('should refuse %s, naming the variable and never its value', (_what, weak, expected) => {
    const problems = problemsOf({ ...STRONG, ...weak });
    expect(problems).toHaveLength(1);
    expect(problems[0].startsWith(expected)).toBe(true);
    for (const value of Object.values(weak))
      if (value.length > 8) expect(problems[0]).not.toContain(value);
  });

  it('should keep webhook tolerance up to 600 s and leave these settings alone outside production', () => {
    expect(problemsOf({ ...STRONG, WEBHOOK_TOLERANCE_SECONDS: '600' })).toEqual([]);
    // `npm run bench:*` runs the production stack with limits off, under ENVIRONMENT=benchmark only.
    expect(
      problemsOf({ ...STRONG, ENVIRONMENT: 'benchmark', RATE_LIMIT_DISABLED: 'true' }),
    ).toEqual([]);
    const dev = {
      ...STRONG,
      NODE_ENV: 'development',
      JWT_SECRET: 'a'.repeat(32),
      CORS_ORIGINS: '*',
    };
    expect(problemsOf({ ...dev, RATE_LIMIT_DISABLED: 'true' })).toEqual([]);
  });
});

describe('gateway secrets never fall back to values in the code', () => {
  it('should leave an unconfigured gateway without a webhook secret in production', () => {
    const cfg = loadConfig(STRONG);
    expect(cfg.payments.xendit.webhookToken).toBeUndefined();
    expect(cfg.payments.xendit.apiKey).toBe('');
    expect(cfg.payments.paymongo.webhookSecret).toBe(STRONG.PAYMONGO_WEBHOOK_SECRET);
  });

  it('should use the sandbox credentials only while the built-in sandbox serves', () => {
    expect(loadConfig({}).payments.xendit.webhookToken).toBe('xendit-sandbox-callback-token');
    const real = loadConfig({
      PAYMONGO_SECRET_KEY: 'sk_test_real',
      PAYMONGO_WEBHOOK_SECRET: 'whsk_1',
    });
    expect(real.payments.sandbox).toBe(false);
    expect(real.payments.xendit.webhookToken).toBeUndefined();
  });
});

describe('JWT secret for the HTTP server', () => {
  it('should refuse a non-production server start without JWT_SECRET, but not migrations or the CLI', () => {
    expect(() => loadConfig({ DATABASE_URL: 'postgres://h/app' }, { server: true })).toThrow(
      /JWT_SECRET: required outside local mode/,
    );
    expect(loadConfig({ DATABASE_URL: 'postgres://h/app' }).auth.jwtSecret).toBeUndefined();
    expect(
      loadConfig({ DATABASE_URL: 'postgres://h/app', JWT_SECRET: 'given' }, { server: true }).auth
        .jwtSecret,
    ).toBe('given');
  });
});

describe('exposure switches', () => {
  it('should serve docs outside production and hide them in production unless enabled', () => {
    expect(loadConfig({}).exposure.docsEnabled).toBe(true);
    expect(loadConfig(STRONG).exposure.docsEnabled).toBe(false);
    expect(loadConfig({ ...STRONG, API_DOCS_ENABLED: 'true' }).exposure.docsEnabled).toBe(true);
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

describe('loadConfig: verification amount and gateway minimums', () => {
  const prod = {
    NODE_ENV: 'production',
    DATABASE_URL: 'postgres://u:p@db:5432/app',
    JWT_SECRET: 'Zq8vN3xL0pR7tY2wK5mB9cH4jF6gD1sA',
    PUBLIC_BASE_URL: 'https://pay.example.com',
    PAYMONGO_SECRET_KEY: 'sk_live_0123456789',
    PAYMONGO_WEBHOOK_SECRET: 'whsk_Tq7Rw2Xy9Lm4Kp8Vn3Bz',
  };

  it('should default VERIFICATION_AMOUNT to the verification gateway GCash minimum', () => {
    expect(loadConfig({}).business.verificationAmount).toBe(2000);
    expect(loadConfig({ PAYMENT_PROVIDER: 'xendit' }).business).toMatchObject({
      verificationProvider: 'xendit',
      verificationAmount: 100,
    });
    expect(loadConfig({ VERIFICATION_PROVIDER: 'xendit' }).business).toMatchObject({
      verificationProvider: 'xendit',
      verificationAmount: 100,
    });
  });

  it('should refuse to boot in production with a VERIFICATION_AMOUNT below the gateway minimum, naming value and minimum', () => {
    let error: ConfigError | undefined;
    try {
      loadConfig({ ...prod, VERIFICATION_AMOUNT: '100' });
    } catch (e) {
      error = e as ConfigError;
    }
    expect(error?.problems).toEqual([
      'VERIFICATION_AMOUNT: 100 centavos is below the paymongo GCash minimum of 2000 centavos (VERIFICATION_PROVIDER=paymongo)',
    ]);
    expect(loadConfig({ ...prod, VERIFICATION_AMOUNT: '2000' }).business.verificationAmount).toBe(
      2000,
    );
  });

  it('should accept a true ₱1 check in production only when verification is routed to Xendit', () => {
    const cfg = loadConfig({
      ...prod,
      VERIFICATION_AMOUNT: '100',
      VERIFICATION_PROVIDER: 'xendit',
      XENDIT_API_KEY: 'xnd_production_0123456789',
      XENDIT_WEBHOOK_TOKEN: 'tok_Hc5Jd8Gf2Ls9Qw4Ez7Rt',
    });
    expect(cfg.business).toMatchObject({ verificationProvider: 'xendit', verificationAmount: 100 });
  });

  it('should reject an unknown payment method in PAYMONGO_PAYMENT_METHODS', () => {
    expect(() => loadConfig({ PAYMONGO_PAYMENT_METHODS: 'gcash,grab_pay' })).toThrow(
      'PAYMONGO_PAYMENT_METHODS: unsupported method(s) grab_pay',
    );
    expect(
      loadConfig({ PAYMONGO_PAYMENT_METHODS: 'gcash,card' }).payments.paymongo.paymentMethods,
    ).toEqual(['gcash', 'card']);
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

describe('CRASH_POINTS', () => {
  it('should arm known crash points outside production and name unknown ones', () => {
    expect(
      loadConfig({ NODE_ENV: 'test', CRASH_POINTS: 'after-commit, before-key-complete' }).switches
        .crashPoints,
    ).toEqual(['after-commit', 'before-key-complete']);
    expect(loadConfig({}).switches.crashPoints).toEqual([]);
    expect(() => loadConfig({ NODE_ENV: 'test', CRASH_POINTS: 'after-comit' })).toThrow(
      /CRASH_POINTS: unknown point\(s\) after-comit/,
    );
  });

  it('should refuse crash points in production', () => {
    expect(() => loadConfig({ NODE_ENV: 'production', CRASH_POINTS: 'after-commit' })).toThrow(
      /CRASH_POINTS: never allowed in production/,
    );
  });
});

describe('IDEMPOTENCY_LEASE_SECONDS', () => {
  it('should default to 60 s and accept 1 s to 1 h', () => {
    expect(loadConfig({}).idempotency.leaseSeconds).toBe(60);
    expect(loadConfig({ IDEMPOTENCY_LEASE_SECONDS: '2' }).idempotency.leaseSeconds).toBe(2);
    expect(() => loadConfig({ IDEMPOTENCY_LEASE_SECONDS: '0' })).toThrow(
      /IDEMPOTENCY_LEASE_SECONDS/,
    );
  });
});
