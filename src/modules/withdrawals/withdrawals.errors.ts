import { HttpStatus } from '@nestjs/common';
import { errorCatalogue } from 'src/common/errors/error-catalogue';

/** The withdrawals errors: code → HTTP status and default message (see error-catalogue.ts). */
export const WithdrawalErrors = errorCatalogue({
  PAYOUT_RAIL_UNAVAILABLE: {
    status: HttpStatus.UNPROCESSABLE_ENTITY,
    message: 'Payout rail unavailable',
  },
  WITHDRAWAL_LIMIT_EXCEEDED: { status: HttpStatus.CONFLICT, message: 'Withdrawal limit exceeded' },
  WITHDRAWAL_NOT_FOUND: { status: HttpStatus.NOT_FOUND, message: 'Withdrawal not found' },
  WITHDRAWAL_NOT_PENDING: { status: HttpStatus.CONFLICT, message: 'Withdrawal not pending' },
});
