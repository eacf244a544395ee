import { z } from 'zod';

/**
 * Every environment variable of the contract, parsed once at boot into typed namespaces.
 * Production refuses to start with one message naming every problem (see `loadConfig`).
 */
const bool = (def: boolean) =>
  z
    .enum(['true', 'false', '1', '0', 'yes', 'no', ''])
    .optional()
    .transform((v) => (v === undefined || v === '' ? def : ['true', '1', 'yes'].includes(v)));

/** Like `bool`, but unset stays `undefined` so the default can depend on other settings. */
const optionalBool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no', ''])
  .optional()
  .transform((v) => (v === undefined || v === '' ? undefined : ['true', '1', 'yes'].includes(v)));

const int = (def: number, min = 0, max = Number.MAX_SAFE_INTEGER) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v === '') return def;
      if (!/^-?\d+$/.test(v)) {
        ctx.addIssue({ code: 'custom', message: `must be an integer, got "${v}"` });
        return z.NEVER;
      }
      const n = Number(v);
      if (n < min || n > max) {
        ctx.addIssue({ code: 'custom', message: `must be between ${min} and ${max}` });
        return z.NEVER;
      }
      return n;
    });

const ratio = z
  .string()
  .optional()
  .transform((v, ctx) => {
    if (v === undefined || v === '') return 0;
    const n = Number(v);
    if (!Number.isFinite(n) || n < 0 || n > 1) {
      ctx.addIssue({ code: 'custom', message: 'must be a number between 0 and 1' });
      return z.NEVER;
    }
    return n;
  });

const url = (protocols: string[]) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v === '') return undefined;
      try {
        const u = new URL(v);
        if (!protocols.includes(u.protocol)) throw new Error('protocol');
        return v.replace(/\/+$/, '');
      } catch {
        ctx.addIssue({ code: 'custom', message: `must be a ${protocols.join('/')} URL` });
        return z.NEVER;
      }
    });

const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v === '' ? undefined : v));

/** Duration such as `900`, `15m`, `7d` → seconds. */
const duration = (def: number) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v === '') return def;
      const m = /^(\d+)\s*([smhd]?)$/.exec(v.trim());
      if (!m) {
        ctx.addIssue({
          code: 'custom',
          message: 'must be seconds or a duration like 15m, 12h, 7d',
        });
        return z.NEVER;
      }
      const unit = { '': 1, s: 1, m: 60, h: 3600, d: 86400 }[m[2] as '' | 's' | 'm' | 'h' | 'd'];
      return Number(m[1]) * unit;
    });

const EnvSchema = z.object({
  PORT: int(3000, 0, 65535),
  NODE_ENV: z.enum(['development', 'production', 'test']).optional().default('development'),
  ENVIRONMENT: z.string().optional().default('local'),
  APP_VERSION: optionalString,
  // Operators (and the original system) write INFO/WARNING: accept any case and Python's names.
  LOG_LEVEL: z
    .string()
    .optional()
    .transform((v) => {
      const lower = (v ?? '').trim().toLowerCase();
      if (lower === '') return 'info';
      return lower === 'warning' ? 'warn' : lower === 'critical' ? 'fatal' : lower;
    })
    .pipe(z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])),
  JSON_LOGGING: z.enum(['true', 'false', '1', '0']).optional(),
  DATABASE_URL: url(['postgres:', 'postgresql:']),
  DB_POOL_MAX: int(20, 1, 1000),
  DB_CONN_MAX_AGE: int(30, 0, 86400),
  DB_CONN_HEALTH_CHECKS: bool(true),
  REDIS_URL: url(['redis:', 'rediss:']),
  REDIS_KEY_PREFIX: optionalString,
  JWT_SECRET: optionalString,
  JWT_ACCESS_TTL: duration(900),
  JWT_REFRESH_TTL: duration(30 * 86400),
  CORS_ORIGINS: optionalString,
  PUBLIC_BASE_URL: url(['http:', 'https:']),
  FRONTEND_URL: url(['http:', 'https:']),
  TRUSTED_PROXIES: optionalString,
  PAYMENT_PROVIDER: z.enum(['paymongo', 'xendit']).optional().default('paymongo'),
  PAYMONGO_SECRET_KEY: optionalString,
  PAYMONGO_PUBLIC_KEY: optionalString,
  PAYMONGO_WEBHOOK_SECRET: optionalString,
  PAYMONGO_BASE_URL: url(['http:', 'https:']),
  PAYMONGO_PAYOUTS_ENABLED: optionalBool,
  XENDIT_API_KEY: optionalString,
  XENDIT_WEBHOOK_TOKEN: optionalString,
  XENDIT_BASE_URL: url(['http:', 'https:']),
  VERIFICATION_AMOUNT: int(100, 1, 100_000_000_000),
  WEBHOOK_TOLERANCE_SECONDS: int(300, 1, 86400),
  PAYMENT_BUFFER_DAYS: int(7, 0, 365),
  SENTRY_DSN: url(['http:', 'https:']),
  SENTRY_TRACES_SAMPLE_RATE: ratio,
  SENTRY_PROFILES_SAMPLE_RATE: ratio,
  RATE_LIMIT_DISABLED: bool(false),
  QUERY_CACHE_DISABLED: bool(false),
  CRON_DISABLED: bool(false),
  SHUTDOWN_GRACE_MS: int(10_000, 0, 300_000),
  SHUTDOWN_DRAIN_MS: int(-1, 0, 120_000),
  BODY_LIMIT: z.string().optional().default('100kb'),
  LEDGER_TEST_API: bool(false),
});

