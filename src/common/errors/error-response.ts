import { CommonErrors } from './common.errors';

/** The contract's error body. */
export interface ErrorResponse {
  statusCode: number;
  code: string;
  message: string;
  requestId: string;
  details?: unknown[];
}

/** Default code per status for errors that carry none of their own (from the common catalogue). */
export const DEFAULT_CODES: Record<number, string> = Object.fromEntries(
  [
    CommonErrors.VALIDATION_FAILED,
    CommonErrors.UNAUTHORIZED,
    CommonErrors.FORBIDDEN,
    CommonErrors.NOT_FOUND,
    CommonErrors.METHOD_NOT_ALLOWED,
    CommonErrors.CONFLICT,
    CommonErrors.PAYLOAD_TOO_LARGE,
    CommonErrors.UNSUPPORTED_MEDIA_TYPE,
    CommonErrors.UNPROCESSABLE_ENTITY,
    CommonErrors.RATE_LIMITED,
    CommonErrors.INTERNAL_ERROR,
    CommonErrors.SERVICE_UNAVAILABLE,
  ].map((e) => [e.status, e.code]),
);
