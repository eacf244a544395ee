-- Resolves a hold: p_action POST (p_amount NULL = full amount; the rest is released) or VOID.
-- A hold resolves once; later calls return the original outcome with o_repeat = true.
CREATE OR REPLACE FUNCTION ledger_resolve_hold(p_hold_id text, p_action text, p_amount bigint, p_entry_id text,
                                    p_type text, p_metadata jsonb,
                                    OUT o_status text, OUT o_repeat boolean, OUT o_posted_amount bigint,
                                    OUT o_entry_id text, OUT o_seq bigint)
LANGUAGE plpgsql AS $$
DECLARE v_h ledger_holds%ROWTYPE; v_amt bigint;
BEGIN
  PERFORM pg_advisory_xact_lock(hashtextextended('ledger-hold:' || p_hold_id, 0));
  SELECT * INTO v_h FROM ledger_holds WHERE hold_id = p_hold_id;
  IF NOT FOUND THEN o_status := 'NOT_FOUND'; o_repeat := false; RETURN; END IF;
  -- Lock order: balance rows (by account id), then the hold row, as everywhere else.
  PERFORM 1 FROM ledger_balances WHERE account_id IN (v_h.account_id, v_h.counterparty_id)
    ORDER BY account_id FOR UPDATE;
  SELECT * INTO v_h FROM ledger_holds WHERE hold_id = p_hold_id FOR UPDATE;
  IF v_h.status <> 'PENDING' THEN
    -- Already resolved (or refused when created): report the original outcome.
    o_status := v_h.status; o_repeat := true; o_posted_amount := v_h.posted_amount;
    o_entry_id := v_h.entry_id; RETURN;
  END IF;
  IF v_h.expires_at <= now() THEN
    UPDATE ledger_holds SET status = 'EXPIRED', resolved_at = now() WHERE hold_id = p_hold_id;
    UPDATE ledger_balances SET pending = pending - v_h.amount, updated_at = now()
      WHERE account_id = v_h.account_id;
    o_status := 'EXPIRED'; o_repeat := false; RETURN;
  END IF;
  IF p_action = 'VOID' THEN
    UPDATE ledger_holds SET status = 'VOIDED', resolved_at = now() WHERE hold_id = p_hold_id;
    UPDATE ledger_balances SET pending = pending - v_h.amount, updated_at = now()
      WHERE account_id = v_h.account_id;
    o_status := 'VOIDED'; o_repeat := false; RETURN;
  END IF;
  v_amt := coalesce(p_amount, v_h.amount);
  IF v_amt <= 0 THEN
    RAISE EXCEPTION 'amount must be positive' USING ERRCODE = 'invalid_parameter_value';
  END IF;
  IF v_amt > v_h.amount THEN
    o_status := 'EXCEEDS_PENDING_AMOUNT'; o_repeat := false; RETURN;
  END IF;
  UPDATE ledger_holds SET status = 'POSTED', resolved_at = now(), posted_amount = v_amt,
                          entry_id = p_entry_id
    WHERE hold_id = p_hold_id;
  UPDATE ledger_balances SET pending = pending - v_h.amount WHERE account_id = v_h.account_id;
  o_seq := ledger_apply(p_entry_id, coalesce(p_type, v_h.type), v_h.reference,
                        v_h.metadata || coalesce(p_metadata, '{}'::jsonb) || jsonb_build_object('holdId', p_hold_id),
                        ARRAY[v_h.account_id, v_h.counterparty_id], ARRAY['DEBIT', 'CREDIT'],
                        ARRAY[v_amt, v_amt]);
  o_status := 'POSTED'; o_repeat := false; o_posted_amount := v_amt; o_entry_id := p_entry_id;
END $$;
