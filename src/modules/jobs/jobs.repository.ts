import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import type { JobStatus } from './job-status';
import type { NewJobEvent, TimelineEvent } from './job-events';
import { fromJobRow, Job, JobRow } from './job.model';

export interface NewJob {
  clientId: string;
  workerId: string;
  title: string;
  budget: number;
  platformFeeBps: number;
  platformFee: number;
  downpaymentAmount: number;
  remainingAmount: number;
  paymentBufferDays: number;
}

/** Columns a state change may set (camelCase → column). Anything else is not updatable. */
const UPDATABLE = {
  status: 'status',
  downpaymentMethod: 'downpayment_method',
  downpaymentPaidAt: 'downpayment_paid_at',
  workCompletedAt: 'work_completed_at',
  approvedAt: 'approved_at',
  remainingMethod: 'remaining_method',
  remainingPaidAt: 'remaining_paid_at',
  completedAt: 'completed_at',
  cancelledAt: 'cancelled_at',
  cancelledBy: 'cancelled_by',
  cancelReason: 'cancel_reason',
  earningsReleaseAt: 'earnings_release_at',
  earningsReleasedAt: 'earnings_released_at',
  earningsHeld: 'earnings_held',
  earningsHoldReason: 'earnings_hold_reason',
  downpaymentTransactionId: 'downpayment_transaction_id',
  remainingTransactionId: 'remaining_transaction_id',
  earningTransactionId: 'earning_transaction_id',
} as const satisfies Partial<Record<keyof Job, string>>;
export type JobPatch = Partial<Pick<Job, keyof typeof UPDATABLE>>;

interface EventRow {
  type: TimelineEvent['type'];
  at: Date;
  amount: string | null;
  detail: Record<string, unknown> | null;
}

/** SQL for jobs and their event trail. Pass the caller's manager to join its transaction. */
@Injectable()
export class JobsRepository {
  constructor(private readonly ds: DataSource) {}

  async insert(j: NewJob, m: EntityManager): Promise<Job> {
    const rows = await m.query<JobRow[]>(
      `INSERT INTO jobs (client_id, worker_id, title, budget, platform_fee_bps, platform_fee,
         downpayment_amount, remaining_amount, payment_buffer_days, status)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'AWAITING_DOWNPAYMENT') RETURNING *`,
      [
        j.clientId,
        j.workerId,
        j.title,
        j.budget,
        j.platformFeeBps,
        j.platformFee,
        j.downpaymentAmount,
        j.remainingAmount,
        j.paymentBufferDays,
      ],
    );
    return fromJobRow(rows[0]);
  }

  async findById(id: string, m?: EntityManager): Promise<Job | null> {
    const rows = await (m ?? this.ds.manager).query<JobRow[]>(`SELECT * FROM jobs WHERE id = $1`, [
      id,
    ]);
    return rows[0] ? fromJobRow(rows[0]) : null;
  }

  /** SELECT … FOR UPDATE: every state change and money movement of a job holds this row lock. */
  async lockById(id: string, m: EntityManager): Promise<Job | null> {
    const rows = await m.query<JobRow[]>(`SELECT * FROM jobs WHERE id = $1 FOR UPDATE`, [id]);
    return rows[0] ? fromJobRow(rows[0]) : null;
  }

  /**
   * Locks the job only if its earnings are due for release (by the database clock). Under READ
   * COMMITTED the condition is re-checked after waiting for the lock, so a job released meanwhile by
   * another run or an admin comes back as null.
   */
  async lockIfDue(id: string, m: EntityManager): Promise<Job | null> {
    const rows = await m.query<JobRow[]>(
      `SELECT * FROM jobs WHERE id = $1 AND status = 'COMPLETED' AND NOT earnings_held
         AND earnings_released_at IS NULL AND earnings_release_at <= now()
       FOR UPDATE`,
      [id],
    );
    return rows[0] ? fromJobRow(rows[0]) : null;
  }

