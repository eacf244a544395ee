import type { JobCounts } from './scheduled-job.types';

/**
 * Thrown by a job handler that did part of its work but could not do the rest (e.g. some gateway
 * lookups errored): the run is recorded and logged as failed, and its counts are kept, so "3 settled,
 * 1 could not be checked" is never reported as a success.
 */
export class JobPartialFailure extends Error {
  constructor(
    message: string,
    readonly counts: JobCounts,
  ) {
    super(message);
    this.name = 'JobPartialFailure';
  }
}
