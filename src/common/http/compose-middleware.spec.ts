import { composeMiddleware, type Middleware } from './compose-middleware';

type Trace = string[];
const step =
  (name: string): Middleware<Trace, unknown> =>
  (trace, _res, next) => {
    trace.push(name);
    next();
  };

describe('composeMiddleware', () => {
  it('runs every middleware in order, then continues once', () => {
    const trace: Trace = [];
    const next = jest.fn();
    composeMiddleware([step('a'), step('b'), step('c')])(trace, {}, next);
    expect(trace).toEqual(['a', 'b', 'c']);
    expect(next).toHaveBeenCalledTimes(1);
    expect(next).toHaveBeenCalledWith();
  });

  it('hands the first error on and skips the rest, like Express', () => {
    const trace: Trace = [];
    const next = jest.fn();
    const boom = new Error('boom');
    const failing: Middleware<Trace, unknown> = (t, _res, n) => {
      t.push('fail');
      n(boom);
    };
    composeMiddleware([step('a'), failing, step('c')])(trace, {}, next);
    expect(trace).toEqual(['a', 'fail']);
    expect(next).toHaveBeenCalledTimes(1);
    expect(next).toHaveBeenCalledWith(boom);
  });

  it('turns a throw into next(err)', () => {
    const boom = new Error('thrown');
    const next = jest.fn();
    const throwing: Middleware<Trace, unknown> = () => {
      throw boom;
    };
    const trace: Trace = [];
    composeMiddleware([throwing, step('never')])(trace, {}, next);
    expect(trace).toEqual([]);
    expect(next).toHaveBeenCalledWith(boom);
  });

  it('waits for a middleware that continues later', async () => {
    const trace: Trace = [];
    const later: Middleware<Trace, unknown> = (t, _res, n) => {
      setImmediate(() => {
        t.push('later');
        n();
      });
    };
    await new Promise<void>((resolve) =>
      composeMiddleware([later, step('after')])(trace, {}, () => resolve()),
    );
    expect(trace).toEqual(['later', 'after']);
  });

  it('reuses nothing between requests', () => {
    const mw = composeMiddleware([step('a'), step('b')]);
    const first: Trace = [];
    const second: Trace = [];
    mw(first, {}, () => undefined);
    mw(second, {}, () => undefined);
    expect(first).toEqual(['a', 'b']);
    expect(second).toEqual(['a', 'b']);
  });
});
