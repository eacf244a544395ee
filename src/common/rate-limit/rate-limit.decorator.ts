import { SetMetadata } from '@nestjs/common';

/** The contract's rate-limit categories. `none` exempts a route (webhooks, health, metrics). */
export const RATE_LIMIT_CATEGORIES = [
  'auth',
  'payment',
  'upload',
  'api_write',
  'api_read',
] as const;
export type RateLimitCategory = (typeof RATE_LIMIT_CATEGORIES)[number];

export const RATE_LIMIT_CATEGORY = 'rate-limit:category';

/** Puts a route (or controller) in a category other than the one its HTTP method implies. */
export const RateLimit = (category: RateLimitCategory | 'none') =>
  SetMetadata(RATE_LIMIT_CATEGORY, category);
