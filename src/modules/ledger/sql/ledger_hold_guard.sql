-- A hold resolves at most once: only PENDING -> terminal, and nothing else about it may change.
CREATE OR REPLACE FUNCTION ledger_hold_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    RAISE EXCEPTION 'ledger_holds rows cannot be deleted' USING ERRCODE = 'restrict_violation';
  END IF;
  IF OLD.status <> 'PENDING' OR NEW.status NOT IN ('POSTED','VOIDED','EXPIRED')
     OR NEW.hold_id <> OLD.hold_id OR NEW.account_id <> OLD.account_id
     OR NEW.counterparty_id <> OLD.counterparty_id OR NEW.amount <> OLD.amount
     OR NEW.expires_at <> OLD.expires_at OR NEW.created_at <> OLD.created_at THEN
    RAISE EXCEPTION 'hold % already resolved (%) or immutable field changed', OLD.hold_id, OLD.status
      USING ERRCODE = 'restrict_violation';
  END IF;
  RETURN NEW;
END $$;
