import { HttpStatus } from '@nestjs/common';

/**
 * A failure the caller can act on: a stable UPPER_SNAKE `code`, an HTTP status and a safe message.
 * Services throw these; the global filter turns them into the contract's error shape.
 */
export class AppError extends Error {
  constructor(
    readonly status: HttpStatus,
    readonly code: string,
    message: string,
    readonly details?: unknown[],
    /** Extra response headers, e.g. Retry-After. */
    readonly headers?: Record<string, string>,
  ) {
    super(message);
    this.name = 'AppError';
  }

  static badRequest(code: string, message: string, details?: unknown[]) {
    return new AppError(HttpStatus.BAD_REQUEST, code, message, details);
  }
  static unauthorized(code = 'UNAUTHORIZED', message = 'Authentication required') {
    return new AppError(HttpStatus.UNAUTHORIZED, code, message);
  }
  static forbidden(code = 'FORBIDDEN', message = 'You are not allowed to do this') {
    return new AppError(HttpStatus.FORBIDDEN, code, message);
  }
  static notFound(code: string, message: string) {
    return new AppError(HttpStatus.NOT_FOUND, code, message);
  }
  static conflict(code: string, message: string) {
    return new AppError(HttpStatus.CONFLICT, code, message);
  }
  static unprocessable(code: string, message: string) {
    return new AppError(HttpStatus.UNPROCESSABLE_ENTITY, code, message);
  }
  static unavailable(code: string, message: string, retryAfterSeconds?: number) {
    return new AppError(
      HttpStatus.SERVICE_UNAVAILABLE,
      code,
      message,
      undefined,
      retryAfterSeconds === undefined ? undefined : { 'Retry-After': String(retryAfterSeconds) },
    );
  }
}
