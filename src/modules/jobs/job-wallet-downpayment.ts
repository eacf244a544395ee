import { Injectable, Logger } from '@nestjs/common';
import type { Pool } from 'pg';
import { DataSource } from 'typeorm';
import { pgPoolOf } from 'src/common/database/pg-pool';
import { databaseErrorCode } from 'src/common/database/connection-errors';
import { UnitOfWork } from 'src/common/database/unit-of-work';
import { idempotentEffectReplays } from 'src/common/database/unit-of-work.metrics';
import { AppError } from 'src/common/errors/app-error';
import { idempotencyContext } from 'src/common/idempotency/idempotency-context';
import { LedgerService } from '../ledger/ledger.service';
import { JobEscrowService } from './job-escrow.service';
import { downpaymentPaidChange } from './job-milestones.service';
import { fromJobRow, Job, JobRow } from './job.model';
import { JobErrors } from './jobs.errors';

/** The job as last committed, as the downpayment rules see it. */
export interface DownpaymentView {
  job: Job | null;
  /** A gateway checkout of the downpayment is open (PENDING with a provider). */
  checkoutOpen: boolean;
}

/** The name the change is recorded under on the request's Idempotency-Key (as `runOnce` did). */
const EFFECT = 'job.downpayment';
/** How often a job that changed between the read and the locks is read again before giving up. */
const MAX_READS = 5;

const READ_SQL = `
  SELECT j.*,
         EXISTS (SELECT 1 FROM transactions t WHERE t.id = j.downpayment_transaction_id
                    AND t.status = 'PENDING' AND t.provider IS NOT NULL) AS checkout_open,
         coalesce((SELECT jsonb_exists(k.effects, $3) FROM idempotency_keys k WHERE k.id = $2),
                  false) AS replayed
  FROM jobs j WHERE j.id = $1`;
const PAY_SQL = `SELECT r.o_replayed AS replayed, (r.o_job).* FROM ledger_job_downpayment(${Array.from(
  { length: 26 },
  (_, i) => `$${i + 1}`,
).join(', ')}) r`;

type Row = JobRow & { replayed: boolean; checkout_open?: boolean };

/**
 * The wallet-funded downpayment in two round trips (ADR 0128): the job is read, the caller's rules
 * decide on it here in TypeScript, and one statement (`ledger_job_downpayment`) locks the key and the
 * job, re-checks that the job is still what was read, posts, writes the rows, moves the job and
 * records the key's effect. If the job changed in between, nothing is written and it is read again,
 * so a refusal is always the rules' answer to the job as it is.
 */
@Injectable()
export class JobWalletDownpayment {
  private readonly logger = new Logger('JobWalletDownpayment');
  private readonly pool: Pool;

  constructor(
    ds: DataSource,
    private readonly uow: UnitOfWork,
    private readonly ledger: LedgerService,
    private readonly escrow: JobEscrowService,
  ) {
    this.pool = pgPoolOf(ds);
  }

  /**
   * Pays the downpayment of job `id` from the client's wallet; `rules` throws the refusal for a job
   * it does not accept, or returns it. Inside a request with an Idempotency-Key whose effect is
   * already recorded, returns that job without applying the rules again.
   */
  async pay(id: string, rules: (view: DownpaymentView) => Job): Promise<Job> {
    const keyId = idempotencyContext.getStore()?.keyId ?? null;
    for (let read = 1; ; read++) {
      const rows = await this.query('job_downpayment_read', READ_SQL, [id, keyId, EFFECT]);
      const row = rows[0] as Row | undefined;
      if (row?.replayed) {
        idempotentEffectReplays.inc({ name: EFFECT });
        return fromJobRow(row);
      }
      const job = rules({
        job: row ? fromJobRow(row) : null,
        checkoutOpen: row?.checkout_open === true,
      });
      try {
        return await this.uow.runStatement(EFFECT, () => this.apply(job, keyId));
      } catch (err) {
        if (databaseErrorCode(err) === 'JD001' && read < MAX_READS) continue;
        throw this.refusal(err, job);
      }
    }
  }

  private async apply(job: Job, keyId: string | null): Promise<Job> {
    const change = downpaymentPaidChange(job, 'WALLET', job.clientId);
    const rows = this.escrow.downpaymentRows(job).map((r) => ({
      user_id: r.userId,
      type: r.type,
      amount: r.amount,
      currency: r.currency ?? 'PHP',
      description: r.description ?? null,
      reference: r.reference ?? null,
      job_id: r.jobId ?? null,
      metadata: r.metadata ?? {},
    }));
    const [row] = await this.query('ledger_job_downpayment', PAY_SQL, [
      ...this.ledger.postParams(this.escrow.downpaymentEntry(job, { kind: 'WALLET' })),
      keyId,
      EFFECT,
      job.id,
      job.clientId,
      job.status,
      job.downpaymentAmount,
      job.platformFee,
      job.downpaymentTransactionId,
      JSON.stringify(rows),
      change.patch.status,
      change.patch.downpaymentMethod,
      change.patch.downpaymentPaidAt,
      change.event.type,
      change.event.amount,
      JSON.stringify(change.event.detail),
    ]);
    if (row.replayed) idempotentEffectReplays.inc({ name: EFFECT });
    else this.ledger.countPosted('APPLIED');
    return fromJobRow(row);
  }

  /** The statement's refusals as the errors the transactional path raised (same codes, same HTTP). */
  private refusal(err: unknown, job: Job): unknown {
    switch (databaseErrorCode(err)) {
      case 'JD001':
        return new AppError(JobErrors.JOB_CHANGED);
      case 'JD002':
        this.ledger.countPosted('REJECTED');
        return this.escrow.refusal(detailOf(err));
      case 'JD003': {
        const message = `Ledger entry ${this.escrow.downpaymentEntry(job, { kind: 'WALLET' }).entryId} already applied`;
        this.logger.error(`${message} but the job state disagrees`);
        return new Error(message);
      }
      default:
        return err;
    }
  }

  /** One named statement on the pool: autocommit, prepared once per connection. */
  private async query(name: string, text: string, values: unknown[]): Promise<Row[]> {
    return (await this.pool.query<Row>({ name, text, values })).rows;
  }
}

function detailOf(err: unknown): string | null {
  const detail = (err as { detail?: unknown } | null)?.detail;
  return typeof detail === 'string' && detail !== '' ? detail : null;
}
