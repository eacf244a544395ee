import { z } from 'zod';
import { parseMethodList } from '../modules/payments/providers/gateway-capabilities';
import {
  PAYMONGO_METHODS,
  paymongoCapabilities,
} from '../modules/payments/providers/paymongo.capabilities';
import {
  XENDIT_METHODS,
  xenditCapabilities,
} from '../modules/payments/providers/xendit.capabilities';
import type { CheckoutMethod } from '../modules/payments/providers/payment-provider';
import { CRASH_POINTS, isCrashPoint } from '../common/crash/crash-points';

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
  PAYMONGO_PAYMENT_METHODS: optionalString,
  PAYMONGO_PESONET_ENABLED: bool(true),
  XENDIT_API_KEY: optionalString,
  XENDIT_WEBHOOK_TOKEN: optionalString,
  XENDIT_BASE_URL: url(['http:', 'https:']),
  XENDIT_PAYMENT_METHODS: optionalString,
  GATEWAY_FAILOVER: bool(false),
  // Unset: the smallest amount the verification gateway accepts for GCash (resolved in loadConfig).
  VERIFICATION_AMOUNT: int(0, 1, 100_000_000_000),
  VERIFICATION_PROVIDER: z.enum(['paymongo', 'xendit']).optional(),
  WEBHOOK_TOLERANCE_SECONDS: int(300, 1, 86400),
  DOCS_ENABLED: optionalBool,
  METRICS_TOKEN: optionalString,
  PAYMENT_BUFFER_DAYS: int(7, 0, 365),
  PAYOUT_ACCOUNT_COOLDOWN_HOURS: int(24, 0, 24 * 90),
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
  IDEMPOTENCY_LEASE_SECONDS: int(60, 1, 3600),
  CRASH_POINTS: optionalString,
});

export type Env = z.infer<typeof EnvSchema>;

/** Values that must never be accepted as production secrets. */
const PLACEHOLDER =
  /^(changeme|change-me|secret|password|dev|test|example|placeholder|dev-only.*|local-.*|xxx+)$/i;
/** Fill-me-in markers used by .env.example and the k8s Secret example, anywhere in the value. */
const PLACEHOLDER_MARKER = /replace[_-]?me|change[_-]?me/i;
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

