import type { Params } from 'nestjs-pino';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AppConfig } from '../../config/app-config';

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

type Req = IncomingMessage & { user?: { id: string }; route?: { path?: string } };

export function buildLoggerOptions(cfg: AppConfig): Params {
  return {
    pinoHttp: {
      level: cfg.log.level,
      redact: { paths: REDACT_PATHS, censor: '[REDACTED]' },
      genReqId: (req: IncomingMessage) => (typeof req.id === 'string' ? req.id : ''),
      // Health probes and scrapes would drown the log.
      autoLogging: { ignore: (req: IncomingMessage) => /^\/(health|metrics)/.test(req.url ?? '') },
      customProps: (req: IncomingMessage) => {
        const r = req as Req;
        return { requestId: req.id, userId: r.user?.id, route: r.route?.path };
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
          headers: {
            'user-agent': req.headers['user-agent'],
            authorization: req.headers.authorization,
            cookie: req.headers.cookie,
          },
        }),
        res: (res: ServerResponse & { statusCode: number }) => ({ statusCode: res.statusCode }),
      },
      ...(cfg.log.json
        ? {}
        : { transport: { target: 'pino-pretty', options: { singleLine: true, colorize: true } } }),
    },
  };
}
