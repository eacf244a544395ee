/**
 * The one place money is parsed and formatted. Amounts are integer centavos end to end; gateways that
 * speak decimal pesos (Xendit) are converted exactly: no float arithmetic touches the value, the
 * decimal is built from / parsed into its digits.
 */

/** Currencies the platform holds money in; anything else has no wallet, fee or gateway behind it. */
export const PLATFORM_CURRENCIES = ['PHP'] as const;

/** The contract's ceiling for any money field: 10^11 centavos (₱1,000,000,000.00). */
export const MAX_AMOUNT_CENTAVOS = 100_000_000_000;

/** Conversion bound, far above any contract limit (10^13). */
const MAX_CENTAVOS = 100_000_000_000_00;

/** A positive integer number of centavos within the contract's ceiling. */
export function isCentavoAmount(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v > 0 && v <= MAX_AMOUNT_CENTAVOS;
}

/** `123456` → `₱1,234.56` (display only). */
export function formatPesos(centavos: number): string {
  const sign = centavos < 0 ? '-' : '';
  const abs = Math.abs(centavos);
  const whole = Math.trunc(abs / 100).toLocaleString('en-US');
  return `${sign}₱${whole}.${String(abs % 100).padStart(2, '0')}`;
}

export function centavosToPesos(centavos: number): number {
  if (!Number.isSafeInteger(centavos) || centavos < 0 || centavos > MAX_CENTAVOS)
    throw new RangeError(`not a centavo amount: ${centavos}`);
  const whole = Math.trunc(centavos / 100);
  const frac = centavos - whole * 100;
  // Every decimal with <= 15 significant digits round-trips through a double, so JSON prints it as written.
  return Number(`${whole}.${String(frac).padStart(2, '0')}`);
}

/** Parses a peso amount (number or numeric string from a gateway) into centavos; null if not exact. */
export function pesosToCentavos(pesos: unknown): number | null {
  let text: string;
  if (typeof pesos === 'number') {
    if (!Number.isFinite(pesos) || pesos < 0) return null;
    text = String(pesos);
  } else if (typeof pesos === 'string') text = pesos.trim();
  else return null;
  const m = /^(\d{1,13})(?:\.(\d{1,2}))?$/.exec(text);
  if (!m) return null;
  const frac = (m[2] ?? '').padEnd(2, '0');
  return Number(m[1]) * 100 + Number(frac);
}
