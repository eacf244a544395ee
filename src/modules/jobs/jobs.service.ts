import { UnitOfWork } from 'src/common/database/unit-of-work';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { AuthUser } from 'src/common/decorators/current-user.decorator';
import { AppError } from 'src/common/errors/app-error';
import { JobErrors } from './jobs.errors';
import { isUuid } from 'src/common/ids/uuid';
import { PlatformSettingsService } from '../platform-settings/platform-settings.service';
import { UsersService } from '../users/users.service';
import { computeJobAmounts } from './job-amounts';
import { JobListCache } from './job-list.cache';
import type { TimelineEvent } from './job-events';
import { assertTransition, JobStatus } from './job-status';
import { Job, JobResponse, toJobResponse } from './job.model';
import { JobsRepository } from './jobs.repository';

const DEFAULT_PAGE = 20;

export interface JobPage {
  data: JobResponse[];
  nextCursor: string | null;
}

/** Job lifecycle: creation with fixed amounts, participant-only reads, the status machine. */
@Injectable()
export class JobsService {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly jobs: JobsRepository,
    private readonly users: UsersService,
    private readonly settings: PlatformSettingsService,
    private readonly listCache: JobListCache,
  ) {}

  async create(
    client: AuthUser,
    input: { title: string; budget: number; workerId: string },
  ): Promise<JobResponse> {
    const worker = await this.users.findById(input.workerId);
    if (!worker) throw new AppError(JobErrors.WORKER_NOT_FOUND, { message: 'No such worker' });
    if (worker.role !== 'WORKER' && worker.role !== 'AGENCY')
      throw new AppError(JobErrors.INVALID_WORKER, {
        message: 'workerId must be a WORKER or AGENCY user',
      });
    const job = await this.uow.run('job.create', async (m, work) => {
      // Snapshot the settings in force: later changes apply to new jobs only.
      const s = await this.settings.current(m);
      const amounts = computeJobAmounts(input.budget, s.platformFeeBps);
      const created = await this.jobs.insert(
        {
          clientId: client.id,
          workerId: worker.id,
          title: input.title,
          ...amounts,
          platformFeeBps: s.platformFeeBps,
          paymentBufferDays: s.paymentBufferDays,
        },
        m,
      );
      await this.jobs.addEvent(
        {
          jobId: created.id,
          type: 'JOB_CREATED',
          amount: created.budget,
          actorId: client.id,
          detail: {
            platformFee: created.platformFee,
            downpaymentAmount: created.downpaymentAmount,
            remainingAmount: created.remainingAmount,
          },
        },
        m,
      );
      work.afterCommit(() => this.listCache.invalidate(created.clientId, created.workerId));
      return created;
    });
    return toJobResponse(job);
  }

  /** Served from the query cache; every job change invalidates both participants after commit. */
  async list(
    user: AuthUser,
    q: { status?: JobStatus; limit?: number; cursor?: string },
  ): Promise<JobPage> {
    const limit = q.limit ?? DEFAULT_PAGE;
    const query = `${q.status ?? 'ALL'}:${limit}:${q.cursor ?? ''}`;
    return this.listCache.wrap(user.id, query, async () => {
      const rows = await this.jobs.listForUser(user.id, { ...q, limit: limit + 1 });
      const page = rows.slice(0, limit);
      return {
        data: page.map(toJobResponse),
        nextCursor: rows.length > limit ? page[page.length - 1].id : null,
      };
    });
  }

  async get(user: AuthUser, id: string): Promise<JobResponse> {
    return toJobResponse(await this.findForParticipant(user, id));
  }

  /** The assigned worker reports the work done: IN_PROGRESS → AWAITING_APPROVAL. */
  async complete(user: AuthUser, id: string): Promise<JobResponse> {
    return this.inJobTransaction(user, id, async (job, m) => {
      if (job.workerId !== user.id)
        throw new AppError(JobErrors.NOT_ASSIGNED_WORKER, {
          message: 'Only the assigned worker can do this',
        });
      assertTransition(job.status, 'AWAITING_APPROVAL');
      const updated = await this.jobs.update(
        job.id,
        { status: 'AWAITING_APPROVAL', workCompletedAt: new Date() },
        m,
      );
      await this.jobs.addEvent({ jobId: job.id, type: 'WORK_COMPLETED', actorId: user.id }, m);
      return updated;
    });
  }

  /**
   * Recorded milestones in order, then — while earnings are still pending — the scheduled release
   * as the last, future-dated entry.
   */
  async timeline(user: AuthUser, id: string): Promise<{ events: TimelineEvent[] }> {
    const job = await this.findForParticipant(user, id);
    const events = await this.jobs.events(job.id);
    if (job.earningsReleaseAt && !job.earningsReleasedAt)
      events.push({
        type: 'EARNINGS_RELEASE_SCHEDULED',
        at: job.earningsReleaseAt.toISOString(),
        amount: job.budget,
        detail: { held: job.earningsHeld },
      });
    return { events };
  }

  /** Others' jobs (and malformed ids) are 404: existence is never revealed. */
  private async findForParticipant(user: AuthUser, id: string): Promise<Job> {
    const job = isUuid(id) ? await this.jobs.findById(id) : null;
    if (!job || !isParticipant(job, user.id)) throw jobNotFound();
    return job;
  }

  /** Locks the job row for the whole change so concurrent requests serialise on it. */
  private async inJobTransaction(
    user: AuthUser,
    id: string,
    fn: (job: Job, m: EntityManager) => Promise<Job>,
  ): Promise<JobResponse> {
    if (!isUuid(id)) throw jobNotFound();
    const job = await this.uow.run('job.change', async (m, work) => {
      const locked = await this.jobs.lockById(id, m);
      if (!locked || !isParticipant(locked, user.id)) throw jobNotFound();
      work.afterCommit(() => this.listCache.invalidate(locked.clientId, locked.workerId));
      return fn(locked, m);
    });
    return toJobResponse(job);
  }
}

export function isParticipant(job: Job, userId: string): boolean {
  return job.clientId === userId || job.workerId === userId;
}

export const jobNotFound = () =>
  new AppError(JobErrors.JOB_NOT_FOUND, { message: 'Job not found' });
