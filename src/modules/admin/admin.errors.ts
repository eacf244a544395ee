import { HttpStatus } from '@nestjs/common';
import { errorCatalogue } from 'src/common/errors/error-catalogue';

/** The admin errors: code → HTTP status and default message (see error-catalogue.ts). */
export const AdminErrors = errorCatalogue({
  JOB_NOT_SETTLED: {
    status: HttpStatus.CONFLICT,
    message: 'This job is still running: cancel it to return the escrowed money',
  },
  NOT_REFUNDABLE_TO_ORIGINAL: {
    status: HttpStatus.CONFLICT,
    message: 'This charge was paid from the wallet; refund it to the wallet',
  },
  REFUND_EXCEEDS_PAID: { status: HttpStatus.CONFLICT, message: 'Refund exceeds paid' },
});
