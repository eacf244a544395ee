import type { IncomingMessage } from 'node:http';

/**
 * The matched route template (`/api/wallet/transactions/:id`), or `unmatched` for unknown URLs
 * (no route, or Nest's catch-all 404 `/{*path}`). Used for metric labels and log fields so raw URLs
 * (ids, tokens, scanner noise) never become label values.
 */
export function routeTemplate(req: IncomingMessage): string {
  const r = req as IncomingMessage & { route?: { path?: unknown }; baseUrl?: string };
  const path = r.route?.path;
  if (typeof path !== 'string' || path.includes('{*')) return 'unmatched';
  return `${r.baseUrl ?? ''}${path}`;
}
