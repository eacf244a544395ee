-- Expires every overdue hold (the scheduled sweep); returns how many expired.
CREATE OR REPLACE FUNCTION ledger_expire_holds(p_max_accounts integer) RETURNS integer LANGUAGE plpgsql AS $$
DECLARE v_ids bigint[]; v_n integer;
BEGIN
  SELECT array_agg(account_id ORDER BY account_id) INTO v_ids FROM (
    SELECT DISTINCT account_id FROM ledger_holds
    WHERE status = 'PENDING' AND expires_at <= now() ORDER BY account_id LIMIT p_max_accounts
  ) s;
  IF v_ids IS NULL THEN RETURN 0; END IF;
  PERFORM 1 FROM ledger_balances WHERE account_id = ANY(v_ids) ORDER BY account_id FOR UPDATE;
  v_n := ledger_sweep_expired(v_ids);
  RETURN v_n;
END $$;
