import type { AppConfig } from 'src/config/app-config';

/**
 * What a person starting the service needs to know, printed once after it listens. Production gets
 * one line; elsewhere: docs, the database in use, how to create an admin and pay in the sandbox.
 */
export function startupBanner(cfg: AppConfig, embeddedDatabase: string | null): string {
  const url = cfg.app.publicBaseUrl;
  const head = `iAyos Payments ${cfg.app.version} listening on ${url} (port ${cfg.app.port})`;
  if (cfg.app.isProduction) return head;
  const lines = [
    head,
    `  API docs      ${url}/docs   (OpenAPI ${url}/docs-json, realtime events ${url}/docs/asyncapi.yaml)`,
    `  Database      ${embeddedDatabase ?? 'DATABASE_URL'}`,
    `  Redis         ${cfg.redis.url ? 'REDIS_URL' : 'none: in-process fallbacks (one instance only)'}`,
    `  Create admin  npm run admin:create -- --email you@example.com   (asks for the password)`,
  ];
  if (cfg.payments.sandbox)
    lines.push(
      `  Payments      built-in gateway sandbox: POST /api/wallet/deposit returns a checkoutUrl;`,
      `                open it and press "Pay" (or POST ${url}/sandbox/_control/checkouts/<checkoutId>/pay)`,
    );
  else lines.push(`  Payments      ${cfg.payments.provider} at its configured base URL`);
  if (cfg.app.localMode)
    lines.push(
      `  Frontend      CORS ${cfg.app.corsOrigins.length > 0 ? describeOrigins(cfg.app.corsOrigins) : 'off'}; sign-in limit relaxed for local mode`,
      `                checkout return links → ${cfg.app.builtInReturnPage ? `${url}/payments/… (built-in page; set FRONTEND_URL for yours)` : cfg.app.frontendUrl}`,
    );
  return lines.join('\n');
}

function describeOrigins(origins: Array<string | RegExp>): string {
  return origins.some((o) => o instanceof RegExp)
    ? 'allows http://localhost:* and http://127.0.0.1:*'
    : `allows ${origins.join(', ')}`;
}
