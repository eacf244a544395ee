import { parseMethodList } from '../modules/payments/providers/gateway-capabilities';
import { PAYMONGO_METHODS } from '../modules/payments/providers/paymongo/paymongo.capabilities';
import { XENDIT_METHODS } from '../modules/payments/providers/xendit/xendit.capabilities';
import type { CheckoutMethod } from '../modules/payments/providers/payment-provider';
import {
  crashPointProblems,
  harnessProblems,
  productionProblems,
  split,
  verificationProblems,
} from './config-problems';
import { EnvSchema, type Env } from './env-schema';

export type { Env } from './env-schema';
export {
  estimatedEntropyBits,
  gcashMinimum,
  MAX_PRODUCTION_WEBHOOK_TOLERANCE_SECONDS,
} from './config-problems';

/**
 * Every environment variable of the contract, parsed once at boot into typed namespaces
 * (schema: env-schema.ts; checks: config-problems.ts). Production refuses to start with one message
 * naming every problem (see `loadConfig`).
 */
/** A frontend dev server on any port of this machine (Vite 5173, Next 3001, …), http only. */
export const LOCAL_CORS_ORIGINS = [/^http:\/\/localhost(:\d+)?$/, /^http:\/\/127\.0\.0\.1(:\d+)?$/];
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
  /**
   * jwtSecret is undefined only for processes that sign nothing (migrations, CLI); the HTTP server
   * refuses to start without one (`loadConfig(env, { server: true })`).
   */
  auth: { jwtSecret: string | undefined; accessTtlSeconds: number; refreshTtlSeconds: number };
  payments: {
    provider: Env['PAYMENT_PROVIDER'];
    /** New checkouts go to the other gateway while the primary cannot take them (ADR 0086). */
    failover: boolean;
    /** True when no real gateway keys are configured: the in-process sandbox serves. */
    sandbox: boolean;
    paymongo: {
      secretKey: string;
      publicKey: string | undefined;
      /** The current signing secret; undefined: not configured, its webhook route answers 404. */
      webhookSecret: string | undefined;
      /** `current,previous` during a rotation: a delivery signed with either is accepted. */
      webhookSecrets: string[];
      baseUrl: string;
      /** False: no payout API on the account; withdrawals wait for an admin (ADR 0055). */
      payoutsEnabled: boolean;
      /** Methods activated on the merchant account (`PAYMONGO_PAYMENT_METHODS`). */
      paymentMethods: CheckoutMethod[];
      /** PESONet transfers enabled: payouts above the InstaPay cap go by it, else they are refused. */
      pesonetEnabled: boolean;
    };
    xendit: {
      apiKey: string;
      /** The current callback token; undefined: not configured, its webhook route answers 404. */
      webhookToken: string | undefined;
      /** `current,previous` during a rotation: either token is accepted. */
      webhookTokens: string[];
      baseUrl: string;
      /** Methods activated on the merchant account (`XENDIT_PAYMENT_METHODS`). */
      paymentMethods: CheckoutMethod[];
    };
  };
  business: {
    /** Gateway that runs payout-account verification checkouts (`VERIFICATION_PROVIDER`). */
    verificationProvider: Env['PAYMENT_PROVIDER'];
    verificationAmount: number;
    webhookToleranceSeconds: number;
    paymentBufferDays: number;
    /** A payout account younger than this gets no automatic payout (its withdrawals wait for an admin). */
    payoutAccountCooldownHours: number;
  };
  sentry: { dsn: string | undefined; tracesSampleRate: number; profilesSampleRate: number };
  switches: {
    rateLimitDisabled: boolean;
    queryCacheDisabled: boolean;
    cronDisabled: boolean;
    ledgerTestApi: boolean;
    /** Test-only: named points where the process kills itself (ADR 0061); empty in production. */
    crashPoints: string[];
  };
  idempotency: {
    /** How long a started keyed request owns its key before a retry may take it over. */
    leaseSeconds: number;
  };
  exposure: {
    /** Serve `/docs` and `/docs-json` (default: on outside production, off in production). */
    docsEnabled: boolean;
    /** Bearer token `/metrics` requires; without one, `/metrics` is open outside production and off in it. */
    metricsToken: string | undefined;
  };
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Parses and validates the environment. Throws ConfigError naming every problem at once. */
export function loadConfig(
  source: NodeJS.ProcessEnv = process.env,
  opts: { server?: boolean } = {},
): AppConfig {
  const parsed = EnvSchema.safeParse(source);
  const problems = parsed.success
    ? []
    : parsed.error.issues.map((i) => `${i.path.join('.') || '(env)'}: ${i.message}`);
  // Semantic checks read the raw strings so one message can name every problem at once.
  problems.push(...productionProblems(source));
  problems.push(...harnessProblems(source));
  const pmMethods = parseMethodList(
    'PAYMONGO_PAYMENT_METHODS',
    source.PAYMONGO_PAYMENT_METHODS,
    PAYMONGO_METHODS,
    PAYMONGO_METHODS,
  );
  const xnMethods = parseMethodList(
    'XENDIT_PAYMENT_METHODS',
    source.XENDIT_PAYMENT_METHODS,
    XENDIT_METHODS,
    XENDIT_METHODS,
  );
  for (const p of [pmMethods.problem, xnMethods.problem]) if (p) problems.push(p);
  const verification = verificationProblems(source);
  problems.push(...verification.problems);
  problems.push(...crashPointProblems(source));
  // Production names it above; elsewhere only local mode may start without one (it generates its
  // own before this runs, see local-jwt-secret.ts), so a staging server never signs with a known key.
  if (opts.server && !source.JWT_SECRET && source.NODE_ENV !== 'production')
    problems.push(
      'JWT_SECRET: required outside local mode (local mode is an empty environment without DATABASE_URL)',
    );
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

  // `current,previous` during a rotation; the sandbox's fixed values apply only to the sandbox.
  const pmSecrets = split(
    env.PAYMONGO_WEBHOOK_SECRET ?? (sandbox ? SANDBOX_PAYMONGO_WEBHOOK_SECRET : ''),
  ).slice(0, 2);
  const xnTokens = split(
    env.XENDIT_WEBHOOK_TOKEN ?? (sandbox ? SANDBOX_XENDIT_WEBHOOK_TOKEN : ''),
  ).slice(0, 2);

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
      jwtSecret: env.JWT_SECRET,
      accessTtlSeconds: env.JWT_ACCESS_TTL,
      refreshTtlSeconds: env.JWT_REFRESH_TTL,
    },
    payments: {
      provider: env.PAYMENT_PROVIDER,
      failover: env.GATEWAY_FAILOVER,
      sandbox,
      paymongo: {
        // The built-in sandbox's fixed credentials apply only to the sandbox: a real gateway without its
        // secret has no secret at all (never a value from this file).
        secretKey: env.PAYMONGO_SECRET_KEY ?? (sandbox ? SANDBOX_PAYMONGO_SECRET_KEY : ''),
        publicKey: env.PAYMONGO_PUBLIC_KEY,
        webhookSecret: pmSecrets[0],
        webhookSecrets: pmSecrets,
        baseUrl:
          env.PAYMONGO_BASE_URL ??
          (sandbox ? `${publicBaseUrl}/sandbox/paymongo` : 'https://api.paymongo.com'),
        // PayMongo enables its transfers API per merchant on request, so most live accounts lack it:
        // off unless turned on, except where the built-in sandbox (which has payouts) serves.
        payoutsEnabled: env.PAYMONGO_PAYOUTS_ENABLED ?? sandbox,
        paymentMethods: pmMethods.methods,
        pesonetEnabled: env.PAYMONGO_PESONET_ENABLED,
      },
      xendit: {
        apiKey: env.XENDIT_API_KEY ?? (sandbox ? SANDBOX_XENDIT_API_KEY : ''),
        webhookToken: xnTokens[0],
        webhookTokens: xnTokens,
        baseUrl:
          env.XENDIT_BASE_URL ??
          (sandbox ? `${publicBaseUrl}/sandbox/xendit` : 'https://api.xendit.co'),
        paymentMethods: xnMethods.methods,
      },
    },
    business: {
      verificationProvider: verification.provider,
      verificationAmount: env.VERIFICATION_AMOUNT || verification.minimum,
      webhookToleranceSeconds: env.WEBHOOK_TOLERANCE_SECONDS,
      paymentBufferDays: env.PAYMENT_BUFFER_DAYS,
      payoutAccountCooldownHours: env.PAYOUT_ACCOUNT_COOLDOWN_HOURS,
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
      crashPoints: split(env.CRASH_POINTS),
    },
    idempotency: { leaseSeconds: env.IDEMPOTENCY_LEASE_SECONDS },
    exposure: {
      docsEnabled: env.API_DOCS_ENABLED ?? !isProduction,
      metricsToken: env.METRICS_TOKEN,
    },
  };
}
