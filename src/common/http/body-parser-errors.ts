import type { NextFunction, Request, Response } from 'express';
import { AppError } from '../errors/app-error';
import { CommonErrors } from '../errors/common.errors';

/**
 * Express error middleware placed right after the body parsers: turns their errors into AppErrors
 * with stable codes (Nest would otherwise map them to a generic 400 carrying the parser's message).
 */
export function bodyParserErrors(err: unknown, _req: Request, _res: Response, next: NextFunction) {
  const type = (err as { type?: unknown } | null)?.type;
  if (type === 'entity.parse.failed') return next(new AppError(CommonErrors.INVALID_JSON));
  if (type === 'entity.too.large') return next(new AppError(CommonErrors.PAYLOAD_TOO_LARGE));
  if (type === 'encoding.unsupported' || type === 'charset.unsupported')
    return next(
      new AppError(CommonErrors.UNSUPPORTED_MEDIA_TYPE, { message: 'Unsupported body encoding' }),
    );
  if (typeof type === 'string' && type.startsWith('request.'))
    return next(new AppError(CommonErrors.BAD_REQUEST));
  next(err);
}
