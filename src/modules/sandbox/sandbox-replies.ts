import { pesosToCentavos } from 'src/common/money/money';

/** What a sandbox gateway endpoint answers: an HTTP status and the gateway's JSON body. */
export interface GatewayReply {
  status: number;
  body: unknown;
}

export type Obj = Record<string, unknown>;
export const isObj = (v: unknown): v is Obj =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
export const isPosInt = (v: unknown): v is number =>
  typeof v === 'number' && Number.isSafeInteger(v) && v > 0;
export const isReply = (v: unknown): v is GatewayReply =>
  isObj(v) && typeof v.status === 'number' && 'body' in v;

/** PayMongo's error body (JSON:API `errors`, with the attribute at fault). */
export const pmError = (
  status: number,
  code: string,
  detail: string,
  attribute?: string,
): GatewayReply => ({
  status,
  body: {
    errors: [
      {
        code,
        detail,
        ...(attribute ? { source: { pointer: `attributes.${attribute}`, attribute } } : {}),
      },
    ],
  },
});

export const xnError = (status: number, code: string, message: string): GatewayReply => ({
  status,
  body: { error_code: code, message },
});

/**
 * Xendit's money fields, checked one way for invoices, payouts and refunds: `amount` is a positive
 * peso number with at most 2 decimals (returned in centavos), and `currency`, when the endpoint takes
 * one (`currencyError` given), is PHP. The error reply otherwise.
 */
export function xenditAmount(body: Obj, currencyError?: GatewayReply): number | GatewayReply {
  const amount = pesosToCentavos(body.amount);
  if (typeof body.amount !== 'number' || amount === null || amount <= 0)
    return xnError(
      400,
      'API_VALIDATION_ERROR',
      'amount must be a positive number with at most 2 decimals',
    );
  if (currencyError && body.currency !== undefined && body.currency !== 'PHP') return currencyError;
  return amount;
}

/** A flat string map, `{}` when absent; null when a value is not a string. */
export function stringValues(v: unknown): Record<string, string> | null {
  if (v === undefined || v === null) return {};
  if (!isObj(v)) return null;
  const out: Record<string, string> = {};
  for (const [k, val] of Object.entries(v)) {
    if (typeof val !== 'string') return null;
    out[k] = val;
  }
  return out;
}
