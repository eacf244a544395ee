import { HttpStatus } from '@nestjs/common';
import { errorCatalogue } from 'src/common/errors/error-catalogue';

/** The health errors: code → HTTP status and default message (see error-catalogue.ts). */
export const HealthErrors = errorCatalogue({
  NOT_READY: {
    status: HttpStatus.SERVICE_UNAVAILABLE,
    message: 'A required dependency is unavailable',
  },
  SHUTTING_DOWN: {
    status: HttpStatus.SERVICE_UNAVAILABLE,
    message: 'Shutting down: not taking new traffic',
  },
});
