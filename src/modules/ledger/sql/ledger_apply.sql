-- Writes one entry whose balance rows are already locked by the caller: the entry, its postings
-- (with per-account sequence numbers) and the balance updates.
CREATE OR REPLACE FUNCTION ledger_apply(p_entry_id text, p_type text, p_reference text, p_metadata jsonb,
                             p_ids bigint[], p_dirs text[], p_amounts bigint[])
RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE v_seq bigint := nextval('ledger_entry_seq');
BEGIN
  INSERT INTO ledger_entries (seq, entry_id, type, reference, metadata)
  VALUES (v_seq, p_entry_id, p_type, p_reference, p_metadata);
  INSERT INTO ledger_postings (entry_seq, leg, account_id, direction, amount, account_seq)
  SELECT v_seq, u.ord, u.id, u.dir, u.amt,
         b.account_seq + row_number() OVER (PARTITION BY u.id ORDER BY u.ord)
  FROM unnest(p_ids, p_dirs, p_amounts) WITH ORDINALITY AS u(id, dir, amt, ord)
  JOIN ledger_balances b ON b.account_id = u.id
  ORDER BY u.ord;
  UPDATE ledger_balances b SET
    credits_posted = b.credits_posted + d.cr,
    debits_posted = b.debits_posted + d.dr,
    posted = b.posted + d.cr - d.dr,
    account_seq = b.account_seq + d.n,
    updated_at = now()
  FROM (
    SELECT u.id,
           coalesce(sum(u.amt) FILTER (WHERE u.dir = 'CREDIT'), 0) AS cr,
           coalesce(sum(u.amt) FILTER (WHERE u.dir = 'DEBIT'), 0) AS dr,
           count(*) AS n
    FROM unnest(p_ids, p_dirs, p_amounts) AS u(id, dir, amt) GROUP BY u.id
  ) d
  WHERE b.account_id = d.id;
  RETURN v_seq;
END $$;
