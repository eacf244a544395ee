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

/**
 * Local mode (a developer's machine, see README): sign-in routes allow 60/min instead of 5, so a
 * frontend developer retrying a login form is not locked out. Everything else keeps the contract's limits.
 */
export const LOCAL_AUTH_LIMIT = 60;

export function rateLimitsFor(localMode: boolean): Record<RateLimitCategory, number> {
  return localMode ? { ...RATE_LIMITS, auth: LOCAL_AUTH_LIMIT } : RATE_LIMITS;
}
