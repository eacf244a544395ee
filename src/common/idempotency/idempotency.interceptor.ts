import {
  CallHandler,
  ExecutionContext,
  Inject,
  Injectable,
  Logger,
  NestInterceptor,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Response } from 'express';
import { setTimeout as sleep } from 'node:timers/promises';
import { from, mergeMap, Observable } from 'rxjs';
import type { AppConfig } from 'src/config/app-config';
import { APP_CONFIG } from 'src/config/config.token';
import { crashPoint } from '../crash/crash-points';
import { DatabaseOutage } from '../database/database-outage';
import type { AuthedRequest } from '../decorators/current-user.decorator';
import { AppError } from '../errors/app-error';
import { requestFingerprint } from './canonical-json';
import { idempotencyContext } from './idempotency-context';
import { IdempotencyStore } from './idempotency.store';
import { IdempotentReplay } from './idempotent-replay';
import type { IdempotentOptions } from './idempotent.decorator';
import { CommonErrors } from '../errors/common.errors';

export const IDEMPOTENCY_HEADER = 'idempotency-key';
const KEY_FORMAT = /^[\x20-\x7e]{1,255}$/;
/** Outcomes worth replaying: successes and deterministic business refusals. Others free the key. */
const STORED_CLIENT_ERRORS = new Set([402, 409, 410, 422]);

@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  private readonly logger = new Logger('Idempotency');

  constructor(
    private readonly store: IdempotencyStore,
    private readonly reflector: Reflector,
    @Inject(APP_CONFIG) private readonly cfg: AppConfig,
    private readonly outage: DatabaseOutage,
  ) {}

  intercept(ctx: ExecutionContext, next: CallHandler): Observable<unknown> {
    const options =
      this.reflector.get<IdempotentOptions | undefined>('idempotency:options', ctx.getHandler()) ??
      {};
    const req = ctx.switchToHttp().getRequest<AuthedRequest>();
    const res = ctx.switchToHttp().getResponse<Response>();
    const raw = req.headers[IDEMPOTENCY_HEADER];
    if (raw === undefined) {
      if (options.required) throw new AppError(CommonErrors.IDEMPOTENCY_KEY_MISSING);
      return next.handle();
    }
    if (typeof raw !== 'string' || !KEY_FORMAT.test(raw))
      throw new AppError(CommonErrors.IDEMPOTENCY_KEY_INVALID);
    // Keys never cross callers: the user, or for public routes the client address.
    const scope = req.user ? `user:${req.user.id}` : `ip:${req.ip ?? 'unknown'}`;
    const routePath = (req.route as { path?: string } | undefined)?.path ?? req.path;
    const route = `${req.method} ${routePath}`;
    const fingerprint = requestFingerprint(req.method, req.path, req.body);
    const ttlMs = (options.inFlightTtlSeconds ?? this.cfg.idempotency.leaseSeconds) * 1000;

    return from(this.store.begin(scope, route, raw, fingerprint, ttlMs)).pipe(
      mergeMap((outcome) => {
        switch (outcome.kind) {
          case 'replay':
            throw new IdempotentReplay(outcome.response);
          case 'mismatch':
            throw new AppError(CommonErrors.IDEMPOTENCY_KEY_REUSED);
          case 'in_progress':
            throw new AppError(CommonErrors.IDEMPOTENCY_REQUEST_IN_PROGRESS, {
              headers: { 'Retry-After': '1' },
            });
          case 'proceed':
            // Background retries of the key's final write stop before the lease ends, so they can
            // never touch a key another attempt has taken over.
            this.captureResponse(res, outcome.id, Date.now() + ttlMs - 1_000);
            // The handler's unit of work records its committed effects on this key (ADR 0060).
            return idempotencyContext.run({ keyId: outcome.id }, () => next.handle());
        }
      }),
    );
  }

  /**
   * Stores the response exactly as it is about to be sent (success or error), before it leaves, so a
   * retry that arrives after the client saw the answer always finds it.
   */
  private captureResponse(res: Response, id: string, retryUntil: number): void {
    const originalSend = res.send.bind(res) as (body?: unknown) => Response;
    res.send = ((body?: unknown): Response => {
      res.send = originalSend as Response['send'];
      const status = res.statusCode;
      const store = (status >= 200 && status < 300) || STORED_CLIENT_ERRORS.has(status);
      const text =
        typeof body === 'string'
          ? body
          : Buffer.isBuffer(body)
            ? body.toString('utf8')
            : body === undefined
              ? ''
              : JSON.stringify(body);
      const contentType = res.getHeader('content-type');
      if (store) crashPoint('before-key-complete', true);
      const persist = store
        ? () =>
            this.store.complete(id, {
              status,
              contentType: typeof contentType === 'string' ? contentType : null,
              body: text,
            })
        : () => this.store.release(id);
      void persist()
        .catch((err: unknown) => {
          // An unreachable database is the outage DatabaseOutage logs once per transition; only
          // anything else is this request's own error (one line, no stack).
          if (!this.outage.reportIfUnavailable(err))
            this.logger.error(`could not record idempotent response: ${messageOf(err)}`);
          // Keep trying in the background (a database restart): the key must not stay claimed.
          void this.persistLater(persist, retryUntil);
        })
        .finally(() => originalSend(body));
      return res;
    }) as Response['send'];
  }

  private async persistLater(persist: () => Promise<void>, deadline: number): Promise<void> {
    for (let wait = 500; Date.now() + wait < deadline; wait = Math.min(wait * 2, 5_000)) {
      await sleep(wait);
      try {
        await persist();
        return;
      } catch {
        /* still failing: the next attempt logs nothing more; the lease still ends the claim */
      }
    }
    // Still down after the whole lease: the outage's own lines already say so.
    if (!this.outage.isDown)
      this.logger.warn('gave up recording an idempotent response; its lease will free the key');
  }
}

const messageOf = (err: unknown) => (err instanceof Error ? err.message : String(err));
