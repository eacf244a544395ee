import { HttpStatus } from '@nestjs/common';
import { errorCatalogue } from 'src/common/errors/error-catalogue';

/** The scheduling errors: code → HTTP status and default message (see error-catalogue.ts). */
export const SchedulingErrors = errorCatalogue({
  SCHEDULED_JOB_NOT_FOUND: { status: HttpStatus.NOT_FOUND, message: 'Scheduled job not found' },
});
