-- TRUNCATE is refused too, except inside the test harness reset, which sets ledger.allow_reset
-- for its own transaction (the harness only runs against scratch databases).
CREATE OR REPLACE FUNCTION ledger_forbid_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF coalesce(current_setting('ledger.allow_reset', true), '') = 'on' THEN RETURN NULL; END IF;
  RAISE EXCEPTION 'ledger table % is append-only: TRUNCATE is not allowed', TG_TABLE_NAME
    USING ERRCODE = 'restrict_violation';
END $$;
