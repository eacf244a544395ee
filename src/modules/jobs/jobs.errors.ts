import { HttpStatus } from '@nestjs/common';
import { errorCatalogue } from 'src/common/errors/error-catalogue';

/** The jobs errors: code → HTTP status and default message (see error-catalogue.ts). */
export const JobErrors = errorCatalogue({
  EARNINGS_ALREADY_RELEASED: {
    status: HttpStatus.CONFLICT,
    message: 'These earnings were already released',
  },
  EARNINGS_NOT_PENDING: {
    status: HttpStatus.CONFLICT,
    message: 'Earnings exist only once the job is completed and fully paid',
  },
  INVALID_JOB_TRANSITION: { status: HttpStatus.CONFLICT, message: 'Invalid job transition' },
  INVALID_WORKER: {
    status: HttpStatus.BAD_REQUEST,
    message: 'workerId must be a WORKER or AGENCY user',
  },
  JOB_CANCELLED: {
    status: HttpStatus.CONFLICT,
    message: 'A cancelled job has no earnings to hold',
  },
  JOB_CHANGED: { status: HttpStatus.CONFLICT, message: 'The job changed meanwhile; retry' },
  JOB_NOT_FOUND: { status: HttpStatus.NOT_FOUND, message: 'Job not found' },
  NOT_ASSIGNED_WORKER: {
    status: HttpStatus.FORBIDDEN,
    message: 'Only the assigned worker can do this',
  },
  NOT_JOB_CLIENT: { status: HttpStatus.FORBIDDEN, message: 'Not job client' },
  PAYMENT_IN_PROGRESS: {
    status: HttpStatus.CONFLICT,
    message: 'A checkout for this payment is being created; retry in a moment',
  },
  PAYMENT_REJECTED: { status: HttpStatus.CONFLICT, message: 'The payment could not be applied' },
  WORKER_NOT_FOUND: { status: HttpStatus.NOT_FOUND, message: 'No such worker' },
});
