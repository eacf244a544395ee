-- Expires PENDING holds past their time (database clock) on accounts whose balance rows the caller
-- has already locked, and gives the reserved amounts back.
CREATE OR REPLACE FUNCTION ledger_sweep_expired(p_account_ids bigint[]) RETURNS integer LANGUAGE plpgsql AS $$
DECLARE v_n integer;
BEGIN
  WITH exp AS (
    UPDATE ledger_holds h SET status = 'EXPIRED', resolved_at = now()
    WHERE h.account_id = ANY(p_account_ids) AND h.status = 'PENDING' AND h.expires_at <= now()
    RETURNING h.account_id, h.amount
  ), per AS (SELECT account_id, sum(amount) AS s, count(*) AS n FROM exp GROUP BY account_id),
  upd AS (
    UPDATE ledger_balances b SET pending = b.pending - per.s, updated_at = now()
    FROM per WHERE b.account_id = per.account_id RETURNING per.n
  )
  SELECT coalesce(sum(n), 0) INTO v_n FROM upd;
  RETURN v_n;
END $$;
