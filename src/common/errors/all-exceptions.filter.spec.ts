import type { ArgumentsHost } from '@nestjs/common';
import * as Sentry from '@sentry/nestjs';
import { AppError } from './app-error';
import { AllExceptionsFilter } from './all-exceptions.filter';
import { DatabaseOutage } from '../database/database-outage';
import { CommonErrors } from './common.errors';

const scope = { setTag: jest.fn(), setUser: jest.fn() };
jest.mock('@sentry/nestjs', () => ({
  withScope: jest.fn((fn: (s: unknown) => void) => fn(scope)),
  captureException: jest.fn(),
}));

const outage = new DatabaseOutage();

function run(exception: unknown, user?: { id: string; role: string }) {
  const res = {
    headersSent: false,
    statusCode: 0,
    body: undefined as unknown,
    headers: {} as Record<string, string>,
    setHeader(k: string, v: string) {
      this.headers[k] = v;
    },
    status(code: number) {
      this.statusCode = code;
      return this;
    },
    json(body: unknown) {
      this.body = body;
    },
  };
  const req = { id: 'req-123', path: '/x', user };
  const host = {
    getType: () => 'http',
    switchToHttp: () => ({ getRequest: () => req, getResponse: () => res }),
  } as unknown as ArgumentsHost;
  const filter = new AllExceptionsFilter(outage);
  // Silence the error log line in test output.
  (filter as unknown as { logger: { error: () => void } }).logger = { error: () => undefined };
  filter.catch(exception, host);
  return res;
}

describe('AllExceptionsFilter', () => {
  beforeEach(() => jest.clearAllMocks());

  it('should turn an unexpected error into a generic 500 and send it to Sentry with request id and user', () => {
    const err = new Error(
      'duplicate key value violates unique constraint "users_pkey" at /srv/app.js:1',
    );
    const res = run(err, { id: 'user-9', role: 'CLIENT' });
    expect(res.statusCode).toBe(500);
    expect(res.body).toEqual({
      statusCode: 500,
      code: 'INTERNAL_ERROR',
      message: 'Internal server error',
      requestId: 'req-123',
    });
    expect(JSON.stringify(res.body)).not.toMatch(/users_pkey|app\.js|stack/);
    expect(Sentry.captureException).toHaveBeenCalledWith(err);
    expect(scope.setTag).toHaveBeenCalledWith('request_id', 'req-123');
    expect(scope.setUser).toHaveBeenCalledWith({ id: 'user-9' });
  });

  it('should render AppError with its code, details and headers and not report it', () => {
    const res = run(
      new AppError(CommonErrors.RATE_LIMITED, {
        message: 'Too many',
        details: [{ a: 1 }],
        headers: { 'Retry-After': '7' },
      }),
    );
    expect(res.statusCode).toBe(429);
    expect(res.headers['Retry-After']).toBe('7');
    expect(res.body).toEqual({
      statusCode: 429,
      code: 'RATE_LIMITED',
      message: 'Too many',
      requestId: 'req-123',
      details: [{ a: 1 }],
    });
    expect(Sentry.captureException).not.toHaveBeenCalled();
  });

  it('should answer 503 SERVICE_UNAVAILABLE with Retry-After when the database is unreachable, without logging or reporting each request', () => {
    const logged = jest.spyOn(
      (outage as unknown as { logger: { warn: (m: string) => void } }).logger,
      'warn',
    );
    logged.mockImplementation(() => undefined);
    const terminated = Object.assign(
      new Error('terminating connection due to administrator command'),
      { code: '57P01' },
    );
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), {
      code: 'ECONNREFUSED',
    });
    const wrapped = Object.assign(new Error('query failed'), { driverError: terminated });
    for (const err of [
      terminated,
      refused,
      wrapped,
      new Error('Connection terminated unexpectedly'),
    ]) {
      const res = run(err);
      expect(res.statusCode).toBe(503);
      expect(res.headers['Retry-After']).toBe('5');
      expect(res.body).toEqual({
        statusCode: 503,
        code: 'SERVICE_UNAVAILABLE',
        message: expect.any(String),
        requestId: 'req-123',
      });
    }
    expect(Sentry.captureException).not.toHaveBeenCalled();
    // One line for the outage, not one per request.
    expect(logged).toHaveBeenCalledTimes(1);
    expect(outage.isDown).toBe(true);
    outage.reachable();
    expect(outage.isDown).toBe(false);
    expect(run(new Error('syntax error at or near "SELEC"')).statusCode).toBe(500);
    // TypeORM's released-runner error is a lost connection only right after one was seen.
    const released = Object.assign(new Error('Query runner already released'), {
      name: 'QueryRunnerAlreadyReleasedError',
    });
    expect(run(released).statusCode).toBe(503);
    const fresh = new DatabaseOutage();
    expect(fresh.reportIfUnavailable(released)).toBe(false);
    outage.reachable();
    logged.mockRestore();
  });
});
