import { HttpStatus } from '@nestjs/common';
import { errorCatalogue } from 'src/common/errors/error-catalogue';

/** The users errors: code → HTTP status and default message (see error-catalogue.ts). */
export const UserErrors = errorCatalogue({
  EMAIL_TAKEN: {
    status: HttpStatus.CONFLICT,
    message: 'An account with this email already exists',
  },
});
