import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { bearer, registerUser, TestUser } from '../support/auth-helpers';
import { createTestApp, TestApp } from '../support/test-app';

interface OpenApi {
  paths: Record<string, Record<string, unknown>>;
}

/**
 * Every /api/admin route in the OpenAPI document (so routes added later are covered too) refuses a
 * caller without a token (401) and every non-admin role (403), before touching anything.
 */
describe('Admin routes are ADMIN-only (e2e)', () => {
  let t: TestApp;
  let routes: Array<{ method: 'get' | 'post' | 'put' | 'patch' | 'delete'; path: string }>;
  let users: TestUser[];

  beforeAll(async () => {
    t = await createTestApp();
    const doc = (await request(t.url).get('/docs-json').expect(200)).body as OpenApi;
    routes = Object.entries(doc.paths)
      .filter(([path]) => path.startsWith('/api/admin/'))
      .flatMap(([path, ops]) =>
        Object.keys(ops).map((method) => ({
          method: method as 'get' | 'post' | 'put' | 'patch' | 'delete',
          // Path parameters get well-formed values so only authorisation can refuse the call.
          path: path.replace(/\{[^}]+\}/g, randomUUID()),
        })),
      );
    users = await Promise.all(['CLIENT', 'WORKER', 'AGENCY'].map((r) => registerUser(t.url, r)));
  });
  afterAll(() => t.close());

  it('should find the admin surface in the API document', () => {
    expect(routes.length).toBeGreaterThanOrEqual(20);
    expect(routes).toEqual(
      expect.arrayContaining([
        { method: 'get', path: '/api/admin/ledger/audit' },
        { method: 'get', path: '/api/admin/audit-log' },
        { method: 'get', path: '/api/admin/scheduled-jobs' },
      ]),
    );
  });

  it('should answer 401 without a token and 403 for CLIENT, WORKER and AGENCY on every admin route', async () => {
    const seen: string[] = [];
    for (const r of routes) {
      const anon = await request(t.url)[r.method](r.path).send({});
      seen.push(`${r.method} ${r.path} anon ${anon.status}`);
      expect(`${r.method} ${r.path} anon ${anon.status}`).toBe(`${r.method} ${r.path} anon 401`);
      for (const u of users) {
        const res = await request(t.url)[r.method](r.path).set(bearer(u)).send({});
        expect(`${r.method} ${r.path} ${u.role} ${res.status} ${res.body.code}`).toBe(
          `${r.method} ${r.path} ${u.role} 403 FORBIDDEN`,
        );
      }
    }
    expect(seen).toHaveLength(routes.length);
  });

  it('should have written nothing to the audit log for the refused calls', async () => {
    const [{ count }] = await t.db.query<Array<{ count: string }>>(
      'SELECT count(*) FROM audit_log',
    );
    expect(count).toBe('0');
  });
});
