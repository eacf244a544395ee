-- Creates missing accounts (and their balance rows) for the given codes; returns nothing.
CREATE OR REPLACE FUNCTION ledger_ensure_accounts(p_codes text[], p_currencies text[], p_sides text[], p_no_neg boolean[])
RETURNS void LANGUAGE sql AS $$
  WITH wanted AS (
    SELECT DISTINCT ON (c, cur) c, cur, s, nn
    FROM unnest(p_codes, p_currencies, p_sides, p_no_neg) AS u(c, cur, s, nn)
  ), missing AS (
    SELECT w.* FROM wanted w
    WHERE NOT EXISTS (SELECT 1 FROM ledger_accounts a WHERE a.code = w.c AND a.currency = w.cur)
  ), ins AS (
    INSERT INTO ledger_accounts (code, currency, normal_side, no_negative)
    SELECT c, cur, s, nn FROM missing ORDER BY c, cur
    ON CONFLICT DO NOTHING
    RETURNING id, no_negative
  )
  INSERT INTO ledger_balances (account_id, no_negative) SELECT id, no_negative FROM ins
$$;
