/** Milestones recorded in `job_events`, in the order they normally happen. */
export const JOB_EVENT_TYPES = [
  'JOB_CREATED',
  'DOWNPAYMENT_PAID',
  'WORK_COMPLETED',
  'COMPLETION_APPROVED',
  'REMAINING_PAID',
  'EARNINGS_PENDING',
  'EARNINGS_HELD',
  'EARNINGS_HOLD_LIFTED',
  'EARNINGS_RELEASED',
  'JOB_CANCELLED',
  'DOWNPAYMENT_REFUNDED',
] as const;
export type JobEventType = (typeof JOB_EVENT_TYPES)[number];

export interface NewJobEvent {
  jobId: string;
  type: JobEventType;
  amount?: number;
  actorId?: string | null;
  detail?: Record<string, unknown>;
}

/** One entry of `GET /api/jobs/:id/payment-timeline`. */
export interface TimelineEvent {
  type: JobEventType | 'EARNINGS_RELEASE_SCHEDULED';
  at: string;
  amount?: number;
  detail?: Record<string, unknown>;
}
