import { AppError } from 'src/common/errors/app-error';
import { JobErrors } from './jobs.errors';

export const JOB_STATUSES = [
  'AWAITING_DOWNPAYMENT',
  'IN_PROGRESS',
  'AWAITING_APPROVAL',
  'COMPLETED',
  'CANCELLED',
] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

/**
 * The only allowed status changes — the single source of truth for the job state machine.
 * Cancelling is possible only before the worker reports the work done: after that the worker has
 * delivered, and a dispute goes through an admin instead.
 */
export const JOB_TRANSITIONS: Readonly<Record<JobStatus, readonly JobStatus[]>> = {
  AWAITING_DOWNPAYMENT: ['IN_PROGRESS', 'CANCELLED'],
  IN_PROGRESS: ['AWAITING_APPROVAL', 'CANCELLED'],
  AWAITING_APPROVAL: ['COMPLETED'],
  COMPLETED: [],
  CANCELLED: [],
};

export function canTransition(from: JobStatus, to: JobStatus): boolean {
  return JOB_TRANSITIONS[from].includes(to);
}

/** Throws 409 INVALID_JOB_TRANSITION unless `from → to` is in the table. */
export function assertTransition(from: JobStatus, to: JobStatus): void {
  if (!canTransition(from, to))
    throw new AppError(JobErrors.INVALID_JOB_TRANSITION, {
      message: `A job that is ${from} cannot become ${to}`,
      details: [{ from, to, allowed: JOB_TRANSITIONS[from] }],
    });
}
