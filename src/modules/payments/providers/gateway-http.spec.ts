import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  NamedCircuitBreaker,
  DEFAULT_BREAKER_POLICY,
  providerUnavailable,
} from 'src/common/circuit-breaker/circuit-breaker';
import { GatewayHttpClient } from './gateway-http';
import { parsePaymongoError } from './paymongo/paymongo-wire';
import { ProviderError } from './provider-errors';

type Handler = (req: IncomingMessage, res: ServerResponse, body: string) => void;

describe('GatewayHttpClient failure classes', () => {
  let server: Server;
  let base: string;
  let handler: Handler;
  const seen: Array<{
    method: string;
    url: string;
    headers: IncomingMessage['headers'];
    body: string;
  }> = [];
  let breaker: NamedCircuitBreaker;

  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
        handler(req, res, body);
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });
  beforeEach(() => {
    seen.length = 0;
    breaker = new NamedCircuitBreaker(
      't',
      DEFAULT_BREAKER_POLICY,
      (e) => (e as ProviderError).countsAsBreakerFailure === false,
      providerUnavailable,
    );
  });
  afterEach(() => breaker.shutdown());

  // Generous timeouts: a busy machine must never turn a prompt answer into a timeout. Only the tests
  // whose server never answers use the short one, and their outcome does not depend on timing.
  const client = (url = base, timeoutMs = 10_000) =>
    new GatewayHttpClient({
      provider: 'paymongo',
      baseUrl: url,
      secretKey: 'sk_test_abc',
      idempotencyHeader: 'Idempotency-Key',
      breaker,
      parseError: parsePaymongoError,
      readTimeoutMs: timeoutMs,
      writeTimeoutMs: timeoutMs,
    });
  const fail = (p: Promise<unknown>) =>
    p.then(
      () => {
        throw new Error('expected a failure');
      },
      (e: unknown) => e as ProviderError,
    );

  it('should send Basic auth with an empty password, JSON and the idempotency key on creates', async () => {
    handler = (_q, res) =>
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"data":{"id":"cs_1"}}');
    await expect(
      client().request({
        method: 'POST',
        path: '/v1/x',
        body: { a: 1 },
        idempotencyKey: 'k1',
        operation: 'op',
      }),
    ).resolves.toEqual({ data: { id: 'cs_1' } });
    expect(seen[0].headers.authorization).toBe('Basic c2tfdGVzdF9hYmM6');
    expect(seen[0].headers['idempotency-key']).toBe('k1');
    expect(seen[0].body).toBe('{"a":1}');
  });

  it('should classify a timed-out write as ambiguous and never retry it', async () => {
    handler = () => undefined; // never answers
    const err = await fail(
      client(base, 300).request({ method: 'POST', path: '/v1/x', body: {}, operation: 'op' }),
    );
    expect(err).toBeInstanceOf(ProviderError);
    expect(err.kind).toBe('ambiguous');
    expect(err.status).toBe(503);
    expect(seen).toHaveLength(1);
  });

  it('should retry a read once when the gateway failed it, then report unavailable', async () => {
    handler = (_q, res) => res.writeHead(503).end('{"errors":[{"code":"x","detail":"down"}]}');
    const err = await fail(client().request({ method: 'GET', path: '/v1/x', operation: 'op' }));
    expect(err.kind).toBe('unavailable');
    expect(seen).toHaveLength(2);
  });

  it('should map 4xx answers without counting them against the breaker', async () => {
    handler = (_q, res) =>
      res.writeHead(400).end('{"errors":[{"code":"parameter_below_minimum","detail":"min 2000"}]}');
    for (let i = 0; i < 6; i++) {
      const err = await fail(
        client().request({ method: 'POST', path: '/v1/x', body: {}, operation: 'op' }),
      );
      expect(err).toMatchObject({
        kind: 'rejected',
        code: 'PROVIDER_REJECTED',
        status: 422,
        providerCode: 'parameter_below_minimum',
      });
      expect(err.message).not.toContain('min 2000');
    }
    expect(breaker.state).toBe('closed');
    handler = (_q, res) => res.writeHead(404).end('');
    expect(
      (await fail(client().request({ method: 'GET', path: '/nope', operation: 'op' }))).kind,
    ).toBe('auth');
    handler = (_q, res) => res.writeHead(404).end('{"errors":[{"code":"resource_not_found"}]}');
    expect(
      (await fail(client().request({ method: 'GET', path: '/v1/x/1', operation: 'op' }))).kind,
    ).toBe('not_found');
    handler = (_q, res) => res.writeHead(401).end('{"errors":[{"code":"api_key_invalid"}]}');
    expect(
      (await fail(client().request({ method: 'GET', path: '/v1/x', operation: 'op' }))).kind,
    ).toBe('auth');
    handler = (_q, res) =>
      res.writeHead(429, { 'retry-after': '7' }).end('Too many requests, please try again later.');
    const limited = await fail(
      client().request({ method: 'POST', path: '/v1/x', body: {}, operation: 'op' }),
    );
    expect(limited).toMatchObject({ kind: 'unavailable', headers: { 'Retry-After': '7' } });
  });

  it('should report a refused connection as unavailable (nothing was sent)', async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    const err = await fail(
      client(`http://127.0.0.1:${port}`).request({
        method: 'POST',
        path: '/v1/x',
        body: {},
        operation: 'op',
      }),
    );
    expect(err.kind).toBe('unavailable');
  });
});
