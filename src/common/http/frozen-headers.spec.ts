import helmet from 'helmet';
import type { Middleware } from './compose-middleware';
import { frozenHeaders } from './frozen-headers';

function recordingResponse() {
  const calls: string[] = [];
  return {
    calls,
    setHeader: (name: string, value: unknown) => calls.push(`set ${name}: ${String(value)}`),
    removeHeader: (name: string) => calls.push(`remove ${name}`),
  };
}

describe('frozenHeaders', () => {
  it('sets exactly the headers helmet sets, every time', () => {
    const live = helmet({
      contentSecurityPolicy: { useDefaults: false, directives: { defaultSrc: ["'self'"] } },
      frameguard: { action: 'deny' },
    }) as Middleware;
    const direct = recordingResponse();
    live({ headers: {} }, direct, () => undefined);
    const frozen = frozenHeaders(live);
    for (let i = 0; i < 2; i++) {
      const res = recordingResponse();
      let nexts = 0;
      frozen({}, res, () => nexts++);
      expect(nexts).toBe(1);
      expect([...res.calls].sort()).toEqual([...direct.calls].sort());
    }
    expect(direct.calls).toContain("set Content-Security-Policy: default-src 'self'");
    expect(direct.calls).toContain('set X-Frame-Options: DENY');
  });

  it('refuses a middleware that depends on the request', () => {
    const byPath: Middleware = (req, res, next) => {
      if ((req as { path: string }).path === '/x')
        (res as { setHeader(n: string, v: string): void }).setHeader('A', 'b');
      next();
    };
    expect(() => frozenHeaders(byPath)).toThrow('reads the request');
  });

  it('refuses a middleware that calls next later or with an error', () => {
    expect(() => frozenHeaders((_q, _s, next) => setImmediate(next))).toThrow(
      'does not call next()',
    );
    expect(() => frozenHeaders((_q, _s, next) => next(new Error('no')))).toThrow('passes an error');
  });
});
