import * as Sentry from '@sentry/nestjs';
import { metricsRegistry } from './metrics.registry';
import { Timed } from './timed.decorator';

jest.mock('@sentry/nestjs', () => ({
  startSpan: jest.fn((_opts: unknown, fn: () => unknown) => fn()),
}));

class Work {
  @Timed('unit.sync')
  add(a: number, b: number): number {
    return a + b;
  }

  @Timed('unit.async')
  async later(v: string): Promise<string> {
    await Promise.resolve();
    return v;
  }

  @Timed('unit.fails')
  async fails(): Promise<never> {
    await Promise.resolve();
    throw new Error('boom');
  }
}

async function count(name: string, outcome: string): Promise<number> {
  const metric = await metricsRegistry.getSingleMetric('operation_duration_seconds')?.get();
  const values = (metric?.values ?? []) as Array<{
    metricName?: string;
    labels: Record<string, string | number>;
    value: number;
  }>;
  const sample = values.find(
    (v) =>
      v.metricName === 'operation_duration_seconds_count' &&
      v.labels.name === name &&
      v.labels.outcome === outcome,
  );
  return sample?.value ?? 0;
}

describe('@Timed', () => {
  it('should record sync and async calls with their outcome, inside a Sentry span', async () => {
    const w = new Work();
    expect(w.add(2, 3)).toBe(5);
    expect(await w.later('x')).toBe('x');
    await expect(w.fails()).rejects.toThrow('boom');
    expect(await count('unit.sync', 'ok')).toBe(1);
    expect(await count('unit.async', 'ok')).toBe(1);
    expect(await count('unit.fails', 'error')).toBe(1);
    expect(await count('unit.fails', 'ok')).toBe(0);
    expect(jest.mocked(Sentry.startSpan).mock.calls.map((c) => c[0])).toEqual([
      { name: 'unit.sync', op: 'function' },
      { name: 'unit.async', op: 'function' },
      { name: 'unit.fails', op: 'function' },
    ]);
  });

  it('should keep the method name', () => {
    expect(Work.prototype.add.name).toBe('add');
  });
});
