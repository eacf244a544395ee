import { HttpStatus } from '@nestjs/common';
import { errorCatalogue } from 'src/common/errors/error-catalogue';

/** The verification errors: code → HTTP status and default message (see error-catalogue.ts). */
export const VerificationErrors = errorCatalogue({
  INVALID_ACCOUNT_NUMBER: {
    status: HttpStatus.BAD_REQUEST,
    message: 'Bank account numbers have 8 to 20 digits',
  },
  PAYMENT_METHOD_EXISTS: {
    status: HttpStatus.CONFLICT,
    message: 'This account is already saved and verified',
  },
  PAYMENT_METHOD_IN_USE: {
    status: HttpStatus.CONFLICT,
    message: 'A withdrawal to this account is still pending',
  },
  PAYMENT_METHOD_NOT_FOUND: { status: HttpStatus.NOT_FOUND, message: 'Payment method not found' },
  PAYMENT_METHOD_NOT_VERIFIED: {
    status: HttpStatus.CONFLICT,
    message: 'Only verified payment methods can be primary',
  },
  UNKNOWN_BANK_CODE: {
    status: HttpStatus.BAD_REQUEST,
    message: 'Unknown bankCode; GET /api/payment-methods/banks lists the supported banks',
  },
  VERIFICATION_CLOSED: {
    status: HttpStatus.CONFLICT,
    message: 'This verification attempt was closed',
  },
  VERIFICATION_LIMIT_REACHED: {
    status: HttpStatus.TOO_MANY_REQUESTS,
    message: 'Too many verification attempts today; try again tomorrow',
  },
});