export type Env = z.infer<typeof EnvSchema>;

/** Values that must never be accepted as production secrets. */
const PLACEHOLDER =
  /^(changeme|change-me|secret|password|dev|test|example|placeholder|dev-only.*|local-.*|xxx+)$/i;
/** Fill-me-in markers used by .env.example and the k8s Secret example, anywhere in the value. */
const PLACEHOLDER_MARKER = /replace[_-]?me|change[_-]?me/i;
/** A frontend dev server on any port of this machine (Vite 5173, Next 3001, …), http only. */
export const LOCAL_CORS_ORIGINS = [/^http:\/\/localhost(:\d+)?$/, /^http:\/\/127\.0\.0\.1(:\d+)?$/];
export const LOCAL_JWT_SECRET = 'local-dev-only-jwt-secret-not-for-production';
export const SANDBOX_PAYMONGO_SECRET_KEY = 'sk_test_sandbox';
export const SANDBOX_PAYMONGO_WEBHOOK_SECRET = 'whsk_sandbox_local';
export const SANDBOX_XENDIT_API_KEY = 'xnd_development_sandbox';
export const SANDBOX_XENDIT_WEBHOOK_TOKEN = 'xendit-sandbox-callback-token';

export interface AppConfig {
  app: {
    port: number;
    nodeEnv: Env['NODE_ENV'];
    environment: string;
    version: string;
    isProduction: boolean;
    publicBaseUrl: string;
    frontendUrl: string;
    /** No FRONTEND_URL: checkout return links land on the service's own small result page. */
    builtInReturnPage: boolean;
    /** Allowed browser origins; outside production with none configured, any localhost port. */
    corsOrigins: Array<string | RegExp>;
    /** Not production and ENVIRONMENT=local (the default): a developer's machine. */
    localMode: boolean;
    trustedProxies: string[];
    bodyLimit: string;
    shutdownGraceMs: number;
    /** After SIGTERM, readiness is 503 for this long before the server stops accepting connections. */
    shutdownDrainMs: number;
  };
  log: { level: Env['LOG_LEVEL']; json: boolean };
  database: {
    url: string | undefined;
    poolMax: number;
    idleTimeoutMs: number;
    /** How long a request may wait for a pooled connection (longer under the ledger test harness). */
    connectTimeoutMs: number;
    healthChecks: boolean;
  };
  /** keyPrefix namespaces every key (cache, rate limits, locks) so apps can share one Redis. */
  redis: { url: string | undefined; keyPrefix: string };
  auth: { jwtSecret: string; accessTtlSeconds: number; refreshTtlSeconds: number };
  payments: {
    provider: Env['PAYMENT_PROVIDER'];
    /** True when no real gateway keys are configured: the in-process sandbox serves. */
    sandbox: boolean;
    paymongo: {
      secretKey: string;
      publicKey: string | undefined;
      webhookSecret: string;
      baseUrl: string;
      /** False: no payout API on the account; withdrawals wait for an admin (ADR 0055). */
      payoutsEnabled: boolean;
    };
    xendit: { apiKey: string; webhookToken: string; baseUrl: string };
  };
  business: {
    verificationAmount: number;
    webhookToleranceSeconds: number;
    paymentBufferDays: number;
  };
  sentry: { dsn: string | undefined; tracesSampleRate: number; profilesSampleRate: number };
  switches: {
    rateLimitDisabled: boolean;
    queryCacheDisabled: boolean;
    cronDisabled: boolean;
    ledgerTestApi: boolean;
  };
}

