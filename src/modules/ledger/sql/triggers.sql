-- Every trigger on the ledger tables, in PostgreSQL's own spelling (pg_get_triggerdef), so the
-- drift test compares them as written. Append-only rows: no UPDATE or DELETE; no TRUNCATE except
-- the test harness reset (ledger_forbid_truncate); balances are updated, never deleted; a hold
-- resolves at most once.

CREATE OR REPLACE TRIGGER ledger_entries_append_only BEFORE DELETE OR UPDATE ON public.ledger_entries FOR EACH ROW EXECUTE FUNCTION ledger_forbid_change();
CREATE OR REPLACE TRIGGER ledger_postings_append_only BEFORE DELETE OR UPDATE ON public.ledger_postings FOR EACH ROW EXECUTE FUNCTION ledger_forbid_change();
CREATE OR REPLACE TRIGGER ledger_rejections_append_only BEFORE DELETE OR UPDATE ON public.ledger_rejections FOR EACH ROW EXECUTE FUNCTION ledger_forbid_change();
CREATE OR REPLACE TRIGGER ledger_accounts_append_only BEFORE DELETE OR UPDATE ON public.ledger_accounts FOR EACH ROW EXECUTE FUNCTION ledger_forbid_change();
CREATE OR REPLACE TRIGGER ledger_chain_append_only BEFORE DELETE OR UPDATE ON public.ledger_chain FOR EACH ROW EXECUTE FUNCTION ledger_forbid_change();
CREATE OR REPLACE TRIGGER ledger_entries_no_truncate BEFORE TRUNCATE ON public.ledger_entries FOR EACH STATEMENT EXECUTE FUNCTION ledger_forbid_truncate();
CREATE OR REPLACE TRIGGER ledger_postings_no_truncate BEFORE TRUNCATE ON public.ledger_postings FOR EACH STATEMENT EXECUTE FUNCTION ledger_forbid_truncate();
CREATE OR REPLACE TRIGGER ledger_rejections_no_truncate BEFORE TRUNCATE ON public.ledger_rejections FOR EACH STATEMENT EXECUTE FUNCTION ledger_forbid_truncate();
CREATE OR REPLACE TRIGGER ledger_accounts_no_truncate BEFORE TRUNCATE ON public.ledger_accounts FOR EACH STATEMENT EXECUTE FUNCTION ledger_forbid_truncate();
CREATE OR REPLACE TRIGGER ledger_holds_no_truncate BEFORE TRUNCATE ON public.ledger_holds FOR EACH STATEMENT EXECUTE FUNCTION ledger_forbid_truncate();
CREATE OR REPLACE TRIGGER ledger_balances_no_truncate BEFORE TRUNCATE ON public.ledger_balances FOR EACH STATEMENT EXECUTE FUNCTION ledger_forbid_truncate();
CREATE OR REPLACE TRIGGER ledger_chain_no_truncate BEFORE TRUNCATE ON public.ledger_chain FOR EACH STATEMENT EXECUTE FUNCTION ledger_forbid_truncate();
CREATE OR REPLACE TRIGGER ledger_balances_no_delete BEFORE DELETE ON public.ledger_balances FOR EACH ROW EXECUTE FUNCTION ledger_forbid_change();
CREATE OR REPLACE TRIGGER ledger_holds_resolve_once BEFORE DELETE OR UPDATE ON public.ledger_holds FOR EACH ROW EXECUTE FUNCTION ledger_hold_guard();
