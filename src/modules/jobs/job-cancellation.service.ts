import { Injectable } from '@nestjs/common';
import type { AuthUser } from 'src/common/decorators/current-user.decorator';
import { UnitOfWork } from 'src/common/database/unit-of-work';
import { AppError } from 'src/common/errors/app-error';
import { JobErrors } from './jobs.errors';
import { isUuid } from 'src/common/ids/uuid';
import { TransactionsRepository } from '../wallet/transactions.repository';
import { WalletNotifier } from '../wallet/wallet-notifier';
import { JobCheckoutsService } from './job-checkouts.service';
import { JobEscrowService } from './job-escrow.service';
import { JobListCache } from './job-list.cache';
import { assertTransition } from './job-status';
import { JobResponse, toJobResponse } from './job.model';
import { JobsRepository } from './jobs.repository';
import { isParticipant, jobNotFound } from './jobs.service';

/** Cancelling a job before the work is done, with its money (downpayment back, open checkout closed). */
@Injectable()
export class JobCancellationService {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly jobs: JobsRepository,
    private readonly checkouts: JobCheckoutsService,
    private readonly transactions: TransactionsRepository,
    private readonly escrow: JobEscrowService,
    private readonly listCache: JobListCache,
    private readonly notifier: WalletNotifier,
  ) {}

  /**
   * Client or worker cancels before the work is reported done: a paid downpayment returns to the
   * client (fee kept); an open GCASH downpayment checkout is closed and expired at the gateway.
   * Lock order as in webhooks: that checkout's transaction row first, then the job row.
   */
  async cancel(user: AuthUser, id: string, reason: string): Promise<JobResponse> {
    if (!isUuid(id)) throw jobNotFound();
    const peek = await this.jobs.findById(id);
    if (!peek || !isParticipant(peek, user.id)) throw jobNotFound();
    const job = await this.uow.run('job.cancel', async (m, work) => {
      const open = await this.checkouts.openTransaction(peek, 'downpayment', m);
      const checkoutTxn = open ? await this.transactions.lockById(open.id, m) : null;
      const job = await this.jobs.lockById(id, m);
      if (!job) throw jobNotFound();
      // A checkout opened between the peek and the lock is not locked by us: let the caller retry.
      const nowOpen = await this.checkouts.openTransaction(job, 'downpayment', m);
      if (nowOpen && nowOpen.id !== checkoutTxn?.id)
        throw new AppError(JobErrors.JOB_CHANGED, { message: 'The job changed meanwhile; retry' });
      assertTransition(job.status, 'CANCELLED');
      const updated = await this.jobs.update(
        job.id,
        {
          status: 'CANCELLED',
          cancelledAt: new Date(),
          cancelledBy: user.id,
          cancelReason: reason,
        },
        m,
      );
      await this.jobs.addEvent(
        { jobId: job.id, type: 'JOB_CANCELLED', actorId: user.id, detail: { reason } },
        m,
      );
      if (checkoutTxn?.status === 'PENDING')
        work.afterCommit(await this.checkouts.closeForCancel(checkoutTxn, m));
      // Before completion the only money in escrow is the downpayment + fee: the downpayment goes
      // back to the client, the fee stays with the platform (ADR 0044).
      if (job.downpaymentPaidAt) {
        await this.escrow.refundDownpayment(job, m);
        await this.jobs.addEvent(
          {
            jobId: job.id,
            type: 'DOWNPAYMENT_REFUNDED',
            amount: job.downpaymentAmount,
            actorId: user.id,
            detail: { platformFeeKept: job.platformFee },
          },
          m,
        );
        work.afterCommit(() => this.notifier.publish(job.clientId));
      }
      work.afterCommit(() => this.listCache.invalidate(updated.clientId, updated.workerId));
      return updated;
    });
    return toJobResponse(job);
  }
}
