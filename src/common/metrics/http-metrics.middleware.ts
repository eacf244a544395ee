import type { NextFunction, Request, Response } from 'express';
import { routeTemplate } from '../http/route-template';
import { httpRequestDuration } from './metrics.registry';

/** Records every HTTP request by route template (never the raw URL, to keep label cardinality bounded). */
export function httpMetricsMiddleware(req: Request, res: Response, next: NextFunction): void {
  const end = httpRequestDuration.startTimer();
  res.on('finish', () => {
    end({ method: req.method, route: routeTemplate(req), status: String(res.statusCode) });
  });
  next();
}
