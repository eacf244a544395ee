import type { AppConfig } from 'src/config/app-config';
import { AppError } from '../errors/app-error';
import { MetricsController } from './metrics.controller';

const cfg = (isProduction: boolean, metricsToken?: string) =>
  ({ app: { isProduction }, exposure: { docsEnabled: false, metricsToken } }) as AppConfig;

async function statusOf(p: () => Promise<string>): Promise<number> {
  try {
    await p();
    return 200;
  } catch (e) {
    if (e instanceof AppError) return e.status;
    throw e;
  }
}

describe('MetricsController', () => {
  it('should be absent in production when no METRICS_TOKEN is configured', async () => {
    const c = new MetricsController(cfg(true));
    expect(await statusOf(() => c.scrape(undefined))).toBe(404);
    expect(await statusOf(() => c.scrape('Bearer anything'))).toBe(404);
  });

  it('should require the exact bearer token when one is configured, in any environment', async () => {
    for (const prod of [true, false]) {
      const c = new MetricsController(cfg(prod, 'tok-0123456789abcdefghij'));
      expect(await statusOf(() => c.scrape(undefined))).toBe(401);
      expect(await statusOf(() => c.scrape('Bearer tok-0123456789abcdefghi'))).toBe(401);
      expect(await statusOf(() => c.scrape('tok-0123456789abcdefghij'))).toBe(401);
      expect(await statusOf(() => c.scrape('Bearer tok-0123456789abcdefghij'))).toBe(200);
    }
  });

  it('should stay open outside production without a token (local scraping)', async () => {
    expect(await statusOf(() => new MetricsController(cfg(false)).scrape(undefined))).toBe(200);
  });
});
