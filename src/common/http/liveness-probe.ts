import type { NextFunction, Request, Response } from 'express';

/** What `GET /health/live` answers: the process is up and its event loop turns. Nothing else. */
export const LIVENESS_PATH = '/health/live';
const BODY = { status: 'ok' } as const;
// Express sets `req.route` on a matched route; the metrics and log fields read the template from it.
const ROUTE = Object.freeze({ path: LIVENESS_PATH });

/**
 * Liveness is answered right after request id, metrics, security headers and CORS, before cookies,
 * body parsing, the router, the request logger and the guards: a probe that depends on nothing the
 * process could be stuck in, at a fraction of a routed request's cost (ADR 0130). `res.json` sends
 * what the documented controller route sends (same body, content type, ETag and 304 handling); other
 * methods, and the route's OpenAPI entry, stay with the controller.
 */
export function livenessProbe(req: Request, res: Response, next: NextFunction): void {
  if (req.method !== 'GET' || req.path !== LIVENESS_PATH) return next();
  (req as Request & { route: unknown }).route = ROUTE;
  res.status(200).json(BODY);
}
