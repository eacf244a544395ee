import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Jobs (the unit a client pays a worker for) and their append-only event trail (the payment timeline).
 * Amounts are fixed at creation; the CHECKs restate the rules so no code path can break them.
 */
export class CreateJobs1764500001000 implements MigrationInterface {
  name = 'CreateJobs1764500001000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE jobs (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        client_id uuid NOT NULL REFERENCES users(id),
        worker_id uuid NOT NULL REFERENCES users(id),
        title text NOT NULL CHECK (char_length(title) BETWEEN 1 AND 200),
        currency text NOT NULL DEFAULT 'PHP' CHECK (currency = 'PHP'),
        budget bigint NOT NULL CHECK (budget BETWEEN 10000 AND 10000000),
        platform_fee_bps integer NOT NULL CHECK (platform_fee_bps BETWEEN 0 AND 5000),
        platform_fee bigint NOT NULL CHECK (platform_fee >= 0),
        downpayment_amount bigint NOT NULL CHECK (downpayment_amount > 0),
        remaining_amount bigint NOT NULL CHECK (remaining_amount > 0),
        payment_buffer_days integer NOT NULL CHECK (payment_buffer_days BETWEEN 0 AND 365),
        status text NOT NULL CHECK (status IN
          ('AWAITING_DOWNPAYMENT','IN_PROGRESS','AWAITING_APPROVAL','COMPLETED','CANCELLED')),
        downpayment_method text CHECK (downpayment_method IN ('WALLET','GCASH')),
        downpayment_paid_at timestamptz,
        work_completed_at timestamptz,
        approved_at timestamptz,
        remaining_method text CHECK (remaining_method IN ('WALLET','GCASH')),
        remaining_paid_at timestamptz,
        completed_at timestamptz,
        cancelled_at timestamptz,
        cancelled_by uuid REFERENCES users(id),
        cancel_reason text,
        earnings_release_at timestamptz,
        earnings_released_at timestamptz,
        earnings_held boolean NOT NULL DEFAULT false,
        earnings_hold_reason text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT jobs_split_check CHECK (downpayment_amount + remaining_amount = budget),
        CONSTRAINT jobs_parties_check CHECK (client_id <> worker_id),
        CONSTRAINT jobs_released_after_pending_check
          CHECK (earnings_released_at IS NULL OR earnings_release_at IS NOT NULL)
      )`);
    await q.query(`CREATE INDEX jobs_client_idx ON jobs (client_id, created_at DESC, id DESC)`);
    await q.query(`CREATE INDEX jobs_worker_idx ON jobs (worker_id, created_at DESC, id DESC)`);
    // The release job scans only earnings still pending.
    await q.query(`
      CREATE INDEX jobs_release_due_idx ON jobs (earnings_release_at)
      WHERE earnings_release_at IS NOT NULL AND earnings_released_at IS NULL`);

    await q.query(`
      CREATE TABLE job_events (
        id bigserial PRIMARY KEY,
        job_id uuid NOT NULL REFERENCES jobs(id),
        type text NOT NULL,
        at timestamptz NOT NULL DEFAULT now(),
        amount bigint CHECK (amount IS NULL OR amount >= 0),
        actor_id uuid,
        detail jsonb
      )`);
    await q.query(`CREATE INDEX job_events_job_idx ON job_events (job_id, id)`);
    // Milestones happen once per job; a second insert (a replayed request) fails instead of duplicating.
    await q.query(`
      CREATE UNIQUE INDEX job_events_once_uq ON job_events (job_id, type)
      WHERE type IN ('JOB_CREATED','DOWNPAYMENT_PAID','WORK_COMPLETED','COMPLETION_APPROVED',
        'REMAINING_PAID','EARNINGS_PENDING','EARNINGS_RELEASED','JOB_CANCELLED','DOWNPAYMENT_REFUNDED')`);
    await q.query(`
      CREATE FUNCTION job_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'job_events is append-only' USING ERRCODE = 'insufficient_privilege';
      END $$`);
    await q.query(`
      CREATE TRIGGER job_events_no_update_delete BEFORE UPDATE OR DELETE ON job_events
      FOR EACH ROW EXECUTE FUNCTION job_events_append_only()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE job_events`);
    await q.query(`DROP FUNCTION job_events_append_only()`);
    await q.query(`DROP TABLE jobs`);
  }
}
