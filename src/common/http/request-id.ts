import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

const WELL_FORMED = /^[A-Za-z0-9._:-]{1,128}$/;
type WithId = IncomingMessage & { id?: unknown };

/** Express middleware: the caller's well-formed X-Request-ID or a new UUID, echoed on every response. */
export function requestIdMiddleware(req: WithId, res: ServerResponse, next: () => void): void {
  const incoming = req.headers['x-request-id'];
  const id = typeof incoming === 'string' && WELL_FORMED.test(incoming) ? incoming : randomUUID();
  req.id = id;
  res.setHeader('X-Request-ID', id);
  next();
}

export function requestIdOf(req: WithId): string {
  return typeof req.id === 'string' ? req.id : '';
}
