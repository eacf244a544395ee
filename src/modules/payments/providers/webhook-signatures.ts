import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * PayMongo's `Paymongo-Signature: t=<unix s>,te=<hex>,li=<hex>`: lowercase hex HMAC-SHA256 (key = the
 * webhook secret) over `${t}.${rawBody}`. `te` signs test-mode events, `li` live ones.
 */
export interface ParsedPaymongoSignature {
  t: number;
  te: string;
  li: string;
}

export function parsePaymongoSignature(header: string): ParsedPaymongoSignature | null {
  const parts = new Map<string, string>();
  for (const piece of header.split(',')) {
    const i = piece.indexOf('=');
    if (i <= 0) return null;
    const key = piece.slice(0, i).trim();
    if (parts.has(key)) return null; // ambiguous header: refuse rather than guess
    parts.set(key, piece.slice(i + 1).trim());
  }
  const t = parts.get('t');
  if (t === undefined || !/^\d{1,12}$/.test(t)) return null;
  return { t: Number(t), te: parts.get('te') ?? '', li: parts.get('li') ?? '' };
}

export function paymongoSignatureHex(secret: string, t: number, rawBody: Buffer | string): string {
  return createHmac('sha256', Buffer.from(secret, 'utf8'))
    .update(`${t}.`, 'utf8')
    .update(typeof rawBody === 'string' ? Buffer.from(rawBody, 'utf8') : rawBody)
    .digest('hex');
}

/** Header value as PayMongo sends it; used by the sandbox and the tests. */
export function signPaymongoWebhook(
  secret: string,
  rawBody: Buffer | string,
  opts: { t: number; livemode: boolean },
): string {
  const sig = paymongoSignatureHex(secret, opts.t, rawBody);
  return opts.livemode ? `t=${opts.t},te=,li=${sig}` : `t=${opts.t},te=${sig},li=`;
}

export type SignatureCheck =
  { ok: true } | { ok: false; reason: 'missing' | 'malformed' | 'stale' | 'mismatch' | 'mode' };

/**
 * Constant-time check of one delivery. The mode comes from the event (`livemode`), and the signature
 * slot of the other mode is never consulted, so a test signature can never authorise a live event.
 * `expectLive` (from the configured key) must agree with the event's mode.
 */
export function verifyPaymongoSignature(input: {
  header: string | undefined;
  rawBody: Buffer;
  secret: string;
  livemode: boolean;
  expectLive: boolean;
  nowSeconds: number;
  toleranceSeconds: number;
}): SignatureCheck {
  if (!input.header) return { ok: false, reason: 'missing' };
  const parsed = parsePaymongoSignature(input.header);
  if (!parsed) return { ok: false, reason: 'malformed' };
  if (input.livemode !== input.expectLive) return { ok: false, reason: 'mode' };
  if (Math.abs(input.nowSeconds - parsed.t) > input.toleranceSeconds)
    return { ok: false, reason: 'stale' };
  const given = input.livemode ? parsed.li : parsed.te;
  if (!/^[0-9a-f]{64}$/.test(given)) return { ok: false, reason: 'mismatch' };
  const expected = paymongoSignatureHex(input.secret, parsed.t, input.rawBody);
  const ok = timingSafeEqual(Buffer.from(expected, 'utf8'), Buffer.from(given, 'utf8'));
  return ok ? { ok: true } : { ok: false, reason: 'mismatch' };
}

/** Constant-time comparison of Xendit's static `x-callback-token`. */
export function verifyXenditCallbackToken(header: string | undefined, expected: string): boolean {
  if (!header || !expected) return false;
  // Hash both sides so lengths match and the comparison time does not reveal the token's length.
  const a = createHmac('sha256', 'xendit-token-compare').update(header, 'utf8').digest();
  const b = createHmac('sha256', 'xendit-token-compare').update(expected, 'utf8').digest();
  return timingSafeEqual(a, b);
}
