import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { UnitOfWork } from 'src/common/database/unit-of-work';
import type { AuthUser } from 'src/common/decorators/current-user.decorator';
import { AppError } from 'src/common/errors/app-error';
import { WalletNotifier } from '../wallet/wallet-notifier';
import type { Transaction } from '../wallet/transaction.model';
import { JobCheckout, JobCheckoutsService, JobCheckoutStep } from './job-checkouts.service';
import { isUuid } from 'src/common/ids/uuid';
import { JobListCache } from './job-list.cache';
import { JobMilestonesService } from './job-milestones.service';
import { JobWalletDownpayment } from './job-wallet-downpayment';
import { assertTransition } from './job-status';
import { Job, JobPaymentMethod, JobResponse, toJobResponse } from './job.model';
import { JobsRepository } from './jobs.repository';
import { isParticipant, jobNotFound } from './jobs.service';
import { JobErrors } from './jobs.errors';

export interface JobPaymentResult {
  job: JobResponse;
  /** GCASH: where the client pays; the paid webhook funds escrow. Null for WALLET. */
  checkout: JobCheckout | null;
}

/** The client's two payments (downpayment, remaining at approval) and the settlement they trigger. */
@Injectable()
export class JobPaymentsService {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly jobs: JobsRepository,
    private readonly wallet: JobWalletDownpayment,
    private readonly milestones: JobMilestonesService,
    private readonly checkouts: JobCheckoutsService,
    private readonly listCache: JobListCache,
    private readonly notifier: WalletNotifier,
  ) {}

  async payDownpayment(
    user: AuthUser,
    id: string,
    method: JobPaymentMethod,
  ): Promise<JobPaymentResult> {
    if (method === 'GCASH') return this.viaGateway(user, id, 'downpayment');
    if (!isUuid(id)) throw jobNotFound();
    // The rules decide on the job as read; one statement then makes the change under the locks, or
    // refuses if the job changed meanwhile and the rules see it again (ADR 0128).
    const job = await this.wallet.pay(id, (view) => {
      const job = clientsJob(view.job, user.id);
      assertTransition(job.status, 'IN_PROGRESS');
      if (view.checkoutOpen) throw checkoutOpen();
      return job;
    });
    await this.uow.afterCommitted('job.downpayment', [
      () => this.listCache.invalidate(job.clientId, job.workerId),
    ]);
    // The push re-reads the wallet; the response does not carry it, so it is not waited for.
    this.uow.afterCommittedInBackground('job.downpayment', [
      () => this.notifier.publish(job.clientId),
    ]);
    return { job: toJobResponse(job), checkout: null };
  }

  async approveCompletion(
    user: AuthUser,
    id: string,
    method: JobPaymentMethod,
  ): Promise<JobPaymentResult> {
    if (method === 'GCASH') return this.viaGateway(user, id, 'remaining');
    const job = await this.asClient(user, id, 'job.approve', async (job, m) => {
      assertTransition(job.status, 'COMPLETED');
      await this.refuseIfCheckoutOpen(job, 'remaining', m);
      await this.markApproved(job, user.id, m);
      return this.milestones.remainingPaid(job, { kind: 'WALLET' }, user.id, m);
    });
    this.uow.afterCommittedInBackground('job.approve', [
      () => this.notifier.publish(job.clientId),
      () => this.notifier.publish(job.workerId),
    ]);
    return { job: toJobResponse(job), checkout: null };
  }

  /**
   * GCASH: under the job lock, reuse the open checkout of this step or prepare a new PENDING
   * transaction; the gateway is called after commit (never inside a DB transaction).
   */
  private async viaGateway(
    user: AuthUser,
    id: string,
    step: JobCheckoutStep,
  ): Promise<JobPaymentResult> {
    // The gateway is chosen under the job lock (prepare): without one, nothing is written (503).
    let prepared: { existing: JobCheckout | null; transaction: Transaction | null } | undefined;
    // Not recorded on the key: the checkout step is itself repeatable (an open checkout is reused).
    const job = await this.asClient(user, id, null, async (job, m) => {
      assertTransition(job.status, step === 'downpayment' ? 'IN_PROGRESS' : 'COMPLETED');
      if (step === 'remaining') await this.markApproved(job, user.id, m);
      prepared = await this.checkouts.prepare(job, step, m);
      return job;
    });
    if (!prepared) throw new Error('checkout was not prepared');
    const checkout =
      prepared.existing ??
      (await this.checkouts.open(job, step, prepared.transaction as Transaction));
    const fresh = (await this.jobs.findById(job.id)) ?? job;
    return { job: toJobResponse(fresh), checkout };
  }

  /** The client approved the work (once; a GCASH approval may be retried while its checkout is open). */
  private async markApproved(job: Job, actorId: string, m: EntityManager): Promise<void> {
    if (job.approvedAt) return;
    await this.jobs.update(job.id, { approvedAt: new Date() }, m);
    await this.jobs.addEvent({ jobId: job.id, type: 'COMPLETION_APPROVED', actorId }, m);
  }

  /** Paying by wallet while a gateway checkout for the same step is open could charge twice. */
  private async refuseIfCheckoutOpen(
    job: Job,
    step: JobCheckoutStep,
    m: EntityManager,
  ): Promise<void> {
    if (await this.checkouts.openTransaction(job, step, m)) throw checkoutOpen();
  }

  /**
   * The client's job under its row lock; others → 404, the worker → 403. With a `once` step name the
   * change is recorded on the request's Idempotency-Key: a retry after a crash gets the committed job
   * back instead of a wrong refusal (the job already moved on).
   */
  private async asClient(
    user: AuthUser,
    id: string,
    once: string | null,
    fn: (job: Job, m: EntityManager) => Promise<Job>,
  ): Promise<Job> {
    if (!isUuid(id)) throw jobNotFound();
    const change = async (m: EntityManager): Promise<Job> => {
      return fn(clientsJob(await this.jobs.lockById(id, m), user.id), m);
    };
    // The job as this request's committed transaction left it (UPDATE … RETURNING): set by an
    // after-commit hook, so an attempt that rolled back never leaves it behind. Only a replay (the
    // key already holds the effect, nothing ran) reads the job again.
    let committed: Job | undefined;
    const job = once
      ? await this.uow
          .runOnce(once, async (m, work) => {
            const changed = await change(m);
            work.afterCommit(() => {
              committed = changed;
            });
            return changed.id;
          })
          .then((jobId) => committed ?? this.committedJob(jobId))
      : await this.uow.run('job.checkout', change);
    await this.uow.afterCommitted(once ?? 'job.checkout', [
      () => this.listCache.invalidate(job.clientId, job.workerId),
    ]);
    return job;
  }

  private async committedJob(id: string): Promise<Job> {
    const job = await this.jobs.findById(id);
    if (!job) throw new Error(`job ${id} vanished`);
    return job;
  }
}

/** The caller's job if they are its client: others get 404, the worker 403. */
function clientsJob(job: Job | null, userId: string): Job {
  if (!job || !isParticipant(job, userId)) throw jobNotFound();
  if (job.clientId !== userId)
    throw new AppError(JobErrors.NOT_JOB_CLIENT, { message: "Only the job's client can do this" });
  return job;
}

/** The refusal of a wallet payment while a gateway checkout of the same step is open. */
const checkoutOpen = () =>
  new AppError(JobErrors.PAYMENT_IN_PROGRESS, {
    message: 'A GCash checkout for this payment is open: pay it, or wait until it expires',
  });
