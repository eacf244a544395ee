import { HttpStatus } from '@nestjs/common';
import { errorCatalogue } from 'src/common/errors/error-catalogue';

/** The payments errors: code → HTTP status and default message (see error-catalogue.ts). */
export const PaymentErrors = errorCatalogue({
  AMOUNT_ABOVE_MAXIMUM: {
    status: HttpStatus.BAD_REQUEST,
    message: 'The amount is above the gateway maximum',
  },
  CONFIGURED_AMOUNT_ABOVE_MAXIMUM: {
    code: 'AMOUNT_ABOVE_MAXIMUM',
    status: HttpStatus.UNPROCESSABLE_ENTITY,
    message: 'The amount is above the gateway maximum',
  },
  AMOUNT_BELOW_MINIMUM: {
    status: HttpStatus.BAD_REQUEST,
    message: 'The amount is below the gateway minimum',
  },
  /** The server's own configured amount (e.g. VERIFICATION_AMOUNT) is outside the gateway's range: not the caller's input. */
  CONFIGURED_AMOUNT_BELOW_MINIMUM: {
    code: 'AMOUNT_BELOW_MINIMUM',
    status: HttpStatus.UNPROCESSABLE_ENTITY,
    message: 'The amount is below the gateway minimum',
  },
  CIRCUIT_BREAKER_NOT_FOUND: {
    status: HttpStatus.NOT_FOUND,
    message: 'No circuit breaker by that name',
  },
  NOT_REFUNDABLE: {
    status: HttpStatus.CONFLICT,
    message: 'Only completed deposits, job payments and platform fees can be refunded',
  },
  PAYMENT_METHOD_NOT_ACTIVATED: {
    status: HttpStatus.UNPROCESSABLE_ENTITY,
    message: 'Payment method not activated',
  },
  UNKNOWN_PROVIDER: { status: HttpStatus.BAD_REQUEST, message: 'Unknown payment provider' },
  WEBHOOK_EVENT_NOT_FOUND: { status: HttpStatus.NOT_FOUND, message: 'Webhook event not found' },
  WEBHOOK_NOT_APPLIED: {
    status: HttpStatus.SERVICE_UNAVAILABLE,
    message: 'The event could not be applied; retry later',
  },
  WEBHOOK_NOT_RECORDED: {
    status: HttpStatus.SERVICE_UNAVAILABLE,
    message: 'The event could not be recorded; retry later',
  },
  PROVIDER_REJECTED: {
    status: HttpStatus.UNPROCESSABLE_ENTITY,
    message: 'The payment gateway refused the request',
  },
  PROVIDER_RESOURCE_NOT_FOUND: {
    status: HttpStatus.NOT_FOUND,
    message: 'The payment gateway does not know this resource',
  },
  PROVIDER_MISCONFIGURED: {
    status: HttpStatus.BAD_GATEWAY,
    message: 'The payment gateway refused our credentials',
  },
  INVALID_WEBHOOK_SIGNATURE: {
    status: HttpStatus.UNAUTHORIZED,
    message: 'Webhook signature is invalid',
  },
  INVALID_WEBHOOK_PAYLOAD: {
    status: HttpStatus.BAD_REQUEST,
    message: 'Webhook payload is not valid',
  },
});
