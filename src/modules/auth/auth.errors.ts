import { HttpStatus } from '@nestjs/common';
import { errorCatalogue } from 'src/common/errors/error-catalogue';

/** The auth errors: code → HTTP status and default message (see error-catalogue.ts). */
export const AuthErrors = errorCatalogue({
  ACCOUNT_DISABLED: { status: HttpStatus.UNAUTHORIZED, message: 'This account is disabled' },
  INVALID_CREDENTIALS: { status: HttpStatus.UNAUTHORIZED, message: 'Invalid email or password' },
  INVALID_REFRESH_TOKEN: {
    status: HttpStatus.UNAUTHORIZED,
    message: 'Refresh token is invalid or expired',
  },
  REFRESH_TOKEN_REUSED: {
    status: HttpStatus.UNAUTHORIZED,
    message: 'Refresh token was already used; please sign in again',
  },
});
