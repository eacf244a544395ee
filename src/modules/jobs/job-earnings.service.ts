import { UnitOfWork } from 'src/common/database/unit-of-work';
import { Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AppError } from 'src/common/errors/app-error';
import { AuditLogService } from '../audit/audit-log.service';
import { WalletNotifier } from '../wallet/wallet-notifier';
import { JobEscrowService } from './job-escrow.service';
import { isUuid } from 'src/common/ids/uuid';
import { JobListCache } from './job-list.cache';
import { Job, JobResponse, toJobResponse } from './job.model';
import { JobsRepository } from './jobs.repository';
import { jobNotFound } from './jobs.service';
import { JobErrors } from './jobs.errors';

const BATCH_SIZE = 200;
const MAX_BATCHES = 50;

export interface AdminActor {
  id: string;
  requestId?: string;
}

export interface ReleaseCounts {
  released: number;
  skipped: number;
  failed: number;
}

/** The worker's earnings after a job: scheduled release, admin hold (dispute) and admin release. */
@Injectable()
export class JobEarningsService {
  private readonly logger = new Logger('JobEarnings');

  constructor(
    private readonly uow: UnitOfWork,
    private readonly jobs: JobsRepository,
    private readonly escrow: JobEscrowService,
    private readonly audit: AuditLogService,
    private readonly listCache: JobListCache,
    private readonly notifier: WalletNotifier,
  ) {}

  /**
   * Releases matured, unheld earnings. Each job is released in its own transaction under its row lock
   * and re-checked there, with a fixed ledger entry id: concurrent runs, or a run racing an admin
   * release, release each job exactly once. One failing job does not stop the others.
   */
  async releaseDue(): Promise<ReleaseCounts> {
    const counts: ReleaseCounts = { released: 0, skipped: 0, failed: 0 };
    const seen = new Set<string>();
    for (let batch = 0; batch < MAX_BATCHES; batch++) {
      const ids = (await this.jobs.dueForRelease(BATCH_SIZE)).filter((id) => !seen.has(id));
      if (ids.length === 0) break;
      for (const id of ids) {
        seen.add(id);
        try {
          const released = await this.uow.run('job.earnings.release', async (m) => {
            const job = await this.jobs.lockIfDue(id, m);
            if (!job) return null;
            await this.releaseLocked(job, null, { by: 'schedule' }, m);
            return job;
          });
          counts[released ? 'released' : 'skipped']++;
          if (released) await this.afterChange(released);
        } catch (err) {
          counts.failed++;
          this.logger.error(
            `Releasing earnings of job ${id} failed: ${err instanceof Error ? err.message : String(err)}`,
          );
        }
      }
    }
    return counts;
  }

  /** Admin: release now, ignoring the release date and any hold. Audit-logged with the release. */
  async adminRelease(actor: AdminActor, id: string, reason?: string): Promise<JobResponse> {
    if (!isUuid(id)) throw jobNotFound();
    const job = await this.uow.run('job.earnings.admin-release', async (m) => {
      const job = await this.jobs.lockById(id, m);
      if (!job) throw jobNotFound();
      if (job.earningsReleasedAt) throw new AppError(JobErrors.EARNINGS_ALREADY_RELEASED);
      if (job.status !== 'COMPLETED' || !job.earningsReleaseAt)
        throw new AppError(JobErrors.EARNINGS_NOT_PENDING);
      const updated = await this.releaseLocked(job, actor.id, { by: 'admin', reason }, m);
      await this.audit.record(
        {
          actorId: actor.id,
          action: 'job.earnings_release',
          targetType: 'job',
          targetId: job.id,
          before: { earningsHeld: job.earningsHeld, earningsReleasedAt: null },
          after: {
            earningsHeld: false,
            earningsReleasedAt: updated.earningsReleasedAt?.toISOString() ?? null,
          },
          requestId: actor.requestId ?? null,
          metadata: { reason: reason ?? null, amount: job.budget, workerId: job.workerId },
        },
        m,
      );
      return updated;
    });
    await this.afterChange(job);
    return toJobResponse(job);
  }

  /**
   * Stops the release job from paying out this job's earnings until an admin releases them. Allowed
   * on any job whose earnings are not yet released (also before completion, so a dispute raised while
   * the work is being approved holds the earnings from the moment they exist). Holding twice is a no-op.
   */
  async hold(actor: AdminActor, id: string, reason: string): Promise<JobResponse> {
    if (!isUuid(id)) throw jobNotFound();
    const job = await this.uow.run('job.earnings.hold', async (m) => {
      const job = await this.jobs.lockById(id, m);
      if (!job) throw jobNotFound();
      if (job.status === 'CANCELLED') throw new AppError(JobErrors.JOB_CANCELLED);
      if (job.earningsReleasedAt) throw new AppError(JobErrors.EARNINGS_ALREADY_RELEASED);
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
    await this.afterChange(job);
    return toJobResponse(job);
  }

  /** After commit: both participants' job lists show the change; the worker gets wallet.updated. */
  private afterChange(job: Job): Promise<void> {
    return this.uow.afterCommitted('job.earnings', [
      () => this.listCache.invalidate(job.clientId, job.workerId),
      () => this.notifier.publish(job.workerId),
    ]);
  }

  private async releaseLocked(
    job: Job,
    actorId: string | null,
    detail: Record<string, unknown>,
    m: EntityManager,
  ): Promise<Job> {
    await this.escrow.release(job, m);
    const updated = await this.jobs.update(
      job.id,
      { earningsReleasedAt: new Date(), earningsHeld: false },
      m,
    );
    await this.jobs.addEvent(
      { jobId: job.id, type: 'EARNINGS_RELEASED', amount: job.budget, actorId, detail },
      m,
    );
    return updated;
  }
}
