-- Records a refusal decided before the database was reached (e.g. an invalid entry in the test
-- harness), unless the id already has an outcome; returns that outcome.
CREATE OR REPLACE FUNCTION ledger_reject(p_entry_id text, p_type text, p_reference text, p_reason text,
                              OUT o_status text, OUT o_reason text, OUT o_reference text)
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_advisory_xact_lock(hashtextextended('ledger-entry:' || p_entry_id, 0));
  SELECT 'DUPLICATE', NULL, e.reference INTO o_status, o_reason, o_reference
    FROM ledger_entries e WHERE e.entry_id = p_entry_id;
  IF FOUND THEN RETURN; END IF;
  INSERT INTO ledger_rejections (entry_id, type, reference, reason)
  VALUES (p_entry_id, p_type, p_reference, p_reason) ON CONFLICT (entry_id) DO NOTHING;
  SELECT 'REJECTED', r.reason, r.reference INTO o_status, o_reason, o_reference
    FROM ledger_rejections r WHERE r.entry_id = p_entry_id;
END $$;
