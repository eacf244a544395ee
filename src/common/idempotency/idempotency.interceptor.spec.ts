import { Logger, type CallHandler, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { lastValueFrom, of } from 'rxjs';
import type { AppConfig } from 'src/config/app-config';
import { DatabaseOutage } from '../database/database-outage';
import { idempotencyContext } from './idempotency-context';
import { IdempotencyInterceptor } from './idempotency.interceptor';
import type { IdempotencyStore } from './idempotency.store';

/**
 * The branch e2e cannot reach cheaply: the database refuses the key's release (a restart) right after
 * a failed request. The interceptor must keep trying in the background, so the key is not left
 * claimed for a whole lease. The store is the database boundary, so it is the part replaced here.
 */
describe('IdempotencyInterceptor', () => {
  let outage: DatabaseOutage;
  beforeEach(() => (outage = new DatabaseOutage()));
  afterEach(() => {
    outage.onApplicationShutdown();
    jest.restoreAllMocks();
  });

  function harness(release: jest.Mock, complete = jest.fn().mockResolvedValue(undefined)) {
    const store = {
      begin: jest.fn().mockResolvedValue({ kind: 'proceed', id: '42' }),
      complete,
      release,
    } as unknown as IdempotencyStore;
    const cfg = { idempotency: { leaseSeconds: 60 } } as AppConfig;
    const interceptor = new IdempotencyInterceptor(store, new Reflector(), cfg, outage);
    const sent: unknown[] = [];
    const res = {
      statusCode: 200,
      send: (body: unknown) => {
        sent.push(body);
        return res;
      },
      getHeader: () => 'application/json',
    };
    const req = {
      headers: { 'idempotency-key': 'k-1' },
      method: 'POST',
      path: '/api/wallet/withdraw',
      body: { amount: 1 },
      user: { id: 'u1' },
    };
    const ctx = {
      getHandler: () => () => undefined,
      switchToHttp: () => ({ getRequest: () => req, getResponse: () => res }),
    } as unknown as ExecutionContext;
    return { interceptor, ctx, res, sent };
  }

  const until = async (cond: () => boolean) => {
    const deadline = Date.now() + 20_000;
    while (!cond() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    return cond();
  };

  it('should run the handler inside the key context', async () => {
    const { interceptor, ctx } = harness(jest.fn());
    const next: CallHandler = { handle: () => of(idempotencyContext.getStore()?.keyId) };
    expect(await lastValueFrom(interceptor.intercept(ctx, next))).toBe('42');
  });

  it('should send a 5xx at once and keep retrying the key release until the database takes it', async () => {
    const release = jest
      .fn()
      .mockRejectedValueOnce(new Error('Connection terminated'))
      .mockRejectedValueOnce(new Error('Connection terminated'))
      .mockResolvedValue(undefined);
    const { interceptor, ctx, res, sent } = harness(release);
    await lastValueFrom(interceptor.intercept(ctx, { handle: () => of(null) }));
    res.statusCode = 503;
    res.send('{"code":"SERVICE_UNAVAILABLE"}');
    expect(await until(() => sent.length === 1)).toBe(true);
    expect(await until(() => release.mock.calls.length === 3)).toBe(true);
    expect(release.mock.calls.every(([id]) => id === '42')).toBe(true);
  });

  /** Sends `n` answers through the interceptor, each storing or releasing its key. */
  const answer = async (h: ReturnType<typeof harness>, n: number, status: number) => {
    const before = h.sent.length;
    for (let i = 0; i < n; i++) {
      await lastValueFrom(h.interceptor.intercept(h.ctx, { handle: () => of(null) }));
      h.res.statusCode = status;
      h.res.send('{}');
    }
    return until(() => h.sent.length === before + n);
  };

  it('should log a database outage once (the transition), not once per request, and no stack', async () => {
    const error = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const refused = () =>
      Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    const complete = jest.fn().mockImplementation(() => Promise.reject(refused()));
    const release = jest.fn().mockImplementation(() => Promise.reject(refused()));
    const h = harness(release, complete);
    expect(await answer(h, 5, 201)).toBe(true);
    expect(await answer(h, 5, 503)).toBe(true);
    expect(outage.isDown).toBe(true);
    expect(error).not.toHaveBeenCalled();
    expect(warn.mock.calls.map(([m]) => String(m))).toEqual([
      expect.stringMatching(/^PostgreSQL is unreachable \(ECONNREFUSED\)/),
    ]);
    // The database is back: the background retries store every key, and the outage ends.
    complete.mockResolvedValue(undefined);
    release.mockResolvedValue(undefined);
    expect(
      await until(() => complete.mock.calls.length >= 10 && release.mock.calls.length >= 10),
    ).toBe(true);
    outage.reachable();
    // A failure that is not the database is this request's own error: one line, no stack.
    complete.mockRejectedValueOnce(new Error('value too long'));
    expect(await answer(h, 1, 201)).toBe(true);
    expect(await until(() => error.mock.calls.length === 1)).toBe(true);
    expect(error.mock.calls[0]).toEqual(['could not record idempotent response: value too long']);
  });
});
