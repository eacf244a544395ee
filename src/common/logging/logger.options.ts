import { RequestMethod } from '@nestjs/common';
import type { Params } from 'nestjs-pino';
import { levels, stdSerializers, type DestinationStream } from 'pino';
import type { Options } from 'pino-http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AppConfig } from 'src/config/app-config';
import { routeTemplate } from '../http/route-template';

/** Paths pino blanks out wherever they appear in a log line: credentials, tokens, account numbers. */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-callback-token"]',
  'req.headers["paymongo-signature"]',
  'res.headers["set-cookie"]',
  ...[
    'password',
    'accessToken',
    'refreshToken',
    'token',
    'secret',
    'secretKey',
    'webhookSecret',
    'webhookSecrets',
    'webhookTokens',
    'accountNumber',
    'apiKey',
  ].flatMap((k) => [k, `*.${k}`, `*.*.${k}`, `*.*.*.${k}`]),
];

/**
 * Routes that get no request logger at all: probes and scrapes are never auto-logged and log nothing
 * while handled (an unexpected error is logged by the exception filter with its request id), so
 * building a per-request child logger — serialising and redacting the request — would be pure cost.
 */
export const UNLOGGED_ROUTES = [
  { path: 'health/live', method: RequestMethod.GET },
  { path: 'health/ready', method: RequestMethod.GET },
  { path: 'metrics', method: RequestMethod.GET },
];

type Req = IncomingMessage & { user?: { id: string } };

/**
 * Where log lines go: stdout unless a stream is provided under this token (tests capture output
 * through it; see `createTestApp({ logDestination })`).
 */
export const LOG_DESTINATION = Symbol('LOG_DESTINATION');

export function buildLoggerOptions(cfg: AppConfig, destination?: DestinationStream | null): Params {
  // The completion line is written at `info`; when that level is off, tell pino-http up front so it
  // skips building the line (a child logger with user and route) only to drop it.
  const completionLevel = levels.values[cfg.log.level] <= levels.values.info ? 'info' : 'silent';
  const options: Options = {
    level: cfg.log.level,
    customLogLevel: () => completionLevel,
    redact: { paths: REDACT_PATHS, censor: '[REDACTED]' },
    genReqId: (req: IncomingMessage) => (typeof req.id === 'string' ? req.id : ''),
    // Health probes and scrapes would drown the log.
    autoLogging: { ignore: (req: IncomingMessage) => /^\/(health|metrics)/.test(req.url ?? '') },
    // Called when the request starts (request id, bound to every line logged while handling it)
    // and again when it finishes (user and route are known only then); each key appears once.
    customProps: (req: IncomingMessage, res: ServerResponse) => {
      if (!res.headersSent) return { requestId: req.id };
      const user = (req as Req).user;
      return { ...(user ? { userId: user.id } : {}), route: routeTemplate(req) };
    },
    // Our serializers read the raw request/response directly: pino-http would otherwise first build
    // its standard (full) copies of both on every request only for these to pick four fields.
    wrapSerializers: false,
    serializers: {
      req: (req: IncomingMessage & { originalUrl?: string }) => ({
        id: req.id,
        method: req.method,
        // Express's originalUrl: req.url is shortened inside path-mounted middleware. Query strings
        // can carry tokens; log the path only.
        url: (req.originalUrl ?? req.url)?.split('?')[0],
        // Only headers worth seeing; credentials are kept as keys so redaction shows they were sent.
        headers: Object.fromEntries(
          ['user-agent', 'authorization', 'cookie']
            .filter((h) => req.headers[h] !== undefined)
            .map((h) => [h, req.headers[h]]),
        ),
      }),
      // Not yet sent (client gone first): null, as the standard serializer reports it.
      res: (res: ServerResponse) => ({ statusCode: res.headersSent ? res.statusCode : null }),
      err: stdSerializers.err,
    },
    ...(cfg.log.json || destination
      ? {}
      : {
          // Colours only on a terminal: redirected to a file, lines stay free of ANSI codes.
          transport: {
            target: 'pino-pretty',
            options: { singleLine: true, colorize: Boolean(process.stdout.isTTY) },
          },
        }),
  };
  return {
    pinoHttp: destination ? [options, destination] : options,
    exclude: UNLOGGED_ROUTES,
  };
}
