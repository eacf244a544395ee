import type { CookieOptions, Response } from 'express';
import type { AppConfig } from 'src/config/app-config';
import type { TokenPair } from './token.service';

export const ACCESS_COOKIE = 'access';
export const REFRESH_COOKIE = 'refresh';
const REFRESH_PATH = '/api/auth';

function base(cfg: AppConfig): CookieOptions {
  return { httpOnly: true, sameSite: 'lax', secure: cfg.app.isProduction };
}

export function setAuthCookies(res: Response, cfg: AppConfig, tokens: TokenPair): void {
  res.cookie(ACCESS_COOKIE, tokens.accessToken, {
    ...base(cfg),
    path: '/',
    maxAge: cfg.auth.accessTtlSeconds * 1000,
  });
  res.cookie(REFRESH_COOKIE, tokens.refreshToken, {
    ...base(cfg),
    path: REFRESH_PATH,
    maxAge: cfg.auth.refreshTtlSeconds * 1000,
  });
}

export function clearAuthCookies(res: Response, cfg: AppConfig): void {
  res.clearCookie(ACCESS_COOKIE, { ...base(cfg), path: '/' });
  res.clearCookie(REFRESH_COOKIE, { ...base(cfg), path: REFRESH_PATH });
}
