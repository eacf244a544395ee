import { databaseErrorCode } from './connection-errors';

/** SQLSTATEs after which the whole transaction may simply run again: serialization failure, deadlock. */
const RETRYABLE = new Set(['40001', '40P01']);

export const isRetryableTransactionError = (err: unknown): boolean =>
  RETRYABLE.has(databaseErrorCode(err));

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
