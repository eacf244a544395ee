import type { Params } from 'nestjs-pino';
import type { DestinationStream } from 'pino';
import type { Options } from 'pino-http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AppConfig } from '../../config/app-config';
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
    'accountNumber',
    'apiKey',
  ].flatMap((k) => [k, `*.${k}`, `*.*.${k}`, `*.*.*.${k}`]),
];

type Req = IncomingMessage & { user?: { id: string } };

/**
 * Where log lines go: stdout unless a stream is provided under this token (tests capture output
 * through it; see `createTestApp({ logDestination })`).
 */
export const LOG_DESTINATION = Symbol('LOG_DESTINATION');

export function buildLoggerOptions(cfg: AppConfig, destination?: DestinationStream | null): Params {
  const options: Options = {
    level: cfg.log.level,
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
    serializers: {
      req: (req: {
        id: string;
        method: string;
        url: string;
        headers: Record<string, unknown>;
      }) => ({
        id: req.id,
        method: req.method,
        // Query strings can carry tokens; log the path only.
        url: req.url?.split('?')[0],
        // Only headers worth seeing; credentials are kept as keys so redaction shows they were sent.
        headers: Object.fromEntries(
          ['user-agent', 'authorization', 'cookie']
            .filter((h) => req.headers[h] !== undefined)
            .map((h) => [h, req.headers[h]]),
        ),
      }),
      res: (res: ServerResponse & { statusCode: number }) => ({ statusCode: res.statusCode }),
    },
    ...(cfg.log.json || destination
      ? {}
      : { transport: { target: 'pino-pretty', options: { singleLine: true, colorize: true } } }),
  };
  return { pinoHttp: destination ? [options, destination] : options };
}
