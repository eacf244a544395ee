import type { RateLimitCategory } from './rate-limit.decorator';

/** Requests per minute per caller, from the contract. */
export const RATE_LIMITS: Record<RateLimitCategory, number> = {
  auth: 5,
  payment: 5,
  upload: 10,
  api_write: 30,
  api_read: 100,
};
export const RATE_LIMIT_WINDOW_MS = 60_000;
