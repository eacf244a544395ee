import { z } from 'zod';
import {
  DEFAULT_PAYMENT_PROVIDER,
  PAYMENT_PROVIDER_NAMES,
} from '../modules/payments/providers/payment-provider';

/**
 * Every environment variable of the contract as a zod schema (types, ranges, defaults). Semantic and
 * production checks are in config-problems.ts; `loadConfig` (app-config.ts) puts both together.
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

export const EnvSchema = z.object({
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
  PAYMENT_PROVIDER: z.enum(PAYMENT_PROVIDER_NAMES).optional().default(DEFAULT_PAYMENT_PROVIDER),
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
  VERIFICATION_PROVIDER: z.enum(PAYMENT_PROVIDER_NAMES).optional(),
  WEBHOOK_TOLERANCE_SECONDS: int(300, 1, 86400),
  API_DOCS_ENABLED: optionalBool,
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
