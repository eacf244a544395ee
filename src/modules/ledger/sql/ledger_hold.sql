CREATE OR REPLACE FUNCTION ledger_hold(p_hold_id text, p_type text, p_reference text, p_metadata jsonb,
                            p_code text, p_side text, p_no_neg boolean,
                            p_cp_code text, p_cp_side text, p_cp_no_neg boolean,
                            p_currency text, p_amount bigint, p_timeout_seconds integer, p_strict boolean,
                            OUT o_status text, OUT o_hold_status text, OUT o_reason text, OUT o_expires_at timestamptz)
LANGUAGE plpgsql AS $$
DECLARE v_id bigint; v_cp bigint; v_b ledger_balances%ROWTYPE;
BEGIN
  PERFORM pg_advisory_xact_lock(hashtextextended('ledger-hold:' || p_hold_id, 0));
  SELECT CASE WHEN h.status = 'REJECTED' THEN 'REJECTED' ELSE 'DUPLICATE' END, h.status, h.reason, h.expires_at
    INTO o_status, o_hold_status, o_reason, o_expires_at
    FROM ledger_holds h WHERE h.hold_id = p_hold_id;
  IF FOUND THEN RETURN; END IF;
  IF p_amount IS NULL OR p_amount <= 0 THEN
    RAISE EXCEPTION 'amount must be positive' USING ERRCODE = 'invalid_parameter_value';
  END IF;
  PERFORM ledger_ensure_accounts(ARRAY[p_code, p_cp_code], ARRAY[p_currency, p_currency],
                                 ARRAY[p_side, p_cp_side], ARRAY[p_no_neg, p_cp_no_neg]);
  SELECT id INTO v_id FROM ledger_accounts WHERE code = p_code AND currency = p_currency;
  SELECT id INTO v_cp FROM ledger_accounts WHERE code = p_cp_code AND currency = p_currency;
  SELECT * INTO v_b FROM ledger_balances WHERE account_id = v_id FOR UPDATE;
  IF v_b.pending > 0 AND ledger_sweep_expired(ARRAY[v_id]) > 0 THEN
    SELECT * INTO v_b FROM ledger_balances WHERE account_id = v_id;
  END IF;
  IF (v_b.no_negative OR p_strict) AND v_b.posted - v_b.pending - p_amount < 0 THEN
    INSERT INTO ledger_holds (hold_id, account_id, counterparty_id, amount, status, reason, type,
                              reference, metadata, expires_at, resolved_at)
    VALUES (p_hold_id, v_id, v_cp, p_amount, 'REJECTED', 'INSUFFICIENT_FUNDS', p_type, p_reference,
            p_metadata, now(), now());
    o_status := 'REJECTED'; o_hold_status := 'REJECTED'; o_reason := 'INSUFFICIENT_FUNDS';
    RETURN;
  END IF;
  INSERT INTO ledger_holds (hold_id, account_id, counterparty_id, amount, status, type, reference,
                            metadata, expires_at)
  VALUES (p_hold_id, v_id, v_cp, p_amount, 'PENDING', p_type, p_reference, p_metadata,
          CASE WHEN p_timeout_seconds IS NULL THEN 'infinity'::timestamptz
               ELSE now() + make_interval(secs => p_timeout_seconds) END)
  RETURNING expires_at INTO o_expires_at;
  UPDATE ledger_balances SET pending = pending + p_amount, updated_at = now() WHERE account_id = v_id;
  o_status := 'APPLIED'; o_hold_status := 'PENDING';
END $$;
