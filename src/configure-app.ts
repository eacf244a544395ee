import { Logger as NestLogger, ValidationPipe } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import cookieParser from 'cookie-parser';
import helmet from 'helmet';
import { Logger } from 'nestjs-pino';
import type { AppConfig } from './config/app-config';
import { APP_CONFIG } from './config/config.token';
import { BootQuietLogger } from './common/logging/boot-quiet.logger';
import { httpMetricsMiddleware } from './common/metrics/http-metrics.middleware';
import { setupApiDocs } from './common/http/api-docs';
import { allowedOrigins } from './common/http/allowed-origins';
import { bodyParserErrors } from './common/http/body-parser-errors';
import { cookieOriginCheck } from './common/http/cookie-origin-check';
import { inputGuard } from './common/http/input-guard';
import { jsonOnly } from './common/http/json-only';
import { livenessProbe } from './common/http/liveness-probe';
import { composeMiddleware, type Middleware } from './common/http/compose-middleware';
import { frozenHeaders } from './common/http/frozen-headers';
import { requestIdMiddleware } from './common/http/request-id';
import { SocketIoAdapter } from './common/realtime/socket-io.adapter';
import { drainAndClose, drainTracking } from './common/shutdown/drain';
import { ShutdownState } from './common/shutdown/shutdown-state';

/** Everything main.ts and the e2e tests both need, so tests run the app exactly as production does. */
export function configureApp(app: NestExpressApplication): NestExpressApplication {
  const cfg = app.get<AppConfig>(APP_CONFIG);
  app.useLogger(new BootQuietLogger(app.get(Logger)));
  app.set('trust proxy', cfg.app.trustedProxies.length > 0 ? cfg.app.trustedProxies : false);
  app.disable('x-powered-by');
  // Request id, drain tracking, metrics and security headers run on every request, liveness included.
  // Small middlewares are composed into one router layer each instead of one layer apiece (ADR 0050).
  const edge: Middleware[] = [
    requestIdMiddleware as Middleware,
    drainTracking(app.get(ShutdownState)) as Middleware,
    httpMetricsMiddleware as Middleware,
    // Helmet's headers are fixed by this configuration: recorded once, replayed per request.
    frozenHeaders(
      helmet({
        contentSecurityPolicy: {
          useDefaults: false,
          directives: {
            defaultSrc: ["'self'"],
            // The API docs and the sandbox checkout page need inline styles/scripts of their own.
            scriptSrc: ["'self'", "'unsafe-inline'"],
            styleSrc: ["'self'", "'unsafe-inline'"],
            imgSrc: ["'self'", 'data:'],
            formAction: ["'self'"],
            frameAncestors: ["'none'"],
          },
        },
        frameguard: { action: 'deny' },
      }) as Middleware,
    ) as Middleware,
  ];
  // Hostile input is refused before parsing (origin, type, encoding) and right after it (depth,
  // NUL, lone surrogates), so no validator, query or handler ever sees it (ADR 0075). Liveness is
  // answered before that: it needs none of cookies, body parsing, routing, logging, guards or
  // handlers (ADR 0130).
  const input: Middleware[] = [
    livenessProbe as Middleware,
    cookieParser() as Middleware,
    cookieOriginCheck(allowedOrigins(cfg)) as Middleware,
    jsonOnly as Middleware,
  ];
  // CORS between the two, so a refusal (415, 400) is readable by an allowed browser origin too. With
  // no allowed origins the CORS middleware would only call next(): left out, one layer for all.
  if (cfg.app.corsOrigins.length > 0) {
    app.use(composeMiddleware(edge));
    app.enableCors({ origin: cfg.app.corsOrigins, credentials: true });
    app.use(composeMiddleware(input));
  } else {
    app.use(composeMiddleware([...edge, ...input]));
  }
  app.useBodyParser('json', { limit: cfg.app.bodyLimit });
  app.use(bodyParserErrors);
  app.use(inputGuard);
  app.useGlobalPipes(
    new ValidationPipe({
      whitelist: true,
      forbidNonWhitelisted: true,
      transform: true,
      transformOptions: { enableImplicitConversion: false },
    }),
  );
  // Socket.IO on the same port; the Redis adapter fans events out across instances when configured.
  app.useWebSocketAdapter(
    new SocketIoAdapter(app, {
      redisUrl: cfg.redis.url,
      keyPrefix: process.env.REDIS_KEY_PREFIX ?? '',
      corsOrigins: cfg.app.corsOrigins,
    }),
  );
  setupApiDocs(app, cfg);
  return app;
}

/**
 * SIGTERM/SIGINT: readiness turns 503, the server stops accepting connections and lets in-flight
 * requests finish, then pools close — all within the configured grace period.
 */
export function installGracefulShutdown(
  app: NestExpressApplication,
  onClosed: () => Promise<void>,
): void {
  const cfg = app.get<AppConfig>(APP_CONFIG);
  const log = new NestLogger('Shutdown');
  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    log.log(
      `${signal} received: draining (readiness 503 for ${cfg.app.shutdownDrainMs} ms, grace ${cfg.app.shutdownGraceMs} ms)`,
    );
    const force = setTimeout(() => {
      log.warn('Grace period over: exiting with requests still open');
      process.exit(1);
    }, cfg.app.shutdownGraceMs);
    force.unref();
    drainAndClose(app, cfg.app.shutdownDrainMs)
      .then(onClosed)
      .then(() => process.exit(0))
      .catch((err: unknown) => {
        log.error(`Shutdown failed: ${err instanceof Error ? err.message : String(err)}`);
        process.exit(1);
      });
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}
