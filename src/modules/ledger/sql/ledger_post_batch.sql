-- Many independent entries in one transaction and one round trip (each APPLIED, DUPLICATE or
-- REJECTED on its own). Every entry-id lock and every balance row is taken up front in a fixed
-- order, so concurrent batches cannot deadlock; ledger_post then finds them already held.
CREATE OR REPLACE FUNCTION ledger_post_batch(p_entries jsonb, p_strict boolean)
RETURNS TABLE (o_status text, o_reason text, o_reference text, o_seq bigint)
LANGUAGE plpgsql AS $$
DECLARE e jsonb;
BEGIN
  PERFORM pg_advisory_xact_lock(hashtextextended('ledger-entry:' || id, 0))
    FROM (SELECT DISTINCT x->>'e' AS id FROM jsonb_array_elements(p_entries) x ORDER BY 1) s;
  PERFORM ledger_ensure_accounts(
    ARRAY(SELECT l->>'c' FROM jsonb_array_elements(p_entries) x, jsonb_array_elements(x->'l') l),
    ARRAY(SELECT l->>'u' FROM jsonb_array_elements(p_entries) x, jsonb_array_elements(x->'l') l),
    ARRAY(SELECT l->>'s' FROM jsonb_array_elements(p_entries) x, jsonb_array_elements(x->'l') l),
    ARRAY(SELECT (l->>'n')::boolean FROM jsonb_array_elements(p_entries) x, jsonb_array_elements(x->'l') l));
  PERFORM 1 FROM ledger_balances b WHERE b.account_id IN (
    SELECT a.id FROM jsonb_array_elements(p_entries) x, jsonb_array_elements(x->'l') l
    JOIN ledger_accounts a ON a.code = l->>'c' AND a.currency = l->>'u')
  ORDER BY b.account_id FOR UPDATE;
  FOR e IN SELECT x FROM jsonb_array_elements(p_entries) x LOOP
    RETURN QUERY SELECT r.o_status, r.o_reason, r.o_reference, r.o_seq FROM ledger_post(
      e->>'e', e->>'t', e->>'r', e->'m',
      ARRAY(SELECT l->>'c' FROM jsonb_array_elements(e->'l') l),
      ARRAY(SELECT l->>'u' FROM jsonb_array_elements(e->'l') l),
      ARRAY(SELECT l->>'d' FROM jsonb_array_elements(e->'l') l),
      ARRAY(SELECT (l->>'a')::bigint FROM jsonb_array_elements(e->'l') l),
      ARRAY(SELECT l->>'s' FROM jsonb_array_elements(e->'l') l),
      ARRAY(SELECT (l->>'n')::boolean FROM jsonb_array_elements(e->'l') l),
      p_strict) r;
  END LOOP;
END $$;
