import type { Request } from 'express';
import { AppError } from '../errors/app-error';
import { cookieOriginCheck } from './cookie-origin-check';

const allowed = new Set(['https://app.iayos.example']);
const run = (req: Partial<Request>): unknown => {
  let out: unknown = 'not called';
  cookieOriginCheck(allowed)(
    { headers: {}, cookies: {}, method: 'POST', ...req } as Request,
    undefined,
    (err?: unknown) => (out = err),
  );
  return out;
};
const codeOf = (v: unknown) => (v instanceof AppError ? v.code : v);

describe('cookieOriginCheck', () => {
  const cookie = { cookies: { access: 'jwt' } };

  it('should refuse a cookie-authenticated write from another, a null or no origin', () => {
    expect(codeOf(run({ ...cookie, headers: { origin: 'https://evil.example' } }))).toBe(
      'ORIGIN_NOT_ALLOWED',
    );
    expect(codeOf(run({ ...cookie, headers: { origin: 'null' } }))).toBe('ORIGIN_NOT_ALLOWED');
    expect(codeOf(run({ ...cookie }))).toBe('ORIGIN_NOT_ALLOWED');
    expect(
      codeOf(
        run({
          cookies: { refresh: 'r' },
          method: 'DELETE',
          headers: { referer: 'https://evil.example/x' },
        }),
      ),
    ).toBe('ORIGIN_NOT_ALLOWED');
  });

  it('should pass an allowed Origin or Referer, reads, Bearer requests and requests without cookies', () => {
    expect(run({ ...cookie, headers: { origin: 'https://app.iayos.example' } })).toBeUndefined();
    expect(
      run({ ...cookie, headers: { referer: 'https://app.iayos.example/wallet?x=1' } }),
    ).toBeUndefined();
    expect(
      run({ ...cookie, method: 'GET', headers: { origin: 'https://evil.example' } }),
    ).toBeUndefined();
    expect(
      run({ ...cookie, headers: { authorization: 'Bearer t', origin: 'https://evil.example' } }),
    ).toBeUndefined();
    expect(run({ headers: { origin: 'https://evil.example' } })).toBeUndefined();
  });
});
