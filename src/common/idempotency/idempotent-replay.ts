import { ArgumentsHost, Catch, ExceptionFilter } from '@nestjs/common';
import type { Response } from 'express';
import type { StoredResponse } from './idempotency.store';

/** Thrown by the interceptor to short-circuit a request with the stored first response. */
export class IdempotentReplay extends Error {
  constructor(readonly response: StoredResponse) {
    super('idempotent replay');
    this.name = 'IdempotentReplay';
  }
}

/** Writes a stored response back byte for byte, marked `Idempotent-Replayed: true`. */
@Catch(IdempotentReplay)
export class IdempotentReplayFilter implements ExceptionFilter {
  catch(replay: IdempotentReplay, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    const { status, contentType, body } = replay.response;
    res.status(status);
    res.setHeader('Idempotent-Replayed', 'true');
    if (contentType) res.setHeader('Content-Type', contentType);
    res.send(Buffer.from(body, 'utf8'));
  }
}
