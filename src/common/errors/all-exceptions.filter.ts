import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import * as Sentry from '@sentry/nestjs';
import type { Request, Response } from 'express';
import { DATABASE_RETRY_AFTER_S, DatabaseOutage } from '../database/database-outage';
import { requestIdOf } from '../http/request-id';
import { routeTemplate } from '../http/route-template';
import { AppError } from './app-error';
import { CommonErrors } from './common.errors';
import type { ErrorDef } from './error-catalogue';
import { DEFAULT_CODES, ErrorResponse } from './error-response';

interface BodyParserError {
  type?: string;
  status?: number;
  statusCode?: number;
}

/**
 * The one global filter: every error leaves as `{statusCode, code, message, requestId, details?}`.
 * Unexpected errors become a generic 500 (never a stack or internal message) and go to Sentry.
 * An unreachable database is not a bug: 503 SERVICE_UNAVAILABLE with Retry-After, logged once per
 * outage by DatabaseOutage instead of once per request.
 */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  constructor(private readonly outage: DatabaseOutage) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') return;
    const ctx = host.switchToHttp();
    const req = ctx.getRequest<Request>();
    const res = ctx.getResponse<Response>();
    const requestId = requestIdOf(req);
    if (this.outage.reportIfUnavailable(exception)) {
      if (res.headersSent) return;
      res.setHeader('Retry-After', String(DATABASE_RETRY_AFTER_S));
      const e = CommonErrors.SERVICE_UNAVAILABLE;
      res.status(e.status).json({
        statusCode: e.status,
        code: e.code,
        message: e.message,
        requestId,
      } satisfies ErrorResponse);
      return;
    }
    const body = this.toBody(exception, requestId, res);

    if (body.statusCode >= 500 && !(exception instanceof AppError)) {
      this.logger.error(
        {
          err: exception,
          requestId,
          route: routeTemplate(req),
        },
        'Unhandled error',
      );
      Sentry.withScope((scope) => {
        scope.setTag('request_id', requestId);
        const user = (req as Request & { user?: { id: string; role: string } }).user;
        if (user) scope.setUser({ id: user.id });
        Sentry.captureException(exception);
      });
    }
    if (res.headersSent) return;
    res.status(body.statusCode).json(body);
  }

  private toBody(exception: unknown, requestId: string, res: Response): ErrorResponse {
    if (exception instanceof AppError) {
      for (const [k, v] of Object.entries(exception.headers ?? {})) res.setHeader(k, v);
      return {
        statusCode: exception.status,
        code: exception.code,
        message: exception.message,
        requestId,
        ...(exception.details ? { details: exception.details } : {}),
      };
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const payload = exception.getResponse();
      let message = exception.message;
      let details: unknown[] | undefined;
      let code =
        DEFAULT_CODES[status] ??
        (status >= 500 ? CommonErrors.INTERNAL_ERROR.code : CommonErrors.REQUEST_FAILED.code);
      if (typeof payload === 'object' && payload !== null) {
        const p = payload as { message?: unknown; code?: unknown };
        if (Array.isArray(p.message)) {
          details = p.message;
          message = 'Request validation failed';
        } else if (typeof p.message === 'string') message = p.message;
        if (typeof p.code === 'string') code = p.code;
      }
      if (status >= 500) message = 'Internal server error';
      return { statusCode: status, code, message, requestId, ...(details ? { details } : {}) };
    }
    // body-parser errors (too large, malformed JSON) carry a status and a type.
    const bp = exception as BodyParserError;
    if (bp && typeof bp === 'object' && typeof bp.type === 'string') {
      const status = bp.status ?? bp.statusCode ?? 400;
      if (bp.type === 'entity.too.large') return bodyOf(CommonErrors.PAYLOAD_TOO_LARGE, requestId);
      if (bp.type === 'entity.parse.failed') return bodyOf(CommonErrors.INVALID_JSON, requestId);
      if (status >= 400 && status < 500)
        return {
          statusCode: status,
          code: DEFAULT_CODES[status] ?? CommonErrors.BAD_REQUEST.code,
          message: 'Bad request',
          requestId,
        };
    }
    return bodyOf(CommonErrors.INTERNAL_ERROR, requestId);
  }
}

function bodyOf(e: ErrorDef, requestId: string): ErrorResponse {
  return { statusCode: e.status, code: e.code, message: e.message, requestId };
}
