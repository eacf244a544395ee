import type { NextFunction, Request, Response } from 'express';
import { httpRequestDuration } from './metrics.registry';

/** Records every HTTP request by route template (never the raw URL, to keep label cardinality bounded). */
export function httpMetricsMiddleware(req: Request, res: Response, next: NextFunction): void {
  const end = httpRequestDuration.startTimer();
  res.on('finish', () => {
    const route = req.route
      ? `${req.baseUrl}${String((req.route as { path: string }).path)}`
      : 'unmatched';
    end({ method: req.method, route, status: String(res.statusCode) });
  });
  next();
}
