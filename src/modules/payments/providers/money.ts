/**
 * Exact conversions between our integer centavos and Xendit's decimal pesos. No float arithmetic
 * touches the value: the decimal is built from / parsed into its digits.
 */
const MAX_CENTAVOS = 100_000_000_000_00; // 10^13, far above any contract limit

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
