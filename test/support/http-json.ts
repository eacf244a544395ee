import http from 'node:http';
import { Client } from 'pg';
import { randomBytes } from 'node:crypto';

export interface JsonResponse<T = unknown> {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  body: T;
}

/** A keep-alive agent that lets hundreds of requests be in flight at once (supertest opens one each). */
export function manySocketsAgent(maxSockets = 500): http.Agent {
  return new http.Agent({ keepAlive: true, maxSockets });
}

/** Minimal JSON-over-HTTP client for concurrency tests. */
export function httpJson<T = unknown>(
  baseUrl: string,
  method: string,
  path: string,
  body?: unknown,
  opts: { agent?: http.Agent; headers?: Record<string, string> } = {},
): Promise<JsonResponse<T>> {
  const url = new URL(path, baseUrl);
  const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      {
        method,
        agent: opts.agent,
        headers: {
          ...(payload
            ? { 'content-type': 'application/json', 'content-length': payload.length }
            : {}),
          ...opts.headers,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed: unknown = undefined;
          try {
            parsed = text ? JSON.parse(text) : undefined;
          } catch {
            parsed = undefined;
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, body: parsed as T });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    if (payload) req.write(payload);
    req.end();
  });
}

/** Runs `tasks` with at most `concurrency` in flight; results in task order. */
export async function pooled<T>(
  count: number,
  concurrency: number,
  task: (i: number) => Promise<T>,
): Promise<T[]> {
  const results = new Array<T>(count);
  let next = 0;
  const workers = Array.from({ length: Math.min(concurrency, count) }, async () => {
    while (next < count) {
      const i = next++;
      results[i] = await task(i);
    }
  });
  await Promise.all(workers);
  return results;
}

/** Creates an empty database with a chosen name prefix (for tests about database naming rules). */
export async function createNamedDatabase(prefix: string): Promise<string> {
  const admin = process.env.TEST_DATABASE_ADMIN_URL;
  if (!admin) throw new Error('TEST_DATABASE_ADMIN_URL is not set');
  const name = `${prefix}_${randomBytes(4).toString('hex')}`;
  const client = new Client({ connectionString: admin });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE "${name}"`);
  } finally {
    await client.end();
  }
  const url = new URL(admin);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Drops a database made by `createNamedDatabase` (its name is outside the run's teardown pattern). */
export async function dropNamedDatabase(url: string): Promise<void> {
  const admin = process.env.TEST_DATABASE_ADMIN_URL;
  if (!admin) throw new Error('TEST_DATABASE_ADMIN_URL is not set');
  const client = new Client({ connectionString: admin });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS "${new URL(url).pathname.slice(1)}" WITH (FORCE)`);
  } finally {
    await client.end();
  }
}
