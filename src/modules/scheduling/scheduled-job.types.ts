/** What a job handler may report: named counts (e.g. `{credited: 3, expired: 1}`) shown in admin and logs. */
export type JobCounts = Record<string, number>;

export interface ScheduledJobDefinition {
  /** Stable, URL-safe name, e.g. `ledger-audit`. */
  name: string;
  /** Cron expression (seconds optional), evaluated in UTC. */
  schedule: string;
  description: string;
  handler: () => Promise<JobCounts | void>;
}

export interface JobRun {
  id: string;
  trigger: 'schedule' | 'manual';
  startedAt: string;
  finishedAt: string | null;
  outcome: 'running' | 'succeeded' | 'failed' | 'skipped';
  counts: JobCounts | null;
  error: string | null;
}

export interface ScheduledJobInfo {
  name: string;
  schedule: string;
  description: string;
  enabled: boolean;
  lastRun: JobRun | null;
}
