import { AsyncLocalStorage } from 'node:async_hooks';

/** The Idempotency-Key record the current request runs under (set by the interceptor). */
export interface IdempotencyContext {
  keyId: string;
}

export const idempotencyContext = new AsyncLocalStorage<IdempotencyContext>();
