import type { IncomingMessage } from 'node:http';
import type { Request } from 'express';
import { AppError } from '../errors/app-error';
import { CommonErrors } from '../errors/common.errors';

/** Routes that take HTML form posts instead of JSON (the sandbox's hosted checkout page). */
const FORM_ROUTES = ['/sandbox/checkout/'];

function hasBody(req: IncomingMessage): boolean {
  if (req.headers['transfer-encoding'] !== undefined) return true;
  const len = Number(req.headers['content-length']);
  return Number.isFinite(len) && len > 0;
}

/**
 * Express middleware before the body parser: a request body must be plain (no Content-Encoding) JSON
 * (`application/json`), else 415. A form post is how a cross-site page sends a "simple" request without
 * a CORS preflight, so refusing every other type also closes that CSRF path.
 */
export function jsonOnly(req: Request, _res: unknown, next: (err?: unknown) => void): void {
  if (!hasBody(req)) return next();
  const encoding = req.headers['content-encoding'];
  if (encoding !== undefined && encoding.trim().toLowerCase() !== 'identity')
    return next(
      new AppError(CommonErrors.UNSUPPORTED_MEDIA_TYPE, {
        message: 'Compressed request bodies are not accepted',
      }),
    );
  const path = (req.url ?? '/').split('?')[0];
  if (FORM_ROUTES.some((p) => path.startsWith(p))) return next();
  if (req.is('application/json') !== 'application/json')
    return next(new AppError(CommonErrors.UNSUPPORTED_MEDIA_TYPE));
  next();
}
