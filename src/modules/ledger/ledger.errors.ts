import { HttpStatus } from '@nestjs/common';
import { errorCatalogue } from 'src/common/errors/error-catalogue';

/** The ledger errors: code → HTTP status and default message (see error-catalogue.ts). */
export const LedgerErrors = errorCatalogue({
  ENTRY_ALREADY_REVERSED: {
    status: HttpStatus.CONFLICT,
    message: 'This entry has already been reversed',
  },
  INSUFFICIENT_FUNDS: { status: HttpStatus.CONFLICT, message: 'Not enough available balance' },
  INVALID_ACCOUNT: {
    status: HttpStatus.BAD_REQUEST,
    message: 'This ledger account cannot be used here',
  },
  LEDGER_ACCOUNT_NOT_FOUND: { status: HttpStatus.NOT_FOUND, message: 'No such ledger account' },
  LEDGER_ENTRY_NOT_FOUND: { status: HttpStatus.NOT_FOUND, message: 'No such ledger entry' },
  LEDGER_INVALID_ENTRY: {
    status: HttpStatus.BAD_REQUEST,
    message: 'The ledger entry is not valid',
  },
});
