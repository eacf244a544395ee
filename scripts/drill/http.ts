/** The drill's HTTP client: every answer comes back as a status (0 = no answer), never a throw. */
export interface Answer {
  status: number;
  body: unknown;
  retryAfterS?: number;
}

export async function postJson(
  url: string,
  body: unknown,
  token?: string,
  idempotencyKey?: string,
): Promise<Answer> {
  return call('POST', url, body, token, idempotencyKey);
}

export async function getJson(url: string, token: string): Promise<Answer> {
  return call('GET', url, undefined, token);
}

async function call(
  method: 'GET' | 'POST',
  url: string,
  body: unknown,
  token?: string,
  idempotencyKey?: string,
): Promise<Answer> {
  try {
    const res = await fetch(url, {
      method,
      headers: {
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(idempotencyKey ? { 'idempotency-key': idempotencyKey } : {}),
      },
      body: body !== undefined ? JSON.stringify(body) : undefined,
      signal: AbortSignal.timeout(60_000),
    });
    const text = await res.text();
    const retryAfter = Number(res.headers.get('retry-after'));
    let parsed: unknown = null;
    try {
      parsed = text ? (JSON.parse(text) as unknown) : null;
    } catch {
      parsed = text; // a proxy's HTML error page
    }
    return {
      status: res.status,
      body: parsed,
      retryAfterS: Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : undefined,
    };
  } catch {
    return { status: 0, body: null };
  }
}

/** The stable error code of an answer, if it has one. */
export const codeOf = (a: Answer): string | undefined =>
  (a.body as { code?: unknown } | null)?.code === undefined
    ? undefined
    : String((a.body as { code: unknown }).code);

/** Answers a careful client retries as they are: no answer, the balancer's 502, outages, a key in use. */
export const isTransient = (a: Answer): boolean =>
  a.status === 0 ||
  a.status === 502 ||
  a.status === 503 ||
  (a.status === 409 && codeOf(a) === 'IDEMPOTENCY_REQUEST_IN_PROGRESS');

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
