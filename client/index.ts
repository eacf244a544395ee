/**
 * Typed client of the iAyos Payments API, generated from the committed openapi.json:
 * `npm run client:generate` rewrites schema.d.ts (openapi-typescript); requests go through
 * openapi-fetch, so paths, bodies and responses are checked by the compiler.
 *
 *   const api = createPaymentsClient('http://localhost:3000');
 *   const { data } = await api.POST('/api/auth/login', { body: { email, password } });
 *   api.use(bearer(data!.accessToken));
 *   const wallet = await api.GET('/api/wallet');
 */
import createClient, { type Client, type Middleware } from 'openapi-fetch';
import type { paths } from './schema';

export type { components, operations, paths } from './schema';
export type PaymentsClient = Client<paths>;

export function createPaymentsClient(baseUrl: string, init: { fetch?: typeof fetch } = {}) {
  return createClient<paths>({ baseUrl, ...init });
}

/** Middleware adding `Authorization: Bearer <token>` to every request. */
export function bearer(accessToken: string): Middleware {
  return {
    onRequest({ request }) {
      request.headers.set('Authorization', `Bearer ${accessToken}`);
      return request;
    },
  };
}
