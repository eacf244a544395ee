/** SQLSTATEs after which the whole transaction may simply run again: serialization failure, deadlock. */
const RETRYABLE = new Set(['40001', '40P01']);

/** The SQLSTATE of a pg / TypeORM error, if any. */
export function sqlState(err: unknown): string | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const e = err as { code?: unknown; driverError?: { code?: unknown } };
  const code = typeof e.code === 'string' ? e.code : e.driverError?.code;
  return typeof code === 'string' ? code : undefined;
}

export const isRetryableTransactionError = (err: unknown): boolean =>
  RETRYABLE.has(sqlState(err) ?? '');

export interface RetryPolicy {
  /** Attempts in total, the first included. */
  attempts: number;
  baseMs: number;
  capMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { attempts: 5, baseMs: 20, capMs: 500 };

/** "Full jitter": uniform in [0, min(cap, base·2^n)], so colliding transactions spread out. */
export function backoffMs(retry: number, policy: RetryPolicy, random = Math.random): number {
  return Math.floor(random() * Math.min(policy.capMs, policy.baseMs * 2 ** retry));
}
