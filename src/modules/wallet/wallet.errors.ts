import { HttpStatus } from '@nestjs/common';
import { errorCatalogue } from 'src/common/errors/error-catalogue';

/** The wallet errors: code → HTTP status and default message (see error-catalogue.ts). */
export const WalletErrors = errorCatalogue({
  INVALID_AMOUNT: {
    status: HttpStatus.BAD_REQUEST,
    message: 'amount must be a positive integer of centavos',
  },
  INVALID_STATUS: {
    status: HttpStatus.BAD_REQUEST,
    message: 'status must be FAILED, EXPIRED or CANCELLED',
  },
  TRANSACTION_NOT_FOUND: { status: HttpStatus.NOT_FOUND, message: 'Transaction not found' },
  TRANSACTION_NOT_PENDING: { status: HttpStatus.CONFLICT, message: 'Transaction not pending' },
});
