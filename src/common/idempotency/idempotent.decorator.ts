import { applyDecorators, SetMetadata, UseFilters, UseInterceptors } from '@nestjs/common';
import { ApiHeader } from '@nestjs/swagger';
import { IdempotencyInterceptor } from './idempotency.interceptor';
import { IdempotentReplayFilter } from './idempotent-replay';

export const IDEMPOTENT_OPTIONS = 'idempotency:options';

export interface IdempotentOptions {
  /** Reject requests without the header (400). Default false: the header is honoured when sent. */
  required?: boolean;
  /** How long a started request owns its key before another attempt may take over (crash recovery). */
  inFlightTtlSeconds?: number;
}

/**
 * Honours the contract's `Idempotency-Key` header on a route: scoped to the caller and route; same key
 * and body → the first response replayed byte for byte; different body → 422; still running → 409.
 */
export const Idempotent = (options: IdempotentOptions = {}) =>
  applyDecorators(
    SetMetadata(IDEMPOTENT_OPTIONS, options),
    UseInterceptors(IdempotencyInterceptor),
    UseFilters(IdempotentReplayFilter),
    ApiHeader({
      name: 'Idempotency-Key',
      required: options.required ?? false,
      description:
        '1–255 printable characters; retries with the same key replay the first response',
    }),
  );
