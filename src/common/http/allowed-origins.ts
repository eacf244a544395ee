import type { AppConfig } from '../../config/app-config';

/** `scheme://host[:port]` of a URL, or null when it is not one. */
export function originOf(url: string): string | null {
  try {
    const u = new URL(url);
    return u.origin === 'null' ? null : u.origin;
  } catch {
    return null;
  }
}

/** The browser origins our own pages come from: CORS_ORIGINS, PUBLIC_BASE_URL and FRONTEND_URL. */
export function allowedOrigins(cfg: AppConfig): ReadonlySet<string> {
  const all = [...cfg.app.corsOrigins, cfg.app.publicBaseUrl, cfg.app.frontendUrl];
  return new Set(all.map(originOf).filter((o): o is string => o !== null));
}

/** The request's Origin, else the origin of its Referer (some browsers omit Origin), else null. */
export function requestOrigin(headers: Record<string, unknown>): string | null {
  const origin = headers.origin;
  if (typeof origin === 'string') return origin === 'null' ? null : origin;
  const referer = headers.referer;
  return typeof referer === 'string' ? originOf(referer) : null;
}
