-- A wallet-funded job downpayment as one autocommit statement (ADR 0128). The caller read the job,
-- applied the job rules to it and built the posting, the client's rows and the job's change; this
-- re-checks under the locks that the job is still what the caller read, then writes all of it and
-- records the request's Idempotency-Key effect as UnitOfWork.runOnce does. Lock order as before: key
-- row, job row, then the ledger's balance rows (ledger_post). Every refusal raises, so nothing of it
-- stays (not even ledger_post's rejection row): JD001 the job changed since it was read (the caller
-- reads it again and decides), JD002 the ledger refused (DETAIL: its reason), JD003 the entry exists
-- while the job says it is unpaid.
CREATE OR REPLACE FUNCTION ledger_job_downpayment(p_entry_id text, p_type text, p_reference text,
                            p_metadata jsonb, p_codes text[], p_currencies text[], p_dirs text[],
                            p_amounts bigint[], p_sides text[], p_no_neg boolean[], p_strict boolean,
                            p_key_id bigint, p_effect text, p_job_id uuid, p_client_id uuid,
                            p_status text, p_downpayment bigint, p_fee bigint, p_link uuid,
                            p_rows jsonb, p_new_status text, p_method text, p_paid_at timestamptz,
                            p_event_type text, p_event_amount bigint, p_event_detail jsonb,
                            OUT o_replayed boolean, OUT o_job jobs)
LANGUAGE plpgsql AS $$
DECLARE v_status text; v_reason text; v_payment uuid;
BEGIN
  o_replayed := false;
  IF p_key_id IS NOT NULL THEN
    SELECT jsonb_exists(k.effects, p_effect) INTO o_replayed
      FROM idempotency_keys k WHERE k.id = p_key_id FOR UPDATE;
    o_replayed := coalesce(o_replayed, false);
    IF o_replayed THEN
      -- Done by an earlier attempt of this request: its job, nothing run again.
      SELECT j.* INTO o_job FROM jobs j
       WHERE j.id = (SELECT (k.effects ->> p_effect)::uuid FROM idempotency_keys k WHERE k.id = p_key_id);
      RETURN;
    END IF;
  END IF;

  SELECT j.* INTO o_job FROM jobs j WHERE j.id = p_job_id FOR UPDATE;
  IF NOT FOUND OR o_job.client_id <> p_client_id OR o_job.status <> p_status
     OR o_job.downpayment_amount <> p_downpayment OR o_job.platform_fee <> p_fee
     OR o_job.downpayment_transaction_id IS DISTINCT FROM p_link
     OR EXISTS (SELECT 1 FROM transactions t WHERE t.id = p_link AND t.status = 'PENDING'
                  AND t.provider IS NOT NULL) THEN
    RAISE EXCEPTION 'job % changed since it was read', p_job_id USING ERRCODE = 'JD001';
  END IF;

  SELECT p.o_status, p.o_reason INTO v_status, v_reason
    FROM ledger_post(p_entry_id, p_type, p_reference, p_metadata, p_codes, p_currencies, p_dirs,
                     p_amounts, p_sides, p_no_neg, p_strict) p;
  IF v_status = 'REJECTED' THEN
    RAISE EXCEPTION 'ledger refused entry %', p_entry_id
      USING ERRCODE = 'JD002', DETAIL = coalesce(v_reason, '');
  ELSIF v_status <> 'APPLIED' THEN
    RAISE EXCEPTION 'ledger entry % already applied but the job state disagrees', p_entry_id
      USING ERRCODE = 'JD003';
  END IF;

  WITH rows AS (
    INSERT INTO transactions (user_id, type, status, amount, currency, description, reference,
                              job_id, metadata, completed_at, ledger_entry_id)
    SELECT r.user_id, r.type, 'COMPLETED', r.amount, r.currency, r.description, r.reference,
           r.job_id, r.metadata, now(), p_entry_id
      FROM jsonb_to_recordset(p_rows) AS r(user_id uuid, type text, amount bigint, currency text,
                                           description text, reference text, job_id uuid,
                                           metadata jsonb)
    RETURNING id, type)
  SELECT id INTO v_payment FROM rows WHERE type = 'PAYMENT';
  IF v_payment IS NULL THEN
    RAISE EXCEPTION 'no PAYMENT row for job %', p_job_id USING ERRCODE = 'invalid_parameter_value';
  END IF;

  UPDATE jobs SET status = p_new_status, downpayment_method = p_method, downpayment_paid_at = p_paid_at,
                  downpayment_transaction_id = v_payment, updated_at = now()
   WHERE id = p_job_id RETURNING * INTO o_job;
  INSERT INTO job_events (job_id, type, amount, actor_id, detail)
  VALUES (p_job_id, p_event_type, p_event_amount, p_client_id, p_event_detail);
  IF p_key_id IS NOT NULL THEN
    UPDATE idempotency_keys SET effects = jsonb_set(effects, ARRAY[p_effect], to_jsonb(p_job_id::text))
     WHERE id = p_key_id;
  END IF;
END $$;
