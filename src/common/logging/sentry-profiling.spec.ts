import { sentryProfiling } from './sentry-profiling';

describe('sentryProfiling', () => {
  const dsn = 'https://public@o0.ingest.sentry.io/0';

  it('should load the real native profiler and profile sampled traces when a DSN and rate are set', () => {
    const options = sentryProfiling(dsn, '0.25');
    expect(options.profileSessionSampleRate).toBe(0.25);
    expect(options.profileLifecycle).toBe('trace');
    expect((options.integrations as { name: string }[]).map((i) => i.name)).toEqual([
      'ProfilingIntegration',
    ]);
  });

  it('should stay off without a DSN or with a zero rate', () => {
    expect(sentryProfiling(undefined, '1')).toEqual({});
    expect(sentryProfiling(dsn, '0')).toEqual({});
    expect(sentryProfiling(dsn, undefined)).toEqual({});
  });

  it('should start without profiling when the native module cannot load', () => {
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    const options = sentryProfiling(dsn, '1', () => {
      throw new Error('no binary for this platform');
    });
    expect(options).toEqual({});
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('no binary for this platform'));
    warn.mockRestore();
  });
});
