import { HttpStatus } from '@nestjs/common';
import { AppError, retryAfter } from 'src/common/errors/app-error';
import { CommonErrors } from 'src/common/errors/common.errors';
import type { ErrorDef } from 'src/common/errors/error-catalogue';
import { PaymentErrors } from '../payments.errors';
import type { PaymentProviderName } from './payment-provider';

/**
 * How a gateway call failed, which decides what the caller may do next:
 * - `unavailable`: the gateway did not process it (5xx, 429, connection refused, breaker open) — safe to
 *   report failure; nothing was created.
 * - `ambiguous`: the request may have reached the gateway (timeout or reset after sending) — never
 *   retried blindly; the local record stays pending and reconciliation resolves it.
 * - `rejected`: the gateway refused the request (4xx validation) — a caller or configuration problem.
 * - `not_found`: the resource does not exist at the gateway.
 * - `auth`: our credentials were refused — an operator problem.
 */
export type ProviderFailureKind = 'unavailable' | 'ambiguous' | 'rejected' | 'not_found' | 'auth';

/** Retry-After of a gateway 503 that names no wait of its own (the breaker's open window is longer). */
export const DEFAULT_RETRY_AFTER_SECONDS = 10;

export class ProviderError extends AppError {
  constructor(
    readonly provider: PaymentProviderName,
    readonly kind: ProviderFailureKind,
    /** The gateway's machine code, e.g. `parameter_below_minimum`; for logs, never shown raw. */
    readonly providerCode: string | null,
    message: string,
    retryAfterSeconds?: number,
  ) {
    const error = ProviderError.mapping(kind);
    // Every 503 tells the client when to come back, also before the breaker opens.
    const wait =
      retryAfterSeconds ??
      (error.status === HttpStatus.SERVICE_UNAVAILABLE ? DEFAULT_RETRY_AFTER_SECONDS : undefined);
    super(error, {
      message,
      details: providerCode ? [{ provider, providerCode }] : undefined,
      headers: wait === undefined ? undefined : retryAfter(wait),
    });
    this.name = 'ProviderError';
  }

  private static mapping(kind: ProviderFailureKind): ErrorDef {
    switch (kind) {
      case 'unavailable':
      case 'ambiguous':
        return CommonErrors.PROVIDER_UNAVAILABLE;
      case 'rejected':
        return PaymentErrors.PROVIDER_REJECTED;
      case 'not_found':
        return PaymentErrors.PROVIDER_RESOURCE_NOT_FOUND;
      case 'auth':
        return PaymentErrors.PROVIDER_MISCONFIGURED;
    }
  }

  /** Whether this failure says something about the gateway's health (counts toward its breaker). */
  get countsAsBreakerFailure(): boolean {
    return this.kind === 'unavailable' || this.kind === 'ambiguous';
  }
}

/** 401: bad/missing signature or token, stale timestamp, or mode mismatch. Nothing is stored. */
export class WebhookRejectedError extends AppError {
  constructor(readonly reason: string) {
    super(PaymentErrors.INVALID_WEBHOOK_SIGNATURE);
    this.name = 'WebhookRejectedError';
  }
}

/** 400: the (authentic) body is not something we can parse. */
export class WebhookPayloadError extends AppError {
  constructor(reason: string) {
    super(PaymentErrors.INVALID_WEBHOOK_PAYLOAD, { message: reason });
    this.name = 'WebhookPayloadError';
  }
}
