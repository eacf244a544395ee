import type { Middleware } from './compose-middleware';

interface HeaderWriter {
  setHeader: (name: string, value: string | number | readonly string[]) => unknown;
  removeHeader: (name: string) => unknown;
}

/**
 * A middleware that only sets fixed response headers (helmet with static directives), run once at
 * boot against a recording response and replayed on every request: the same headers and values
 * without a dozen nested middleware calls per request. Boot fails if the middleware reads the
 * request, touches anything else on the response, or does not call `next()` at once without an
 * error, so a directive that depends on the request can never be frozen by mistake.
 */
export function frozenHeaders(mw: Middleware): Middleware<unknown, HeaderWriter> {
  const set: Array<[string, string | number | readonly string[]]> = [];
  const removed: string[] = [];
  const refuse = (what: string) => (): never => {
    throw new Error(`frozenHeaders: the middleware ${what}; it cannot be frozen`);
  };
  const req = new Proxy({}, { get: refuse('reads the request') });
  const recorder: HeaderWriter = {
    setHeader: (name, value) => set.push([name, value]),
    removeHeader: (name) => removed.push(name),
  };
  const res = new Proxy(recorder, {
    get: (target, key) =>
      key === 'setHeader' || key === 'removeHeader'
        ? target[key]
        : refuse(`uses res.${String(key)}`)(),
  });
  let nextCalled = false;
  mw(req, res, (err?: unknown) => {
    if (err !== undefined && err !== null) refuse('passes an error')();
    nextCalled = true;
  });
  if (!nextCalled) refuse('does not call next() synchronously')();
  return (_req, response, next) => {
    for (const [name, value] of set) response.setHeader(name, value);
    for (const name of removed) response.removeHeader(name);
    next();
  };
}
