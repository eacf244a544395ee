-- Canonical text of an entry for hashing (also used by the verifier).
CREATE OR REPLACE FUNCTION ledger_entry_hash(p_prev text, p_seq bigint) RETURNS text LANGUAGE sql STABLE AS $$
  SELECT encode(sha256(convert_to(concat_ws('|', p_prev, e.seq, e.entry_id, e.type,
           coalesce(e.reference, ''), e.metadata::text,
           (SELECT string_agg(a.code || ':' || a.currency || ':' || p.direction || ':' || p.amount, ','
                              ORDER BY p.leg)
            FROM ledger_postings p JOIN ledger_accounts a ON a.id = p.account_id
            WHERE p.entry_seq = e.seq)), 'UTF8')), 'hex')
  FROM ledger_entries e WHERE e.seq = p_seq
$$;
