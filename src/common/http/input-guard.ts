import type { Request } from 'express';
import { AppError } from '../errors/app-error';
import { findInputProblem, isUnsafeString, type InputProblem } from '../validation/unsafe-input';
import { CommonErrors } from '../errors/common.errors';

/** Headers whose values reach PostgreSQL or the logs verbatim. */
const STORED_HEADERS = ['idempotency-key', 'user-agent'];

function refuse(problem: InputProblem): AppError {
  if (problem.kind === 'too_deep') return new AppError(CommonErrors.JSON_TOO_DEEP);
  return new AppError(CommonErrors.VALIDATION_FAILED, {
    details: [`${problem.path} contains a NUL character or invalid Unicode`],
  });
}

function pathProblem(path: string): AppError | null {
  for (const segment of path.split('/')) {
    let decoded: string;
    try {
      decoded = decodeURIComponent(segment);
    } catch {
      return new AppError(CommonErrors.INVALID_PATH);
    }
    if (isUnsafeString(decoded)) return refuse({ kind: 'unsafe_string', path: 'path' });
  }
  return null;
}

/**
 * Express middleware after the body parser: refuses, before any validation pipe or query runs, a body
 * nested deeper than MAX_JSON_DEPTH (class-transformer recurses and would overflow the stack) and any
 * NUL or lone surrogate in the path, query, body or stored headers (PostgreSQL refuses them with an
 * error that would otherwise surface as a 500).
 */
export function inputGuard(req: Request, _res: unknown, next: (err?: unknown) => void): void {
  const fromPath = pathProblem(req.path);
  if (fromPath) return next(fromPath);
  for (const h of STORED_HEADERS) {
    const v = req.headers[h];
    if (typeof v === 'string' && isUnsafeString(v))
      return next(refuse({ kind: 'unsafe_string', path: `headers.${h}` }));
  }
  const problem =
    findInputProblem(req.query, 'query') ??
    (req.body === undefined ? null : findInputProblem(req.body as unknown, 'body'));
  next(problem ? refuse(problem) : undefined);
}
