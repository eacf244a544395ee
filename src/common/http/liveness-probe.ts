import type { Application, NextFunction, Request, Response } from 'express';

/** What `GET /health/live` answers: the process is up and its event loop turns. Nothing else. */
export const LIVENESS_PATH = '/health/live';
const BODY = { status: 'ok' } as const;
// Express sets `req.route` on a matched route; the metrics and log fields read the template from it.
const ROUTE = Object.freeze({ path: LIVENESS_PATH });

interface Prepared {
  body: Buffer;
  etag: string | undefined;
}
const prepared = new WeakMap<Application, Prepared>();

/** The bytes and ETag `res.json(BODY)` would produce, once per app (its own `etag fn` setting). */
function prepare(app: Application): Prepared {
  let p = prepared.get(app);
  if (!p) {
    const body = Buffer.from(JSON.stringify(BODY), 'utf8');
    const etagFn = app.get('etag fn') as ((b: Buffer, enc?: string) => string) | undefined;
    p = { body, etag: typeof etagFn === 'function' ? etagFn(body) : undefined };
    prepared.set(app, p);
  }
  return p;
}

/**
 * Liveness is answered right after request id, metrics, security headers and CORS, before cookies,
 * body parsing, the router, the request logger and the guards: a probe that depends on nothing the
 * process could be stuck in, at a fraction of a routed request's cost (ADR 0130). It writes what
 * `res.json` would for the documented controller route (same body, content type, length, ETag, and
 * 304 for a matching If-None-Match), with body and ETag computed once instead of per probe. Other
 * methods, and a URL with a query string, stay with the controller, as does its OpenAPI entry.
 */
export function livenessProbe(req: Request, res: Response, next: NextFunction): void {
  if (req.method !== 'GET' || req.url !== LIVENESS_PATH) return next();
  (req as Request & { route: unknown }).route = ROUTE;
  const { body, etag } = prepare(req.app);
  res.statusCode = 200;
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.setHeader('Content-Length', body.length);
  if (etag) res.setHeader('ETag', etag);
  if (req.fresh) {
    res.statusCode = 304;
    res.removeHeader('Content-Type');
    res.removeHeader('Content-Length');
    res.end();
    return;
  }
  res.end(body);
}
