-- The one entry point for a journal entry. p_strict: every debited account must stay >= 0
-- (otherwise only accounts flagged no_negative are checked).
CREATE OR REPLACE FUNCTION ledger_post(p_entry_id text, p_type text, p_reference text, p_metadata jsonb,
                            p_codes text[], p_currencies text[], p_dirs text[], p_amounts bigint[],
                            p_sides text[], p_no_neg boolean[], p_strict boolean,
                            OUT o_status text, OUT o_reason text, OUT o_reference text, OUT o_seq bigint)
LANGUAGE plpgsql AS $$
DECLARE v_ids bigint[]; v_any_pending boolean; v_bad text;
BEGIN
  -- Same id submitted concurrently: the second waits here, then sees the first one's outcome.
  PERFORM pg_advisory_xact_lock(hashtextextended('ledger-entry:' || p_entry_id, 0));
  SELECT 'DUPLICATE', NULL, e.reference, e.seq INTO o_status, o_reason, o_reference, o_seq
    FROM ledger_entries e WHERE e.entry_id = p_entry_id;
  IF FOUND THEN RETURN; END IF;
  SELECT 'REJECTED', r.reason, r.reference INTO o_status, o_reason, o_reference
    FROM ledger_rejections r WHERE r.entry_id = p_entry_id;
  IF FOUND THEN RETURN; END IF;

  IF coalesce(array_length(p_codes, 1), 0) < 2 THEN
    RAISE EXCEPTION 'an entry needs at least two legs' USING ERRCODE = 'invalid_parameter_value';
  END IF;
  IF EXISTS (SELECT 1 FROM unnest(p_amounts) a WHERE a IS NULL OR a <= 0) THEN
    RAISE EXCEPTION 'amounts must be positive' USING ERRCODE = 'invalid_parameter_value';
  END IF;
  IF EXISTS (
    SELECT 1 FROM unnest(p_currencies, p_dirs, p_amounts) u(cur, dir, amt) GROUP BY cur
    HAVING sum(CASE WHEN dir = 'DEBIT' THEN amt ELSE -amt END) <> 0
  ) THEN
    RAISE EXCEPTION 'debits and credits differ' USING ERRCODE = 'invalid_parameter_value';
  END IF;

  PERFORM ledger_ensure_accounts(p_codes, p_currencies, p_sides, p_no_neg);
  SELECT array_agg(a.id ORDER BY u.ord) INTO v_ids
    FROM unnest(p_codes, p_currencies) WITH ORDINALITY AS u(c, cur, ord)
    JOIN ledger_accounts a ON a.code = u.c AND a.currency = u.cur;

  -- Lock every balance row touched, always in account id order (no deadlocks between postings).
  SELECT bool_or(s.pending > 0) INTO v_any_pending FROM (
    SELECT b.pending FROM ledger_balances b WHERE b.account_id = ANY(v_ids)
    ORDER BY b.account_id FOR UPDATE
  ) s;
  IF v_any_pending THEN PERFORM ledger_sweep_expired(v_ids); END IF;

  SELECT a.code INTO v_bad
  FROM (
    SELECT u.id, sum(CASE WHEN u.dir = 'CREDIT' THEN u.amt ELSE -u.amt END) AS delta
    FROM unnest(v_ids, p_dirs, p_amounts) AS u(id, dir, amt) GROUP BY u.id
  ) d
  JOIN ledger_balances b ON b.account_id = d.id
  JOIN ledger_accounts a ON a.id = d.id
  WHERE d.delta < 0 AND (b.no_negative OR p_strict) AND b.posted + d.delta - b.pending < 0
  ORDER BY d.id LIMIT 1;
  IF FOUND THEN
    INSERT INTO ledger_rejections (entry_id, type, reference, reason)
    VALUES (p_entry_id, p_type, p_reference, 'INSUFFICIENT_FUNDS');
    o_status := 'REJECTED'; o_reason := 'INSUFFICIENT_FUNDS'; o_reference := p_reference;
    RETURN;
  END IF;

  o_seq := ledger_apply(p_entry_id, p_type, p_reference, p_metadata, v_ids, p_dirs, p_amounts);
  o_status := 'APPLIED'; o_reference := p_reference;
END $$;
