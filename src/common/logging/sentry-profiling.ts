import type { NodeOptions } from '@sentry/nestjs';

type ProfilingOptions = Pick<
  NodeOptions,
  'integrations' | 'profileSessionSampleRate' | 'profileLifecycle'
>;

/**
 * Sentry options for CPU profiling (`@sentry/profiling-node`, ADR 0091). Profiles follow sampled
 * traces, so `SENTRY_TRACES_SAMPLE_RATE` must be above 0 too. The native profiler is only loaded
 * when a DSN and a rate are set; if its binary cannot load, the service starts without it.
 */
export function sentryProfiling(
  dsn: string | undefined,
  rawRate: string | undefined,
  load: () => { nodeProfilingIntegration: () => unknown } = () =>
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    require('@sentry/profiling-node') as { nodeProfilingIntegration: () => unknown },
): ProfilingOptions {
  const rate = Number(rawRate ?? 0);
  if (!dsn || !Number.isFinite(rate) || rate <= 0) return {};
  try {
    const integration = load().nodeProfilingIntegration() as NonNullable<
      Extract<NodeOptions['integrations'], unknown[]>
    >[number];
    return {
      integrations: [integration],
      profileSessionSampleRate: Math.min(rate, 1),
      profileLifecycle: 'trace',
    };
  } catch (err) {
    console.warn(
      `Sentry profiling disabled: the profiler could not load (${err instanceof Error ? err.message : String(err)})`,
    );
    return {};
  }
}
