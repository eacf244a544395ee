import type { INestApplication } from '@nestjs/common';
import type { Server } from 'node:http';
import { ShutdownState } from './shutdown-state';

/**
 * Stops the app without dropping work: readiness turns 503 (and stays so for `drainMs`, so load
 * balancers stop routing here), then the HTTP server stops accepting connections, in-flight requests
 * finish, and only then Nest closes modules and pools. (Nest's own `close()` shuts modules down
 * before the HTTP server, which would pull the database from under running requests.)
 */
export async function drainAndClose(app: INestApplication, drainMs: number): Promise<void> {
  const state = app.get(ShutdownState);
  state.begin();
  if (drainMs > 0) await new Promise((resolve) => setTimeout(resolve, drainMs));
  const server = app.getHttpServer() as Server;
  server.close();
  server.closeIdleConnections();
  await state.whenIdle();
  await app.close();
}

/**
 * Express middleware: counts in-flight requests for `drainAndClose`, and once shutdown has begun asks
 * clients not to reuse the connection.
 */
export function drainTracking(state: ShutdownState) {
  return (
    _req: unknown,
    res: { setHeader(k: string, v: string): void; once(e: 'close', fn: () => void): void },
    next: () => void,
  ) => {
    if (state.isShuttingDown) res.setHeader('Connection', 'close');
    state.requestStarted();
    res.once('close', () => state.requestEnded());
    next();
  };
}
