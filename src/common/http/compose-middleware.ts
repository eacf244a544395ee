/** An Express/Connect-style middleware; `next(err)` hands an error on. */
export type Middleware<Req = unknown, Res = unknown> = (
  req: Req,
  res: Res,
  next: (err?: unknown) => void,
) => void;

/**
 * Runs middlewares in order as one: the same calls Express would make, without a router layer (path
 * match, parameter processing, async bookkeeping) per middleware on every request. The first error
 * skips the rest and goes to `next(err)`, exactly as Express skips to its error handlers.
 */
export function composeMiddleware<Req, Res>(
  middlewares: ReadonlyArray<Middleware<Req, Res>>,
): Middleware<Req, Res> {
  return (req, res, next) => {
    let i = 0;
    const step = (err?: unknown): void => {
      if (err !== undefined && err !== null) return next(err);
      const mw = middlewares[i++];
      if (!mw) return next();
      try {
        mw(req, res, step);
      } catch (e) {
        next(e);
      }
    };
    step();
  };
}
