import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import type { AuthUser } from '../../common/decorators/current-user.decorator';
import { AppError } from '../../common/errors/app-error';
import { JobEscrowService } from './job-escrow.service';
import { JobListCache } from './job-list.cache';
import { JobMilestonesService } from './job-milestones.service';
import { isUuid } from './job-id';
import { assertTransition } from './job-status';
import { Job, JobPaymentMethod, JobResponse, toJobResponse } from './job.model';
import { JobsRepository } from './jobs.repository';
import { isParticipant, jobNotFound } from './jobs.service';

export interface JobPaymentResult {
  job: JobResponse;
  /** GCASH: where the client pays; the paid webhook funds escrow. */
  checkout?: { checkoutUrl: string; checkoutId: string; provider: string; transactionId: string };
}

/** The client's two payments (downpayment, remaining at approval) and the settlement they trigger. */
@Injectable()
export class JobPaymentsService {
  constructor(
    private readonly ds: DataSource,
    private readonly jobs: JobsRepository,
    private readonly escrow: JobEscrowService,
    private readonly milestones: JobMilestonesService,
    private readonly listCache: JobListCache,
  ) {}

  async payDownpayment(
    user: AuthUser,
    id: string,
    method: JobPaymentMethod,
  ): Promise<JobPaymentResult> {
    if (method !== 'WALLET')
      throw AppError.badRequest('METHOD_NOT_AVAILABLE', 'GCASH is not available yet');
    const job = await this.asClient(user, id, async (job, m) => {
      assertTransition(job.status, 'IN_PROGRESS');
      const funded = await this.escrow.fundDownpayment(job, { kind: 'WALLET' }, m);
      return this.milestones.downpaymentPaid(
        job,
        'WALLET',
        user.id,
        m,
        funded.paymentTransactionId,
      );
    });
    return { job: toJobResponse(job) };
  }

  async approveCompletion(
    user: AuthUser,
    id: string,
    method: JobPaymentMethod,
  ): Promise<JobPaymentResult> {
    if (method !== 'WALLET')
      throw AppError.badRequest('METHOD_NOT_AVAILABLE', 'GCASH is not available yet');
    const job = await this.asClient(user, id, async (job, m) => {
      assertTransition(job.status, 'COMPLETED');
      await this.jobs.update(job.id, { approvedAt: new Date() }, m);
      await this.jobs.addEvent({ jobId: job.id, type: 'COMPLETION_APPROVED', actorId: user.id }, m);
      return this.milestones.remainingPaid(job, { kind: 'WALLET' }, user.id, m);
    });
    return { job: toJobResponse(job) };
  }

  /** The client's job under its row lock; others → 404, the worker → 403. */
  private async asClient(
    user: AuthUser,
    id: string,
    fn: (job: Job, m: EntityManager) => Promise<Job>,
  ): Promise<Job> {
    if (!isUuid(id)) throw jobNotFound();
    const job = await this.ds.transaction(async (m) => {
      const locked = await this.jobs.lockById(id, m);
      if (!locked || !isParticipant(locked, user.id)) throw jobNotFound();
      if (locked.clientId !== user.id)
        throw AppError.forbidden('NOT_JOB_CLIENT', "Only the job's client can do this");
      return fn(locked, m);
    });
    await this.listCache.invalidate(job.clientId, job.workerId);
    return job;
  }
}
