import { Inject, Injectable, Logger } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import * as Sentry from '@sentry/nestjs';
import { CronJob } from 'cron';
import { hostname } from 'node:os';
import { DataSource } from 'typeorm';
import type { AppConfig } from 'src/config/app-config';
import { APP_CONFIG } from 'src/config/config.token';
import { AppError } from 'src/common/errors/app-error';
import { withAdvisoryLock } from 'src/common/locks/advisory-lock';
import { isDatabaseUnavailable } from 'src/common/database/connection-errors';
import { JobPartialFailure } from './job-partial-failure';
import { jobRunDuration, jobRunsTotal } from './scheduled-job.metrics';
import type {
  JobCounts,
  JobRun,
  ScheduledJobDefinition,
  ScheduledJobInfo,
} from './scheduled-job.types';
import { SchedulingErrors } from './scheduling.errors';

interface RunRow {
  id: string;
  job_name: string;
  trigger: 'schedule' | 'manual';
  started_at: Date;
  finished_at: Date | null;
  outcome: 'running' | 'succeeded' | 'failed';
  counts: JobCounts | null;
  error: string | null;
}

const INSTANCE = `${hostname()}:${process.pid}`;

/**
 * Every scheduled job runs through here: once across all instances (PostgreSQL advisory lock), with each
 * run recorded (start, end, outcome, counts) for admin and /metrics. Feature modules register their jobs
 * in `onModuleInit`; CRON_DISABLED stops the timers but `runNow` still works.
 */
@Injectable()
export class ScheduledJobsService {
  private readonly logger = new Logger('ScheduledJobs');
  private readonly jobs = new Map<string, ScheduledJobDefinition>();

  constructor(
    private readonly ds: DataSource,
    private readonly scheduler: SchedulerRegistry,
    @Inject(APP_CONFIG) private readonly cfg: AppConfig,
  ) {}

  register(def: ScheduledJobDefinition): void {
    if (this.jobs.has(def.name)) throw new Error(`Scheduled job ${def.name} registered twice`);
    this.jobs.set(def.name, def);
    if (this.cfg.switches.cronDisabled) return;
    const job = CronJob.from({
      cronTime: def.schedule,
      timeZone: 'UTC',
      start: true,
      onTick: () => {
        this.runNow(def.name, 'schedule').catch((err: unknown) => {
          const msg = `Job ${def.name} crashed: ${err instanceof Error ? err.message : String(err)}`;
          // The database being away is an outage (logged once by DatabaseOutage), not a job bug.
          if (isDatabaseUnavailable(err)) this.logger.warn(msg);
          else this.logger.error(msg);
        });
      },
    });
    this.scheduler.addCronJob(def.name, job);
  }

  /** Runs a job now if no other instance is running it; returns the recorded run (or `skipped`). */
  async runNow(name: string, trigger: 'schedule' | 'manual' = 'manual'): Promise<JobRun> {
    const def = this.jobs.get(name);
    if (!def)
      throw new AppError(SchedulingErrors.SCHEDULED_JOB_NOT_FOUND, {
        message: `No scheduled job named ${name}`,
      });
    const outcome = await withAdvisoryLock(this.ds, `job:${name}`, () =>
      this.execute(def, trigger),
    );
    if (!outcome.acquired) {
      jobRunsTotal.inc({ job: name, outcome: 'skipped' });
      return {
        id: '',
        trigger,
        startedAt: new Date().toISOString(),
        finishedAt: new Date().toISOString(),
        outcome: 'skipped',
        counts: null,
        error: 'another instance is running this job',
      };
    }
    return outcome.result;
  }

  async list(): Promise<ScheduledJobInfo[]> {
    const rows = await this.ds.query<RunRow[]>(
      `SELECT DISTINCT ON (job_name) * FROM scheduled_job_runs ORDER BY job_name, started_at DESC, id DESC`,
    );
    const last = new Map(rows.map((r) => [r.job_name, toRun(r)]));
    return [...this.jobs.values()]
      .map((d) => ({
        name: d.name,
        schedule: d.schedule,
        description: d.description,
        enabled: !this.cfg.switches.cronDisabled,
        lastRun: last.get(d.name) ?? null,
      }))
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  private async execute(
    def: ScheduledJobDefinition,
    trigger: 'schedule' | 'manual',
  ): Promise<JobRun> {
    const [started] = await this.ds.query<RunRow[]>(
      `INSERT INTO scheduled_job_runs (job_name, trigger, outcome, instance) VALUES ($1, $2, 'running', $3) RETURNING *`,
      [def.name, trigger, INSTANCE],
    );
    const end = jobRunDuration.startTimer({ job: def.name });
    let outcome: 'succeeded' | 'failed' = 'succeeded';
    let counts: JobCounts | null = null;
    let error: string | null = null;
    try {
      counts = (await def.handler()) ?? null;
    } catch (err) {
      outcome = 'failed';
      error = err instanceof Error ? err.message : String(err);
      if (err instanceof JobPartialFailure) {
        // Part of the work was done: keep its counts on the failed run.
        counts = err.counts;
        this.logger.error(`Job ${def.name} failed: ${error} (${JSON.stringify(counts)})`);
      } else if (isDatabaseUnavailable(err)) {
        this.logger.warn(`Job ${def.name} failed: the database is unreachable (${error})`);
      } else {
        this.logger.error(`Job ${def.name} failed: ${error}`);
        Sentry.captureException(err, { tags: { scheduled_job: def.name } });
      }
    }
    end();
    jobRunsTotal.inc({ job: def.name, outcome });
    const [finished] = await this.ds.query<[RunRow[], number]>(
      `UPDATE scheduled_job_runs SET finished_at = now(), outcome = $2, counts = $3, error = $4 WHERE id = $1 RETURNING *`,
      [started.id, outcome, counts ? JSON.stringify(counts) : null, error],
    );
    return toRun(finished[0]);
  }
}

function toRun(r: RunRow): JobRun {
  return {
    id: String(r.id),
    trigger: r.trigger,
    startedAt: r.started_at.toISOString(),
    finishedAt: r.finished_at ? r.finished_at.toISOString() : null,
    outcome: r.outcome,
    counts: r.counts,
    error: r.error,
  };
}
