import { CRASH_POINTS, isCrashPoint } from '../common/crash/crash-points';
import type { GatewayCapabilities } from '../modules/payments/providers/gateway-capabilities';
import {
  DEFAULT_PAYMENT_PROVIDER,
  isPaymentProviderName,
  type PaymentProviderName,
} from '../modules/payments/providers/payment-provider';
import { paymongoCapabilities } from '../modules/payments/providers/paymongo/paymongo.capabilities';
import { xenditCapabilities } from '../modules/payments/providers/xendit/xendit.capabilities';

/**
 * The checks a schema cannot express: production refusals (placeholder or weak secrets, test keys,
 * plain http, open CORS), the verification amount against its gateway's minimum, and switches that
 * are only safe on scratch databases. Each returns messages naming the variable, never its value.
 */

/** Values that must never be accepted as production secrets. */
const PLACEHOLDER =
  /^(changeme|change-me|secret|password|dev|test|example|placeholder|dev-only.*|local-.*|xxx+)$/i;
/** Fill-me-in markers used by .env.example and the k8s Secret example, anywhere in the value. */
const PLACEHOLDER_MARKER = /replace[_-]?me|change[_-]?me/i;

export function productionProblems(env: NodeJS.ProcessEnv): string[] {
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
  const primary = providerOrDefault(env.PAYMENT_PROVIDER);
  // The chosen gateway must be complete; the other one is optional, but whatever is set is checked
  // (its webhook route answers 404 until its secret is configured).
  const gatewaySecrets: Record<PaymentProviderName, readonly string[]> = {
    paymongo: ['PAYMONGO_SECRET_KEY', 'PAYMONGO_WEBHOOK_SECRET'],
    xendit: ['XENDIT_API_KEY', 'XENDIT_WEBHOOK_TOKEN'],
  };
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
    for (const name of Object.values(gatewaySecrets).flat())
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
  // Benchmarks run the production stack from one address at thousands of requests a second: the one
  // place limits may be off, and only under that explicit deployment name.
  if (
    ['1', 'true', 'yes'].includes(env.RATE_LIMIT_DISABLED ?? '') &&
    env.ENVIRONMENT !== 'benchmark'
  )
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

/** Each gateway's capability table with GCash activated (one entry per gateway). */
const GCASH_CAPABILITIES: Record<PaymentProviderName, () => GatewayCapabilities> = {
  paymongo: () => paymongoCapabilities({ activatedMethods: ['gcash'], pesonetEnabled: true }),
  xendit: () => xenditCapabilities({ activatedMethods: ['gcash'] }),
};

/** The smallest GCash checkout each gateway's table accepts (centavos). */
export function gcashMinimum(provider: PaymentProviderName): number {
  return GCASH_CAPABILITIES[provider]().checkoutLimits.gcash?.min ?? 1;
}

/** A gateway name from the environment; anything else is the default (the schema reports it). */
function providerOrDefault(raw: string | undefined): PaymentProviderName {
  return isPaymentProviderName(raw) ? raw : DEFAULT_PAYMENT_PROVIDER;
}

/**
 * The verification checkout is a GCash payment on `VERIFICATION_PROVIDER` (default: the payment
 * gateway), so its amount must meet that gateway's GCash minimum. Production refuses to boot below it;
 * elsewhere the request is refused with a 4xx instead (the sandbox can be made laxer by a test).
 */
export function verificationProblems(env: NodeJS.ProcessEnv): {
  provider: PaymentProviderName;
  minimum: number;
  problems: string[];
} {
  const provider = providerOrDefault(env.VERIFICATION_PROVIDER || env.PAYMENT_PROVIDER);
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
export function harnessProblems(env: NodeJS.ProcessEnv): string[] {
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

export function crashPointProblems(env: NodeJS.ProcessEnv): string[] {
  const unknown = split(env.CRASH_POINTS).filter((p) => !isCrashPoint(p));
  return unknown.length
    ? [`CRASH_POINTS: unknown point(s) ${unknown.join(', ')}; known: ${CRASH_POINTS.join(', ')}`]
    : [];
}

export function split(v: string | undefined): string[] {
  return (v ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}