function productionProblems(env: NodeJS.ProcessEnv): string[] {
  if (env.NODE_ENV !== 'production') return [];
  const problems: string[] = [];
  const requireSecret = (name: string, strength: SecretStrength | null = null) => {
    const value = env[name];
    if (!value) problems.push(`${name}: required in production`);
    else checkSecret(name, value, strength);
  };
  // Values are never echoed: only the variable and what is wrong with it.
  const checkSecret = (name: string, value: string, strength: SecretStrength | null) => {
    if (PLACEHOLDER.test(value) || PLACEHOLDER_MARKER.test(value) || value.includes('sandbox'))
      problems.push(`${name}: a default/test placeholder value is not allowed in production`);
    else if (strength && value.length < strength.minLength)
      problems.push(`${name}: must be at least ${strength.minLength} characters`);
    else if (strength && estimatedEntropyBits(value) < strength.minBits)
      problems.push(
        `${name}: too predictable (repeated or few distinct characters); use a random value`,
      );
  };
  if (!env.DATABASE_URL) problems.push('DATABASE_URL: required in production');
  requireSecret('JWT_SECRET', JWT_SECRET_STRENGTH);
  if (!env.PUBLIC_BASE_URL) problems.push('PUBLIC_BASE_URL: required in production');
  const primary = (env.PAYMENT_PROVIDER ?? 'paymongo') === 'xendit' ? 'xendit' : 'paymongo';
  // The chosen gateway must be complete; the other one is optional, but whatever is set is checked
  // (its webhook route answers 404 until its secret is configured).
  const gatewaySecrets = {
    paymongo: ['PAYMONGO_SECRET_KEY', 'PAYMONGO_WEBHOOK_SECRET'],
    xendit: ['XENDIT_API_KEY', 'XENDIT_WEBHOOK_TOKEN'],
  } as const;
  for (const [gateway, names] of Object.entries(gatewaySecrets))
    for (const name of names) {
      const strength = name.includes('WEBHOOK') ? WEBHOOK_SECRET_STRENGTH : null;
      // Verification may be routed to the other gateway: then it must be complete too.
      if (gateway === primary || gateway === env.VERIFICATION_PROVIDER)
        requireSecret(name, strength);
      else if (env[name]) checkSecret(name, env[name], strength);
    }
  // Failover sends new checkouts to the other gateway: it must be fully configured too.
  if (['1', 'true', 'yes'].includes((env.GATEWAY_FAILOVER ?? '').toLowerCase())) {
    for (const name of [
      'PAYMONGO_SECRET_KEY',
      'PAYMONGO_WEBHOOK_SECRET',
      'XENDIT_API_KEY',
      'XENDIT_WEBHOOK_TOKEN',
    ])
      if (!env[name]) problems.push(`${name}: required in production when GATEWAY_FAILOVER is on`);
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
  for (const name of ['PAYMONGO_WEBHOOK_SECRET', 'XENDIT_WEBHOOK_TOKEN'])
    if ((env[name] ?? '').split(',').filter((x) => x.trim()).length > 2)
      problems.push(`${name}: at most two values (current,previous)`);
  if (['1', 'true', 'yes'].includes(env.LEDGER_TEST_API ?? ''))
    problems.push('LEDGER_TEST_API: never allowed in production');
  if (env.CRASH_POINTS?.trim()) problems.push('CRASH_POINTS: never allowed in production');
  if (['1', 'true', 'yes'].includes(env.RATE_LIMIT_DISABLED ?? ''))
    problems.push('RATE_LIMIT_DISABLED: rate limits cannot be turned off in production');
  const tolerance = Number(env.WEBHOOK_TOLERANCE_SECONDS ?? '');
  if (Number.isInteger(tolerance) && tolerance > MAX_PRODUCTION_WEBHOOK_TOLERANCE_SECONDS)
    problems.push(
      `WEBHOOK_TOLERANCE_SECONDS: at most ${MAX_PRODUCTION_WEBHOOK_TOLERANCE_SECONDS} in production (a wider window lets captured deliveries be replayed longer)`,
    );
  if ((env.CORS_ORIGINS ?? '').split(',').some((o) => o.trim() === '*' || o.trim() === 'null'))
    problems.push('CORS_ORIGINS: "*" or "null" is not allowed in production; list the origins');
  for (const name of ['PUBLIC_BASE_URL', 'FRONTEND_URL', 'PAYMONGO_BASE_URL', 'XENDIT_BASE_URL'])
    if (env[name]?.toLowerCase().startsWith('http://'))
      problems.push(`${name}: must be an https:// URL in production`);
  for (const origin of (env.CORS_ORIGINS ?? '').split(','))
    if (origin.trim().toLowerCase().startsWith('http://')) {
      problems.push('CORS_ORIGINS: every origin must be https:// in production');
      break;
    }
  if (env.METRICS_TOKEN) checkSecret('METRICS_TOKEN', env.METRICS_TOKEN, WEBHOOK_SECRET_STRENGTH);
  return problems;
}

/** The smallest GCash checkout each gateway's table accepts (centavos). */
export function gcashMinimum(provider: 'paymongo' | 'xendit'): number {
  const caps =
    provider === 'paymongo'
      ? paymongoCapabilities({ activatedMethods: ['gcash'], pesonetEnabled: true })
      : xenditCapabilities({ activatedMethods: ['gcash'] });
  return caps.checkoutLimits.gcash?.min ?? 1;
}

/**
 * The verification checkout is a GCash payment on `VERIFICATION_PROVIDER` (default: the payment
 * gateway), so its amount must meet that gateway's GCash minimum. Production refuses to boot below it;
 * elsewhere the request is refused with a 4xx instead (the sandbox can be made laxer by a test).
 */
function verificationProblems(env: NodeJS.ProcessEnv): {
  provider: 'paymongo' | 'xendit';
  minimum: number;
  problems: string[];
} {
  const raw = env.VERIFICATION_PROVIDER || env.PAYMENT_PROVIDER || 'paymongo';
  const provider = raw === 'xendit' ? 'xendit' : 'paymongo';
  const minimum = gcashMinimum(provider);
  const amount = Number(env.VERIFICATION_AMOUNT);
  const problems =
    env.NODE_ENV === 'production' &&
    env.VERIFICATION_AMOUNT &&
    Number.isSafeInteger(amount) &&
    amount < minimum
      ? [
          `VERIFICATION_AMOUNT: ${amount} centavos is below the ${provider} GCash minimum of ${minimum} centavos (VERIFICATION_PROVIDER=${provider})`,
        ]
      : [];
  return { provider, minimum, problems };
}

interface SecretStrength {
  minLength: number;
  /** Lower bound on `estimatedEntropyBits`. */
  minBits: number;
}
/** 32 random base64url/hex characters score about 115-190 bits; "a" × 32 scores 0. */
const JWT_SECRET_STRENGTH: SecretStrength = { minLength: 32, minBits: 100 };
/** Gateway-issued webhook secrets (`whsk_…`, Xendit tokens) are long random strings. */
const WEBHOOK_SECRET_STRENGTH: SecretStrength = { minLength: 20, minBits: 64 };
export const MAX_PRODUCTION_WEBHOOK_TOLERANCE_SECONDS = 600;

/**
 * A cheap guess at a secret's strength: its length times the Shannon entropy of its own characters.
 * It cannot prove randomness, but it refuses repeats ("aaaa…") and low-variety values outright.
 */
export function estimatedEntropyBits(value: string): number {
  const counts = new Map<string, number>();
  for (const ch of value) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  const n = [...value].length;
  let perChar = 0;
  for (const c of counts.values()) perChar -= (c / n) * Math.log2(c / n);
  return perChar * n;
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

function crashPointProblems(env: NodeJS.ProcessEnv): string[] {
  const unknown = split(env.CRASH_POINTS).filter((p) => !isCrashPoint(p));
  return unknown.length
    ? [`CRASH_POINTS: unknown point(s) ${unknown.join(', ')}; known: ${CRASH_POINTS.join(', ')}`]
    : [];
}

function split(v: string | undefined): string[] {
  return (v ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
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
      docsEnabled: env.DOCS_ENABLED ?? !isProduction,
      metricsToken: env.METRICS_TOKEN,
    },
  };
}