function productionProblems(env: NodeJS.ProcessEnv): string[] {
  if (env.NODE_ENV !== 'production') return [];
  const problems: string[] = [];
  const requireSecret = (name: string, minLength = 1) => {
    const value = env[name];
    if (!value) problems.push(`${name}: required in production`);
    else if (
      PLACEHOLDER.test(value) ||
      PLACEHOLDER_MARKER.test(value) ||
      value === LOCAL_JWT_SECRET ||
      value.includes('sandbox')
    )
      problems.push(`${name}: a default/test placeholder value is not allowed in production`);
    else if (value.length < minLength)
      problems.push(`${name}: must be at least ${minLength} characters`);
  };
  if (!env.DATABASE_URL) problems.push('DATABASE_URL: required in production');
  requireSecret('JWT_SECRET', 32);
  if (!env.PUBLIC_BASE_URL) problems.push('PUBLIC_BASE_URL: required in production');
  if ((env.PAYMENT_PROVIDER ?? 'paymongo') === 'xendit') {
    requireSecret('XENDIT_API_KEY');
    requireSecret('XENDIT_WEBHOOK_TOKEN');
  } else {
    requireSecret('PAYMONGO_SECRET_KEY');
    requireSecret('PAYMONGO_WEBHOOK_SECRET');
  }
  if (env.ENVIRONMENT === 'production') {
    if (env.PAYMONGO_SECRET_KEY?.startsWith('sk_test_'))
      problems.push(
        'PAYMONGO_SECRET_KEY: a sk_test_ key cannot be used with ENVIRONMENT=production',
      );
    if (env.PAYMONGO_PUBLIC_KEY?.startsWith('pk_test_'))
      problems.push(
        'PAYMONGO_PUBLIC_KEY: a pk_test_ key cannot be used with ENVIRONMENT=production',
      );
    if (env.XENDIT_API_KEY?.startsWith('xnd_development_'))
      problems.push('XENDIT_API_KEY: a development key cannot be used with ENVIRONMENT=production');
  }
  if (['1', 'true', 'yes'].includes(env.LEDGER_TEST_API ?? ''))
    problems.push('LEDGER_TEST_API: never allowed in production');
  return problems;
}

