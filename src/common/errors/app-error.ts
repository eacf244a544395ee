import type { HttpStatus } from '@nestjs/common';
import type { ErrorDef } from './error-catalogue';

export interface AppErrorOptions {
  /** Overrides the catalogue's default message, e.g. to name the bound that was crossed. */
  message?: string;
  details?: unknown[];
  /** Extra response headers, e.g. Retry-After. */
  headers?: Record<string, string>;
}

/**
 * A failure the caller can act on, built from a catalogue entry (`<module>.errors.ts`): the entry
 * fixes the stable UPPER_SNAKE `code` and the HTTP status; the throw site may add a more precise
 * message, details and headers. The global filter turns it into the contract's error shape.
 */
export class AppError extends Error {
  readonly status: HttpStatus;
  readonly code: string;
  readonly details?: unknown[];
  readonly headers?: Record<string, string>;

  constructor(error: ErrorDef, opts: AppErrorOptions = {}) {
    super(opts.message ?? error.message);
    this.name = 'AppError';
    this.status = error.status;
    this.code = error.code;
    this.details = opts.details;
    this.headers = opts.headers;
  }
}

/** The Retry-After header of a 503/429, in whole seconds. */
export function retryAfter(seconds: number): Record<string, string> {
  return { 'Retry-After': String(seconds) };
}
