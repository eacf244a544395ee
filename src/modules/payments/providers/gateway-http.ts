import type { NamedCircuitBreaker } from 'src/common/circuit-breaker/circuit-breaker';
import type { PaymentProviderName } from './payment-provider';
import { ProviderError, ProviderFailureKind } from './provider-errors';
import { gatewayCallDuration, gatewayCalls } from './gateway.metrics';

export interface GatewayRequest {
  method: 'GET' | 'POST';
  path: string;
  /** Serialised as JSON when present. */
  body?: unknown;
  /** Sent on creates only. */
  idempotencyKey?: string;
  /** Metric label, e.g. `checkout.create`. */
  operation: string;
}

export interface GatewayErrorInfo {
  code: string | null;
  message: string;
}

export interface GatewayHttpOptions {
  provider: PaymentProviderName;
  baseUrl: string;
  /** Secret key used as the Basic-auth username (empty password). */
  secretKey: string;
  idempotencyHeader: string;
  breaker: NamedCircuitBreaker;
  /** Extracts the gateway's error code/message from an error body (text, maybe not JSON). */
  parseError: (status: number, body: string) => GatewayErrorInfo;
  readTimeoutMs?: number;
  writeTimeoutMs?: number;
  /** Extra attempts for reads only (creates are never retried here: see ADR 0031). */
  readRetries?: number;
}

/** Connection errors that prove the request never left this process. */
const NOT_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

/**
 * Thin JSON-over-HTTPS client shared by both adapters: Basic auth, timeouts via AbortSignal, the
 * provider's circuit breaker around every attempt, and failures classified into ProviderError kinds.
 */
export class GatewayHttpClient {
  private readonly authHeader: string;

  constructor(private readonly opts: GatewayHttpOptions) {
    this.authHeader = `Basic ${Buffer.from(`${opts.secretKey}:`, 'utf8').toString('base64')}`;
  }

  async request<T>(req: GatewayRequest): Promise<T> {
    const attempts = req.method === 'GET' ? 1 + (this.opts.readRetries ?? 1) : 1;
    let lastError: unknown;
    for (let i = 0; i < attempts; i++) {
      if (i > 0) await new Promise((r) => setTimeout(r, 100 * 2 ** i));
      try {
        return await this.opts.breaker.fire(() => this.attempt<T>(req));
      } catch (err) {
        lastError = err;
        // Only a read that the gateway definitely did not serve is worth another try.
        if (!(err instanceof ProviderError) || err.kind !== 'unavailable') throw err;
        if (this.opts.breaker.state === 'open') throw err;
      }
    }
    throw lastError;
  }

  private async attempt<T>(req: GatewayRequest): Promise<T> {
    const { provider } = this.opts;
    const isWrite = req.method !== 'GET';
    const headers: Record<string, string> = {
      Authorization: this.authHeader,
      Accept: 'application/json',
    };
    if (req.body !== undefined) headers['Content-Type'] = 'application/json';
    if (req.idempotencyKey) headers[this.opts.idempotencyHeader] = req.idempotencyKey;
    const timeoutMs = isWrite
      ? (this.opts.writeTimeoutMs ?? 10_000)
      : (this.opts.readTimeoutMs ?? 5_000);
    const end = gatewayCallDuration.startTimer({ provider, operation: req.operation });
    const fail = (
      kind: ProviderFailureKind,
      code: string | null,
      message: string,
      retryAfter?: number,
    ) => {
      gatewayCalls.inc({ provider, operation: req.operation, outcome: kind });
      return new ProviderError(provider, kind, code, message, retryAfter);
    };

    let res: Response;
    try {
      res = await fetch(`${this.opts.baseUrl}${req.path}`, {
        method: req.method,
        headers,
        body: req.body === undefined ? undefined : JSON.stringify(req.body),
        signal: AbortSignal.timeout(timeoutMs),
        redirect: 'error',
      });
    } catch (err) {
      end();
      const code = (err as { cause?: { code?: string } }).cause?.code;
      const timedOut =
        err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError');
      if (code && NOT_SENT.has(code)) throw fail('unavailable', null, `${provider} is unreachable`);
      // A write that may have reached the gateway is ambiguous: never retried blindly.
      throw fail(
        isWrite ? 'ambiguous' : 'unavailable',
        null,
        timedOut ? `${provider} did not answer in time` : `${provider} connection failed`,
      );
    }

    let text: string;
    try {
      text = await res.text();
    } catch {
      end();
      throw fail(isWrite ? 'ambiguous' : 'unavailable', null, `${provider} response was cut off`);
    }
    end();

    if (res.ok) {
      try {
        const parsed = JSON.parse(text) as T;
        gatewayCalls.inc({ provider, operation: req.operation, outcome: 'success' });
        return parsed;
      } catch {
        throw fail(
          isWrite ? 'ambiguous' : 'unavailable',
          null,
          `${provider} sent an unreadable response`,
        );
      }
    }
    const info = this.opts.parseError(res.status, text);
    if (res.status === 429) {
      const ra = Number(res.headers.get('retry-after'));
      throw fail(
        'unavailable',
        info.code,
        `${provider} is rate limiting us`,
        Number.isFinite(ra) && ra > 0 ? ra : 60,
      );
    }
    if (res.status >= 500)
      throw fail('unavailable', info.code, `${provider} failed to process the request`);
    if (res.status === 401 || res.status === 403)
      throw fail('auth', info.code, `${provider} refused our credentials`);
    if (res.status === 404) {
      // An empty 404 means the route does not exist (a wrong base URL), not a missing resource.
      if (text.trim() === '') throw fail('auth', null, `${provider} route not found`);
      throw fail('not_found', info.code, `${provider} resource not found`);
    }
    throw fail('rejected', info.code, `${provider} rejected the request`);
  }
}