/** The ledger test harness can erase the ledger: only against scratch databases (`test*`, `scratch*`). */
function harnessProblems(env: NodeJS.ProcessEnv): string[] {
  if (!['1', 'true', 'yes'].includes(env.LEDGER_TEST_API ?? '')) return [];
  let name = '';
  try {
    name = decodeURIComponent(new URL(env.DATABASE_URL ?? '').pathname.replace(/^\//, ''));
  } catch {
    name = '';
  }
  return /^(test|scratch)/.test(name)
    ? []
    : [
        `LEDGER_TEST_API: needs a scratch database (name starting with "test" or "scratch"), not "${name}"`,
      ];
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Parses and validates the environment. Throws ConfigError naming every problem at once. */
export function loadConfig(source: NodeJS.ProcessEnv = process.env): AppConfig {
  const parsed = EnvSchema.safeParse(source);
  const problems = parsed.success
    ? []
    : parsed.error.issues.map((i) => `${i.path.join('.') || '(env)'}: ${i.message}`);
  // Semantic checks read the raw strings so one message can name every problem at once.
  problems.push(...productionProblems(source));
  problems.push(...harnessProblems(source));
  if (!parsed.success || problems.length > 0) throw new ConfigError(problems);
  const env = parsed.data;
  const isProduction = env.NODE_ENV === 'production';
  const sandbox =
    !isProduction &&
    !env.PAYMONGO_SECRET_KEY &&
    !env.XENDIT_API_KEY &&
    !env.PAYMONGO_BASE_URL &&
    !env.XENDIT_BASE_URL;

  const publicBaseUrl = env.PUBLIC_BASE_URL ?? `http://localhost:${env.PORT}`;
  const split = (v: string | undefined) =>
    (v ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);

  return {
    app: {
      port: env.PORT,
      nodeEnv: env.NODE_ENV,
      environment: env.ENVIRONMENT,
      version: env.APP_VERSION ?? process.env.npm_package_version ?? '0.1.0',
      isProduction,
      publicBaseUrl,
      frontendUrl: env.FRONTEND_URL ?? publicBaseUrl,
      builtInReturnPage: env.FRONTEND_URL === undefined,
      corsOrigins:
        env.CORS_ORIGINS === undefined && !isProduction
          ? LOCAL_CORS_ORIGINS
          : split(env.CORS_ORIGINS),
      localMode: !isProduction && env.ENVIRONMENT === 'local',
      trustedProxies: split(env.TRUSTED_PROXIES),
      bodyLimit: env.BODY_LIMIT,
      shutdownGraceMs: env.SHUTDOWN_GRACE_MS,
      // Behind a load balancer, give it a few probe periods to see readiness 503 first.
      shutdownDrainMs:
        env.SHUTDOWN_DRAIN_MS >= 0 ? env.SHUTDOWN_DRAIN_MS : isProduction ? 5_000 : 0,
    },
    log: {
      level: env.LOG_LEVEL,
      // Pretty lines for a person running it locally; JSON everywhere else.
      json:
        env.JSON_LOGGING === undefined
          ? env.NODE_ENV !== 'development'
          : ['true', '1'].includes(env.JSON_LOGGING),
    },
    database: {
      url: env.DATABASE_URL,
      poolMax: env.DB_POOL_MAX,
      idleTimeoutMs: env.DB_CONN_MAX_AGE * 1000,
      // The harness must absorb 500 simultaneous requests queueing for the pool.
      connectTimeoutMs: env.LEDGER_TEST_API ? 60_000 : 5_000,
      healthChecks: env.DB_CONN_HEALTH_CHECKS,
    },
    redis: { url: env.REDIS_URL, keyPrefix: env.REDIS_KEY_PREFIX ?? '' },
    auth: {
      jwtSecret: env.JWT_SECRET ?? LOCAL_JWT_SECRET,
      accessTtlSeconds: env.JWT_ACCESS_TTL,
      refreshTtlSeconds: env.JWT_REFRESH_TTL,
    },
    payments: {
      provider: env.PAYMENT_PROVIDER,
      sandbox,
      paymongo: {
        secretKey: env.PAYMONGO_SECRET_KEY ?? SANDBOX_PAYMONGO_SECRET_KEY,
        publicKey: env.PAYMONGO_PUBLIC_KEY,
        webhookSecret: env.PAYMONGO_WEBHOOK_SECRET ?? SANDBOX_PAYMONGO_WEBHOOK_SECRET,
        baseUrl:
          env.PAYMONGO_BASE_URL ??
          (sandbox ? `${publicBaseUrl}/sandbox/paymongo` : 'https://api.paymongo.com'),
        // PayMongo enables its transfers API per merchant on request, so most live accounts lack it:
        // off unless turned on, except where the built-in sandbox (which has payouts) serves.
        payoutsEnabled: env.PAYMONGO_PAYOUTS_ENABLED ?? sandbox,
      },
      xendit: {
        apiKey: env.XENDIT_API_KEY ?? SANDBOX_XENDIT_API_KEY,
        webhookToken: env.XENDIT_WEBHOOK_TOKEN ?? SANDBOX_XENDIT_WEBHOOK_TOKEN,
        baseUrl:
          env.XENDIT_BASE_URL ??
          (sandbox ? `${publicBaseUrl}/sandbox/xendit` : 'https://api.xendit.co'),
      },
    },
    business: {
      verificationAmount: env.VERIFICATION_AMOUNT,
      webhookToleranceSeconds: env.WEBHOOK_TOLERANCE_SECONDS,
      paymentBufferDays: env.PAYMENT_BUFFER_DAYS,
    },
    sentry: {
      dsn: env.SENTRY_DSN,
      tracesSampleRate: env.SENTRY_TRACES_SAMPLE_RATE,
      profilesSampleRate: env.SENTRY_PROFILES_SAMPLE_RATE,
    },
    switches: {
      rateLimitDisabled: env.RATE_LIMIT_DISABLED,
      queryCacheDisabled: env.QUERY_CACHE_DISABLED,
      cronDisabled: env.CRON_DISABLED,
      ledgerTestApi: env.LEDGER_TEST_API,
    },
  };
}
