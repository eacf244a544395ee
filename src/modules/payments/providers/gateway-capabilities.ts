import { AppError } from 'src/common/errors/app-error';
import { formatPesos } from 'src/common/money/money';
import type { CheckoutMethod, PaymentProviderName } from './payment-provider';
import { PaymentErrors } from '../payments.errors';

/**
 * What a gateway accepts, declared by each adapter (never `if (provider === …)` in shared code). Money is
 * integer centavos. The numbers and their documentation sources are in the adapters' tables
 * (`paymongo.capabilities.ts`, `xendit.capabilities.ts`) and in docs/gateways.md.
 */
export const CHECKOUT_METHODS = ['gcash', 'paymaya', 'card', 'qrph'] as const;

export function isCheckoutMethod(v: unknown): v is CheckoutMethod {
  return typeof v === 'string' && (CHECKOUT_METHODS as readonly string[]).includes(v);
}

/** Inclusive bounds of one checkout, in centavos. */
export interface AmountRange {
  min: number;
  max: number;
}

/** Domestic transfer rails a payout can go by. */
export type PayoutRail = 'instapay' | 'pesonet';

export interface PayoutRailCapability {
  rail: PayoutRail;
  /** Largest single transfer in centavos. */
  maxAmount: number;
  /** False when the merchant account cannot use it (e.g. PESONet not enabled). */
  enabled: boolean;
}

export interface GatewayCapabilities {
  provider: PaymentProviderName;
  /** How people and stored reasons name the gateway, e.g. `Xendit`. */
  displayName: string;
  /** Documented per-method limits of one checkout. A method without an entry is not offered by us. */
  checkoutLimits: Readonly<Partial<Record<CheckoutMethod, AmountRange>>>;
  /** Methods activated on the merchant account (configuration); the only ones sent on a checkout. */
  activatedMethods: readonly CheckoutMethod[];
  /** Payout rails, cheapest/fastest first: a payout goes by the first enabled rail whose cap fits. */
  payoutRails: readonly PayoutRailCapability[];
  /** Webhook event types the gateway documents and we handle; anything else is stored and ignored. */
  events: readonly string[];
  /** The webhook's authenticity is weak (a static token): re-fetch the resource before money moves. */
  refetchBeforeSettling: boolean;
}

/** The smallest amount a checkout offering `methods` accepts (every offered method must accept it). */
export function checkoutMinimum(
  caps: GatewayCapabilities,
  methods: readonly CheckoutMethod[],
): number {
  return Math.max(...methods.map((m) => limitOf(caps, m).min));
}

/** The largest amount a checkout offering `methods` accepts. */
export function checkoutMaximum(
  caps: GatewayCapabilities,
  methods: readonly CheckoutMethod[],
): number {
  return Math.min(...methods.map((m) => limitOf(caps, m).max));
}

function limitOf(caps: GatewayCapabilities, m: CheckoutMethod): AmountRange {
  const l = caps.checkoutLimits[m];
  if (!l) throw new Error(`${caps.provider} has no limits for ${m}`);
  return l;
}

/** The rail a payout of `amount` centavos goes by, or null when no enabled rail carries it. */
export function payoutRailFor(
  caps: GatewayCapabilities,
  amount: number,
): PayoutRailCapability | null {
  return caps.payoutRails.find((r) => r.enabled && amount <= r.maxAmount) ?? null;
}

/**
 * Parses a `*_PAYMENT_METHODS` list. Returns the methods or a problem naming the variable, so config
 * validation can report it with every other problem at once.
 */
export function parseMethodList(
  name: string,
  raw: string | undefined,
  supported: readonly CheckoutMethod[],
  fallback: readonly CheckoutMethod[],
): { methods: CheckoutMethod[]; problem: string | null } {
  if (raw === undefined || raw.trim() === '') return { methods: [...fallback], problem: null };
  const items = [
    ...new Set(
      raw
        .split(',')
        .map((s) => s.trim().toLowerCase())
        .filter(Boolean),
    ),
  ];
  const bad = items.filter((m) => !isCheckoutMethod(m) || !supported.includes(m));
  if (bad.length > 0 || items.length === 0)
    return {
      methods: [...fallback],
      problem: `${name}: unsupported method(s) ${bad.join(', ') || '(none given)'}; use a comma list of ${supported.join(', ')}`,
    };
  return { methods: items as CheckoutMethod[], problem: null };
}

/**
 * Refuses, before any gateway call, a checkout the gateway would refuse: a method not activated on the
 * account, or an amount outside the documented range (the error names the bound and the gateway).
 */
export function assertCheckoutAllowed(
  caps: GatewayCapabilities,
  methods: readonly CheckoutMethod[],
  amount: number,
  /** `configuration`: the amount is the server's own (VERIFICATION_AMOUNT), so the refusal is 422. */
  refusal: 'request' | 'configuration' = 'request',
): void {
  const below =
    refusal === 'request'
      ? PaymentErrors.AMOUNT_BELOW_MINIMUM
      : PaymentErrors.CONFIGURED_AMOUNT_BELOW_MINIMUM;
  const above =
    refusal === 'request'
      ? PaymentErrors.AMOUNT_ABOVE_MAXIMUM
      : PaymentErrors.CONFIGURED_AMOUNT_ABOVE_MAXIMUM;
  const missing = methods.filter((m) => !caps.activatedMethods.includes(m));
  if (missing.length > 0 || methods.length === 0)
    throw new AppError(PaymentErrors.PAYMENT_METHOD_NOT_ACTIVATED, {
      message: `${missing.join(', ') || 'No payment method'} is not activated on the ${caps.provider} account`,
      details: [{ provider: caps.provider, methods: missing }],
    });
  const min = checkoutMinimum(caps, methods);
  if (amount < min)
    throw new AppError(below, {
      message: `The minimum amount is ${min} centavos (${formatPesos(min)}) on ${caps.provider}`,
      details: [{ field: 'amount', minimum: min, provider: caps.provider }],
    });
  const max = checkoutMaximum(caps, methods);
  if (amount > max)
    throw new AppError(above, {
      message: `The maximum amount is ${max} centavos (${formatPesos(max)}) on ${caps.provider}`,
      details: [{ field: 'amount', maximum: max, provider: caps.provider }],
    });
}
