import type { Request } from 'express';
import { AppError } from '../errors/app-error';
import { type OriginMatcher, requestOrigin } from './allowed-origins';
import { CommonErrors } from '../errors/common.errors';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
// The auth cookies (src/modules/auth/auth-cookies.ts): common/ must not import a feature module.
const AUTH_COOKIES = ['access', 'refresh'];

/**
 * CSRF defence beyond SameSite=Lax: a state-changing request that a browser would authenticate with
 * our cookies (it carries one and no Authorization header) must come from an allowed origin. A
 * Bearer token cannot be attached cross-site without a CORS preflight, so those requests pass.
 */
export function cookieOriginCheck(allowed: OriginMatcher) {
  return (req: Request, _res: unknown, next: (err?: unknown) => void): void => {
    if (SAFE_METHODS.has(req.method)) return next();
    if (req.headers.authorization !== undefined) return next();
    const cookies = (req.cookies ?? {}) as Record<string, unknown>;
    if (!AUTH_COOKIES.some((c) => typeof cookies[c] === 'string' && cookies[c] !== ''))
      return next();
    const origin = requestOrigin(req.headers);
    if (origin !== null && allowed.has(origin)) return next();
    next(new AppError(CommonErrors.ORIGIN_NOT_ALLOWED));
  };
}
