/**
 * Recognises errors that mean "PostgreSQL is unreachable right now" (as opposed to a bad query or a
 * bug): the server is down, restarting, refusing connections, or dropped ours. Walks the wrappers
 * TypeORM and the driver put around the cause.
 */

/** SQLSTATEs of a lost or refused connection. */
const CONNECTION_SQLSTATES = new Set([
  '57P01', // admin_shutdown: "terminating connection due to administrator command"
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now: starting up / shutting down
  '08000',
  '08001',
  '08003',
  '08004',
  '08006',
  '08007',
  '53300', // too_many_connections
]);

/** Node socket errors while reaching the server. */
const SOCKET_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/** Messages pg and pg-pool use for the same, without a code. */
const MESSAGES = [
  /Connection terminated/i,
  /timeout exceeded when trying to connect/i,
  /Client has encountered a connection error and is not queryable/i,
  /Connection ended unexpectedly/i,
  /is not currently accepting connections/i, // 55000, e.g. ALLOW_CONNECTIONS false
  /the database system is (starting up|shutting down|in recovery mode)/i,
];

export function isDatabaseUnavailable(err: unknown): boolean {
  return causes(err).some((e) => {
    const code = typeof e.code === 'string' ? e.code : undefined;
    if (code && (CONNECTION_SQLSTATES.has(code) || SOCKET_CODES.has(code))) return true;
    return typeof e.message === 'string' && MESSAGES.some((m) => m.test(e.message as string));
  });
}

/** The SQLSTATE or socket code of the first cause that has one (for one log line, never a stack). */
export function databaseErrorCode(err: unknown): string {
  for (const e of causes(err)) if (typeof e.code === 'string') return e.code;
  return 'unknown';
}

interface ErrorLike {
  code?: unknown;
  message?: unknown;
  driverError?: unknown;
  cause?: unknown;
  errors?: unknown;
}

function causes(err: unknown): ErrorLike[] {
  const out: ErrorLike[] = [];
  const queue: unknown[] = [err];
  while (queue.length > 0 && out.length < 10) {
    const e = queue.shift();
    if (!e || typeof e !== 'object') continue;
    const x = e as ErrorLike;
    out.push(x);
    queue.push(x.driverError, x.cause);
    if (Array.isArray(x.errors)) queue.push(...(x.errors as unknown[]));
  }
  return out;
}
