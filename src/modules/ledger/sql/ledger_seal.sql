-- Extends the hash chain over entries that can no longer change: a watermark (last sequence value
-- and the next transaction id) is recorded; once every transaction older than it has finished,
-- all entries up to its sequence are final (committed or rolled back) and are sealed in order.
-- Returns how many entries were sealed.
CREATE OR REPLACE FUNCTION ledger_seal(p_limit integer) RETURNS integer LANGUAGE plpgsql AS $$
DECLARE v_head ledger_chain_head%ROWTYPE; v_horizon bigint; v_prev text; v_last bigint;
        v_n integer := 0; v_hash text; r record; v_seq_now bigint;
BEGIN
  SELECT * INTO v_head FROM ledger_chain_head FOR UPDATE;
  v_horizon := v_head.last_seq;
  IF v_head.wm_xmax IS NOT NULL
     AND pg_snapshot_xmin(pg_current_snapshot()) >= v_head.wm_xmax THEN
    v_horizon := v_head.wm_seq;
  END IF;
  v_prev := v_head.last_hash; v_last := v_head.last_seq;
  FOR r IN SELECT seq FROM ledger_entries WHERE seq > v_head.last_seq AND seq <= v_horizon
           ORDER BY seq LIMIT p_limit LOOP
    v_hash := ledger_entry_hash(v_prev, r.seq);
    INSERT INTO ledger_chain (seq, prev_hash, entry_hash) VALUES (r.seq, v_prev, v_hash);
    v_prev := v_hash; v_last := r.seq; v_n := v_n + 1;
  END LOOP;
  IF v_n < p_limit THEN
    v_last := greatest(v_last, v_horizon); -- rolled-back sequence numbers are gaps
  END IF;
  IF v_head.wm_xmax IS NULL OR v_last >= v_head.wm_seq THEN
    -- Read the sequence before the transaction horizon: whoever took a smaller number already
    -- has a transaction id below it.
    SELECT CASE WHEN is_called THEN last_value ELSE last_value - 1 END INTO v_seq_now
      FROM ledger_entry_seq;
    UPDATE ledger_chain_head SET last_seq = v_last, last_hash = v_prev, wm_seq = v_seq_now,
           wm_xmax = pg_snapshot_xmax(pg_current_snapshot());
  ELSE
    UPDATE ledger_chain_head SET last_seq = v_last, last_hash = v_prev;
  END IF;
  RETURN v_n;
END $$;
