import type { NextFunction, Request, Response } from 'express';
import { AppError } from '../errors/app-error';

/**
 * Express error middleware placed right after the body parsers: turns their errors into AppErrors
 * with stable codes (Nest would otherwise map them to a generic 400 carrying the parser's message).
 */
export function bodyParserErrors(err: unknown, _req: Request, _res: Response, next: NextFunction) {
  const type = (err as { type?: unknown } | null)?.type;
  if (type === 'entity.parse.failed')
    return next(new AppError(400, 'INVALID_JSON', 'Request body is not valid JSON'));
  if (type === 'entity.too.large')
    return next(new AppError(413, 'PAYLOAD_TOO_LARGE', 'Request body too large'));
  if (type === 'encoding.unsupported' || type === 'charset.unsupported')
    return next(new AppError(415, 'UNSUPPORTED_MEDIA_TYPE', 'Unsupported body encoding'));
  if (typeof type === 'string' && type.startsWith('request.'))
    return next(new AppError(400, 'BAD_REQUEST', 'Request body could not be read'));
  next(err);
}
