import { AppProcess } from '../../scripts/drill/app-process';
import { OwnPostgres } from '../../scripts/drill/own-postgres';
import { eventually } from '../support/eventually';
import { freePort } from '../support/test-app';

jest.setTimeout(240_000); // initdb, two real instances and two restarts on a busy machine

/**
 * PostgreSQL restarts under load (our own embedded server, never the shared one): both instances,
 * real child processes, must keep running and serve again, answering 503 + Retry-After meanwhile.
 */
describe('PostgreSQL restart under load, two instances (e2e)', () => {
  let pg: OwnPostgres;
  const apps: AppProcess[] = [];

  beforeAll(async () => {
    pg = new OwnPostgres(await freePort());
    await pg.start();
    const databaseUrl = await pg.createDatabase('scratch_restart');
    for (const name of ['a', 'b']) {
      const port = await freePort();
      apps.push(
        new AppProcess(name, port, {
          NODE_ENV: 'test',
          ENVIRONMENT: 'test',
          JSON_LOGGING: 'true',
          LOG_LEVEL: 'info',
          DATABASE_URL: databaseUrl,
          DB_POOL_MAX: '8',
          PUBLIC_BASE_URL: `http://127.0.0.1:${port}`,
          JWT_SECRET: 'restart-test-secret-that-is-long-enough-0123456789',
          RATE_LIMIT_DISABLED: 'true',
          // Scheduled jobs stay on: their advisory-lock connections must survive the restart too.
          CRON_DISABLED: 'false',
        }),
      );
    }
    // One after the other: the first runs the migrations.
    for (const app of apps) await app.start();
  });

  afterAll(async () => {
    for (const app of apps) await app.stop();
    await pg?.destroy();
  });

  it('should keep both instances running through two restarts, answer 503 + Retry-After meanwhile, then serve again', async () => {
    const reg = await fetch(`${apps[0].url}/api/auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        email: 'restart@example.com',
        password: 'restart test password',
        name: 'R',
        role: 'CLIENT',
      }),
    });
    expect(reg.status).toBe(201);
    const { accessToken } = (await reg.json()) as { accessToken: string };
    const auth = { authorization: `Bearer ${accessToken}` };

    const statuses = new Map<number, number>();
    const missingRetryAfter: string[] = [];
    let loading = true;
    const load = Promise.all(
      Array.from({ length: 6 }, async (_, i) => {
        const app = apps[i % 2];
        while (loading) {
          const path = i % 3 === 0 ? '/api/wallet/transactions' : '/api/wallet';
          const res = await fetch(`${app.url}${path}`, {
            headers: auth,
            signal: AbortSignal.timeout(15_000),
          }).catch(() => undefined);
          const s = res?.status ?? 0;
          statuses.set(s, (statuses.get(s) ?? 0) + 1);
          if (s === 503 && !res?.headers.get('retry-after')) missingRetryAfter.push(path);
          await res?.arrayBuffer().catch(() => undefined);
          if (s !== 200) await new Promise((r) => setTimeout(r, 50));
        }
      }),
    );
    const served = async () => {
      for (const app of apps) {
        const res = await fetch(`${app.url}/api/wallet`, { headers: auth }).catch(() => undefined);
        if (res?.status !== 200) return false;
      }
      return true;
    };
    try {
      await eventually(() => (statuses.get(200) ?? 0) > 20, { what: 'load is running' });
      for (let round = 0; round < 2; round++) {
        await pg.stop(); // fast shutdown: every open connection gets 57P01
        await eventually(() => (statuses.get(503) ?? 0) > 0, { what: 'an outage was observed' });
        await pg.start();
        await eventually(served, { timeoutMs: 60_000, what: 'both instances serve again' });
      }
    } finally {
      loading = false;
      await load;
    }

    for (const app of apps) {
      expect(app.unexpectedExits).toEqual([]);
      expect(app.running).toBe(true);
    }
    // Outage answers are 503 with Retry-After; nothing else but successes (0 = no answer at all).
    expect([...statuses.keys()].sort()).toEqual([200, 503]);
    expect(missingRetryAfter).toEqual([]);
    const count = (app: AppProcess, text: string) =>
      app
        .output()
        .split('\n')
        .filter((l) => l.includes(text)).length;
    // Each outage an instance noticed is logged once when it starts and once when it ends (the end
    // is found by a probe within a second or so: polled, not timed).
    await eventually(
      () =>
        apps.every(
          (a) => count(a, 'PostgreSQL is unreachable') === count(a, 'PostgreSQL answers again'),
        ),
      { what: 'every outage logged as over' },
    );
    const transitions = apps.reduce((n, a) => n + count(a, 'PostgreSQL is unreachable'), 0);
    expect(transitions).toBeGreaterThan(0);
    expect(transitions).toBeLessThanOrEqual(2 * apps.length);
    // Never a per-request stack at error level.
    for (const app of apps) expect(count(app, 'Unhandled error')).toBe(0);
    expect(statuses.get(503) ?? 0).toBeGreaterThan(transitions);
  });
});
