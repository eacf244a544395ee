import { HttpStatus } from '@nestjs/common';
import { errorCatalogue } from './error-catalogue';

/** The cross-cutting errors: code → HTTP status and default message (see error-catalogue.ts). */
export const CommonErrors = errorCatalogue({
  VALIDATION_FAILED: { status: HttpStatus.BAD_REQUEST, message: 'Request validation failed' },
  UNAUTHORIZED: { status: HttpStatus.UNAUTHORIZED, message: 'Authentication required' },
  FORBIDDEN: { status: HttpStatus.FORBIDDEN, message: 'You are not allowed to do this' },
  NOT_FOUND: { status: HttpStatus.NOT_FOUND, message: 'Not found' },
  METHOD_NOT_ALLOWED: { status: HttpStatus.METHOD_NOT_ALLOWED, message: 'Method not allowed' },
  CONFLICT: { status: HttpStatus.CONFLICT, message: 'Conflict' },
  PAYLOAD_TOO_LARGE: { status: HttpStatus.PAYLOAD_TOO_LARGE, message: 'Request body too large' },
  UNSUPPORTED_MEDIA_TYPE: {
    status: HttpStatus.UNSUPPORTED_MEDIA_TYPE,
    message: 'Request bodies must be application/json',
  },
  UNPROCESSABLE_ENTITY: {
    status: HttpStatus.UNPROCESSABLE_ENTITY,
    message: 'Unprocessable entity',
  },
  RATE_LIMITED: {
    status: HttpStatus.TOO_MANY_REQUESTS,
    message: 'Too many requests; try again later',
  },
  INTERNAL_ERROR: { status: HttpStatus.INTERNAL_SERVER_ERROR, message: 'Internal server error' },
  SERVICE_UNAVAILABLE: {
    status: HttpStatus.SERVICE_UNAVAILABLE,
    message: 'The service is temporarily unavailable; retry later',
  },
  INVALID_JSON: { status: HttpStatus.BAD_REQUEST, message: 'Request body is not valid JSON' },
  JSON_TOO_DEEP: { status: HttpStatus.BAD_REQUEST, message: 'Request body is nested too deeply' },
  BAD_REQUEST: { status: HttpStatus.BAD_REQUEST, message: 'Request body could not be read' },
  INVALID_PATH: {
    status: HttpStatus.BAD_REQUEST,
    message: 'Request path is not valid percent-encoded UTF-8',
  },
  ORIGIN_NOT_ALLOWED: {
    status: HttpStatus.FORBIDDEN,
    message: 'Cookie-authenticated requests must come from an allowed origin',
  },
  IDEMPOTENCY_KEY_INVALID: {
    status: HttpStatus.BAD_REQUEST,
    message: 'Idempotency-Key must be 1–255 printable characters',
  },
  IDEMPOTENCY_KEY_MISSING: {
    status: HttpStatus.BAD_REQUEST,
    message: 'The Idempotency-Key header is required',
  },
  IDEMPOTENCY_KEY_REUSED: {
    status: HttpStatus.UNPROCESSABLE_ENTITY,
    message: 'This Idempotency-Key was already used with a different request',
  },
  IDEMPOTENCY_REQUEST_IN_PROGRESS: {
    status: HttpStatus.CONFLICT,
    message: 'A request with this Idempotency-Key is still being processed',
  },
  PROVIDER_UNAVAILABLE: {
    status: HttpStatus.SERVICE_UNAVAILABLE,
    message: 'The payment gateway is unavailable; retry later',
  },
  INVALID_CURSOR: { status: HttpStatus.BAD_REQUEST, message: 'cursor is not valid' },
  REQUEST_FAILED: { status: HttpStatus.BAD_REQUEST, message: 'Bad request' },
});
