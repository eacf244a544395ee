// Imported first by main.ts so Sentry can instrument modules before they load. No DSN → no-op.
import * as Sentry from '@sentry/nestjs';
import { sentryProfiling } from './common/logging/sentry-profiling';

const dsn = process.env.SENTRY_DSN || undefined;
const profiling = sentryProfiling(dsn, process.env.SENTRY_PROFILES_SAMPLE_RATE);
Sentry.init({
  dsn,
  environment: process.env.ENVIRONMENT ?? process.env.NODE_ENV ?? 'development',
  release: process.env.APP_VERSION,
  tracesSampleRate: dsn ? Number(process.env.SENTRY_TRACES_SAMPLE_RATE ?? 0) : 0,
  ...profiling,
  sendDefaultPii: false,
  beforeSend(event) {
    // Never ship credentials: drop headers and cookies from captured requests.
    if (event.request) {
      delete event.request.cookies;
      delete event.request.headers;
      delete event.request.data;
    }
    return event;
  },
});
