import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AppError } from '../../common/errors/app-error';
import { isUuid } from './job-id';
import { AuditLogService } from '../audit/audit-log.service';
import { JobListCache } from './job-list.cache';
import { JobResponse, toJobResponse } from './job.model';
import { JobsRepository } from './jobs.repository';
import { jobNotFound } from './jobs.service';

export interface AdminActor {
  id: string;
  requestId?: string;
}

/** The worker's earnings after a job: admin hold (dispute) and release. */
@Injectable()
export class JobEarningsService {
  constructor(
    private readonly ds: DataSource,
    private readonly jobs: JobsRepository,
    private readonly audit: AuditLogService,
    private readonly listCache: JobListCache,
  ) {}

  /**
   * Stops the release job from paying out this job's earnings until an admin releases them. Allowed
   * on any job whose earnings are not yet released (also before completion, so a dispute raised while
   * the work is being approved holds the earnings from the moment they exist). Holding twice is a no-op.
   */
  async hold(actor: AdminActor, id: string, reason: string): Promise<JobResponse> {
    if (!isUuid(id)) throw jobNotFound();
    const job = await this.ds.transaction(async (m) => {
      const job = await this.jobs.lockById(id, m);
      if (!job) throw jobNotFound();
      if (job.status === 'CANCELLED')
        throw AppError.conflict('JOB_CANCELLED', 'A cancelled job has no earnings to hold');
      if (job.earningsReleasedAt)
        throw AppError.conflict(
          'EARNINGS_ALREADY_RELEASED',
          'These earnings were already released',
        );
      const before = { earningsHeld: job.earningsHeld, earningsHoldReason: job.earningsHoldReason };
      const updated = job.earningsHeld
        ? job
        : await this.jobs.update(job.id, { earningsHeld: true, earningsHoldReason: reason }, m);
      if (!job.earningsHeld)
        await this.jobs.addEvent(
          { jobId: job.id, type: 'EARNINGS_HELD', actorId: actor.id, detail: { reason } },
          m,
        );
      await this.audit.record(
        {
          actorId: actor.id,
          action: 'job.earnings_hold',
          targetType: 'job',
          targetId: job.id,
          before,
          after: { earningsHeld: true, earningsHoldReason: updated.earningsHoldReason },
          requestId: actor.requestId ?? null,
          metadata: { reason, alreadyHeld: job.earningsHeld },
        },
        m,
      );
      return updated;
    });
    await this.listCache.invalidate(job.clientId, job.workerId);
    return toJobResponse(job);
  }
}
