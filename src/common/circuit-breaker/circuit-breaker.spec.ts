import { AppError } from '../errors/app-error';
import {
  DEFAULT_BREAKER_POLICY,
  NamedCircuitBreaker,
  providerUnavailable,
} from './circuit-breaker';

class Harmless extends Error {
  readonly countsAsBreakerFailure = false;
}
const isHarmless = (e: unknown) =>
  (e as { countsAsBreakerFailure?: boolean }).countsAsBreakerFailure === false;

const ok = () => Promise.resolve('ok');
const boom = () => Promise.reject(new Error('boom'));

describe('NamedCircuitBreaker', () => {
  let b: NamedCircuitBreaker;
  beforeEach(() => {
    jest.useFakeTimers();
    b = new NamedCircuitBreaker('test', DEFAULT_BREAKER_POLICY, isHarmless, providerUnavailable);
  });
  afterEach(() => {
    b.shutdown();
    jest.useRealTimers();
  });

  it('should open after 5 consecutive failures and then fail fast with 503 + Retry-After', async () => {
    for (let i = 0; i < 4; i++) await expect(b.fire(boom)).rejects.toThrow('boom');
    expect(b.state).toBe('closed');
    expect(b.status().failure_count).toBe(4);
    await expect(b.fire(boom)).rejects.toThrow('boom');
    expect(b.state).toBe('open');
    let calls = 0;
    const err = await b
      .fire(() => {
        calls++;
        return ok();
      })
      .catch((e: unknown) => e);
    expect(calls).toBe(0);
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).status).toBe(503);
    expect((err as AppError).code).toBe('PROVIDER_UNAVAILABLE');
    expect((err as AppError).headers).toEqual({ 'Retry-After': '60' });
  });

  it('should reset the consecutive count on success and ignore harmless errors', async () => {
    for (let i = 0; i < 4; i++) await expect(b.fire(boom)).rejects.toThrow();
    await b.fire(ok);
    for (let i = 0; i < 4; i++) await expect(b.fire(boom)).rejects.toThrow();
    for (let i = 0; i < 10; i++)
      await expect(b.fire(() => Promise.reject(new Harmless('4xx')))).rejects.toThrow('4xx');
    expect(b.state).toBe('closed');
  });

  it('should open when at least half of 10+ calls in the window failed', async () => {
    for (let i = 0; i < 4; i++) {
      await b.fire(ok);
      await expect(b.fire(boom)).rejects.toThrow();
    }
    await b.fire(ok);
    expect(b.state).toBe('closed'); // 4 of 9
    await expect(b.fire(boom)).rejects.toThrow(); // 5 of 10
    expect(b.state).toBe('open');
  });

  it('should half-open after 60 s, close on a good probe, re-open on a bad one', async () => {
    for (let i = 0; i < 5; i++) await expect(b.fire(boom)).rejects.toThrow();
    jest.advanceTimersByTime(59_000);
    expect(b.state).toBe('open');
    jest.advanceTimersByTime(1_000);
    expect(b.state).toBe('half_open');
    await expect(b.fire(boom)).rejects.toThrow('boom');
    expect(b.state).toBe('open');
    jest.advanceTimersByTime(60_000);
    expect(b.state).toBe('half_open');
    await expect(b.fire(ok)).resolves.toBe('ok');
    expect(b.state).toBe('closed');
  });

  it('should close on reset and forget the old window', async () => {
    for (let i = 0; i < 5; i++) await expect(b.fire(boom)).rejects.toThrow();
    expect(b.state).toBe('open');
    b.reset();
    expect(b.status()).toMatchObject({ state: 'closed', failure_count: 0, window: { calls: 0 } });
    await expect(b.fire(ok)).resolves.toBe('ok');
  });
});
