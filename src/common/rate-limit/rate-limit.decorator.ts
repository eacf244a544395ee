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

export const RATE_LIMIT_ALSO_BY = 'rate-limit:also-by';

/**
 * Adds a second budget of the route's category keyed by a body field (login: the target `email`), so
 * guesses against one account are limited however many addresses they come from.
 */
export const RateLimitAlsoBy = (bodyField: string) => SetMetadata(RATE_LIMIT_ALSO_BY, bodyField);
