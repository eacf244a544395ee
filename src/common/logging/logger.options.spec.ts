import { stdSerializers } from 'pino';
import type { Options } from 'pino-http';
import type { AppConfig } from 'src/config/app-config';
import { buildLoggerOptions, UNLOGGED_ROUTES } from './logger.options';

const cfg = (level: string) => ({ log: { level, json: true } }) as unknown as AppConfig;
const optionsFor = (level: string) => {
  const params = buildLoggerOptions(cfg(level), { write: () => undefined });
  const [options] = params.pinoHttp as [Options, unknown];
  return { params, options };
};

describe('buildLoggerOptions', () => {
  it('serialises the raw request: id, method, path without query, and only three headers', () => {
    const { options } = optionsFor('info');
    const req = {
      id: 'req-1',
      method: 'GET',
      url: '/me',
      originalUrl: '/api/auth/me?token=secret',
      headers: { 'user-agent': 'ua', authorization: 'Bearer t', host: 'h', 'x-other': 'o' },
    };
    expect(options.serializers?.req(req)).toEqual({
      id: 'req-1',
      method: 'GET',
      url: '/api/auth/me',
      headers: { 'user-agent': 'ua', authorization: 'Bearer t' },
    });
    expect(options.serializers?.req({ ...req, originalUrl: undefined, url: '/x?a=1' }).url).toBe(
      '/x',
    );
  });

  it('reports the status only once sent, and serialises errors the standard way', () => {
    const { options } = optionsFor('info');
    expect(options.serializers?.res({ headersSent: true, statusCode: 201 })).toEqual({
      statusCode: 201,
    });
    expect(options.serializers?.res({ headersSent: false, statusCode: 200 })).toEqual({
      statusCode: null,
    });
    expect(options.serializers?.err).toBe(stdSerializers.err);
    expect(options.wrapSerializers).toBe(false);
  });

  it('writes completion lines at info, and builds none when info is off', () => {
    const level = (l: string) => {
      const fn = optionsFor(l).options.customLogLevel as unknown as () => string;
      return fn();
    };
    expect(level('debug')).toBe('info');
    expect(level('info')).toBe('info');
    expect(level('warn')).toBe('silent');
    expect(level('silent')).toBe('silent');
  });

  it('gives probes and scrapes no request logger', () => {
    expect(optionsFor('info').params.exclude).toBe(UNLOGGED_ROUTES);
    expect(UNLOGGED_ROUTES.map((r) => r.path)).toEqual(['health/live', 'health/ready', 'metrics']);
  });
});
