import type { AppConfig } from 'src/config/app-config';

/** `scheme://host[:port]` of a URL, or null when it is not one. */
export function originOf(url: string): string | null {
  try {
    const u = new URL(url);
    return u.origin === 'null' ? null : u.origin;
  } catch {
    return null;
  }
}

/** Answers whether a browser origin is one of ours. */
export interface OriginMatcher {
  has(origin: string): boolean;
}

/**
 * The browser origins our own pages come from: CORS_ORIGINS (outside production with none set, any
 * localhost port, as patterns), PUBLIC_BASE_URL and FRONTEND_URL.
 */
export function allowedOrigins(cfg: AppConfig): OriginMatcher {
  const patterns = cfg.app.corsOrigins.filter((o): o is RegExp => o instanceof RegExp);
  const urls = [
    ...cfg.app.corsOrigins.filter((o): o is string => typeof o === 'string'),
    cfg.app.publicBaseUrl,
    cfg.app.frontendUrl,
  ];
  const exact = new Set(urls.map(originOf).filter((o): o is string => o !== null));
  return { has: (origin) => exact.has(origin) || patterns.some((p) => p.test(origin)) };
}

/** The request's Origin, else the origin of its Referer (some browsers omit Origin), else null. */
export function requestOrigin(headers: Record<string, unknown>): string | null {
  const origin = headers.origin;
  if (typeof origin === 'string') return origin === 'null' ? null : origin;
  const referer = headers.referer;
  return typeof referer === 'string' ? originOf(referer) : null;
}
