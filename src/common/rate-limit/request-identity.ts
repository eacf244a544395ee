import type { AuthUser } from '../decorators/current-user.decorator';

/**
 * Resolves the caller from a request's credentials (a verified access token), or null. Provided by
 * the auth module, so rate limits run before authentication and still key by user: requests with a
 * bad or missing token are then counted per IP instead of escaping the limits with a 401.
 */
export const REQUEST_IDENTITY = Symbol('REQUEST_IDENTITY');
export type RequestIdentity = (req: {
  headers: Record<string, string | string[] | undefined>;
  cookies?: Record<string, string | undefined>;
}) => AuthUser | null;
