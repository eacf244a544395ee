import { randomBytes, randomUUID } from 'node:crypto';

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** PayMongo-style id: prefix + 24 base62 characters. */
export function paymongoId(prefix: string): string {
  const bytes = randomBytes(24);
  let out = '';
  for (const b of bytes) out += BASE62[b % 62];
  return `${prefix}_${out}`;
}

/** Xendit invoice ids are 24 hex characters with no prefix. */
export const xenditInvoiceId = () => randomBytes(12).toString('hex');

export const xenditPayoutId = () => `disb-${randomBytes(12).toString('hex')}`;

/** Xendit refund ids look like `rfd-<uuid>`. */
export const xenditRefundId = () => `rfd-${randomUUID()}`;