  /** Ids of jobs whose earnings are due, oldest release date first. */
  async dueForRelease(limit: number): Promise<string[]> {
    const rows = await this.ds.query<Array<{ id: string }>>(
      `SELECT id FROM jobs
       WHERE earnings_release_at IS NOT NULL AND earnings_released_at IS NULL
         AND earnings_release_at <= now() AND status = 'COMPLETED' AND NOT earnings_held
       ORDER BY earnings_release_at LIMIT $1`,
      [limit],
    );
    return rows.map((r) => r.id);
  }

  async update(id: string, patch: JobPatch, m: EntityManager): Promise<Job> {
    const { sets, params } = patchSql(id, patch);
    const [rows] = await m.query<[JobRow[], number]>(
      `UPDATE jobs SET ${sets}, updated_at = now() WHERE id = $1 RETURNING *`,
      params,
    );
    return fromJobRow(rows[0]);
  }

  /** `update` and `addEvent` in one statement (one round trip under the job's row lock). */
  async updateWithEvent(
    id: string,
    patch: JobPatch,
    e: Omit<NewJobEvent, 'jobId'>,
    m: EntityManager,
  ): Promise<Job> {
    const { sets, params } = patchSql(id, patch);
    const at = params.length;
    params.push(
      e.type,
      e.amount ?? null,
      e.actorId ?? null,
      e.detail ? JSON.stringify(e.detail) : null,
    );
    const rows = await m.query<JobRow[]>(
      `WITH u AS (UPDATE jobs SET ${sets}, updated_at = now() WHERE id = $1 RETURNING *),
            e AS (INSERT INTO job_events (job_id, type, amount, actor_id, detail)
                  SELECT id, $${at + 1}::text, $${at + 2}::bigint, $${at + 3}::uuid, $${at + 4}::jsonb FROM u)
       SELECT * FROM u`,
      params,
    );
    return fromJobRow(rows[0]);
  }

  /**
   * The user's jobs as client or worker, newest first. Two index range scans merged (no OR, which
   * would defeat the indexes); `cursor` is the id of the last job of the previous page.
   */
  async listForUser(
    userId: string,
    q: { status?: JobStatus; limit: number; cursor?: string },
  ): Promise<Job[]> {
    const params: unknown[] = [userId, q.limit];
    let filter = '';
    if (q.status) {
      params.push(q.status);
      filter += ` AND status = $${params.length}`;
    }
    if (q.cursor) {
      params.push(q.cursor);
      filter += ` AND (created_at, id) < (SELECT created_at, id FROM jobs WHERE id = $${params.length})`;
    }
    const side = (column: string) =>
      `(SELECT * FROM jobs WHERE ${column} = $1${filter} ORDER BY created_at DESC, id DESC LIMIT $2)`;
    const rows = await this.ds.query<JobRow[]>(
      `SELECT * FROM (${side('client_id')} UNION ALL ${side('worker_id')}) j
       ORDER BY created_at DESC, id DESC LIMIT $2`,
      params,
    );
    return rows.map(fromJobRow);
  }

  async addEvent(e: NewJobEvent, m: EntityManager): Promise<void> {
    await m.query(
      `INSERT INTO job_events (job_id, type, amount, actor_id, detail) VALUES ($1, $2, $3, $4, $5)`,
      [
        e.jobId,
        e.type,
        e.amount ?? null,
        e.actorId ?? null,
        e.detail ? JSON.stringify(e.detail) : null,
      ],
    );
  }

  async events(jobId: string): Promise<TimelineEvent[]> {
    const rows = await this.ds.query<EventRow[]>(
      `SELECT type, at, amount, detail FROM job_events WHERE job_id = $1 ORDER BY id`,
      [jobId],
    );
    return rows.map((r) => ({
      type: r.type,
      at: r.at.toISOString(),
      ...(r.amount === null ? {} : { amount: Number(r.amount) }),
      ...(r.detail === null ? {} : { detail: r.detail }),
    }));
  }
}

/** The SET list of a job patch; `$1` is the job id. */
function patchSql(id: string, patch: JobPatch): { sets: string; params: unknown[] } {
  const sets: string[] = [];
  const params: unknown[] = [id];
  for (const [key, column] of Object.entries(UPDATABLE)) {
    const value = patch[key as keyof JobPatch];
    if (value === undefined) continue;
    params.push(value);
    sets.push(`${column} = $${params.length}`);
  }
  return { sets: sets.join(', '), params };
}
