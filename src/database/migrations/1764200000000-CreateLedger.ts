import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Double-entry ledger: accounts, balance rows, an append-only journal (entries + postings) sealed into
 * a SHA-256 hash chain, sticky rejections, and two-phase holds. All money movement goes through the PL/pgSQL
 * functions below so a posting is one database round trip (see docs/adr/0020-ledger-design.md).
 */
export class CreateLedger1764200000000 implements MigrationInterface {
  name = 'CreateLedger1764200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE ledger_accounts (
        id bigserial PRIMARY KEY,
        code text NOT NULL CHECK (length(code) BETWEEN 1 AND 200),
        currency text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
        normal_side text NOT NULL CHECK (normal_side IN ('DEBIT','CREDIT')),
        no_negative boolean NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT ledger_accounts_code_currency_uq UNIQUE (code, currency)
      )`);
    // Balance projection, maintained in the same transaction as the postings. posted = credits - debits;
    // pending = amounts held (reserved) by PENDING holds. The CHECK is the last line of defence for
    // accounts that may never go negative.
    await q.query(`
      CREATE TABLE ledger_balances (
        account_id bigint PRIMARY KEY REFERENCES ledger_accounts(id),
        no_negative boolean NOT NULL,
        posted bigint NOT NULL DEFAULT 0,
        debits_posted bigint NOT NULL DEFAULT 0 CHECK (debits_posted >= 0),
        credits_posted bigint NOT NULL DEFAULT 0 CHECK (credits_posted >= 0),
        pending bigint NOT NULL DEFAULT 0 CHECK (pending >= 0),
        account_seq bigint NOT NULL DEFAULT 0 CHECK (account_seq >= 0),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT ledger_balances_posted_ck CHECK (posted = credits_posted - debits_posted),
        CONSTRAINT ledger_balances_no_negative_ck CHECK (NOT no_negative OR posted - pending >= 0)
      )`);
    // Journal order: taken after the balance rows are locked, so per account it follows lock order.
    await q.query(`CREATE SEQUENCE ledger_entry_seq`);
    // One row: the head of the hash chain, sealed asynchronously in sequence order (see ledger_seal)
    // so postings never wait on one global lock through their commit.
    await q.query(`
      CREATE TABLE ledger_chain_head (
        id boolean PRIMARY KEY DEFAULT true CHECK (id),
        last_seq bigint NOT NULL,
        last_hash text NOT NULL,
        wm_seq bigint,
        wm_xmax xid8
      )`);
    await q.query(
      `INSERT INTO ledger_chain_head (id, last_seq, last_hash) VALUES (true, 0, repeat('0', 64))`,
    );
    await q.query(`
      CREATE TABLE ledger_entries (
        seq bigint PRIMARY KEY,
        entry_id text NOT NULL CHECK (length(entry_id) BETWEEN 1 AND 255),
        type text NOT NULL,
        reference text,
        metadata jsonb NOT NULL DEFAULT '{}'::jsonb,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT ledger_entries_entry_id_uq UNIQUE (entry_id)
      )`);
    await q.query(`ALTER SEQUENCE ledger_entry_seq OWNED BY ledger_entries.seq`);
    // Hash chain over entries in sequence order: entry_hash = sha256(prev_hash | seq | content).
    await q.query(`
      CREATE TABLE ledger_chain (
        seq bigint PRIMARY KEY REFERENCES ledger_entries(seq),
        prev_hash text NOT NULL,
        entry_hash text NOT NULL,
        sealed_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE ledger_postings (
        id bigserial PRIMARY KEY,
        entry_seq bigint NOT NULL REFERENCES ledger_entries(seq),
        leg smallint NOT NULL,
        account_id bigint NOT NULL REFERENCES ledger_accounts(id),
        direction text NOT NULL CHECK (direction IN ('DEBIT','CREDIT')),
        amount bigint NOT NULL CHECK (amount > 0),
        account_seq bigint NOT NULL,
        CONSTRAINT ledger_postings_leg_uq UNIQUE (entry_seq, leg),
        CONSTRAINT ledger_postings_account_seq_uq UNIQUE (account_id, account_seq)
      )`);
    // An entry id whose first submission was refused stays refused (TigerBeetle's id_already_failed).
    await q.query(`
      CREATE TABLE ledger_rejections (
        entry_id text PRIMARY KEY,
        type text NOT NULL,
        reference text,
        reason text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE ledger_holds (
        hold_id text PRIMARY KEY CHECK (length(hold_id) BETWEEN 1 AND 255),
        account_id bigint NOT NULL REFERENCES ledger_accounts(id),
        counterparty_id bigint NOT NULL REFERENCES ledger_accounts(id),
        amount bigint NOT NULL CHECK (amount > 0),
        status text NOT NULL CHECK (status IN ('PENDING','POSTED','VOIDED','EXPIRED','REJECTED')),
        reason text,
        type text NOT NULL,
        reference text,
        metadata jsonb NOT NULL DEFAULT '{}'::jsonb,
        expires_at timestamptz NOT NULL,
        posted_amount bigint CHECK (posted_amount > 0 AND posted_amount <= amount),
        entry_id text,
        created_at timestamptz NOT NULL DEFAULT now(),
        resolved_at timestamptz,
        CONSTRAINT ledger_holds_resolution_ck CHECK ((status = 'PENDING') = (resolved_at IS NULL)),
        CONSTRAINT ledger_holds_posted_ck CHECK ((status = 'POSTED') = (posted_amount IS NOT NULL AND entry_id IS NOT NULL))
      )`);
    await q.query(
      `CREATE INDEX ledger_holds_pending_idx ON ledger_holds (account_id, expires_at) WHERE status = 'PENDING'`,
    );
    await q.query(
      `CREATE INDEX ledger_holds_expiry_idx ON ledger_holds (expires_at) WHERE status = 'PENDING'`,
    );
    await q.query(`CREATE INDEX ledger_entries_reference_idx ON ledger_entries (reference)`);

    // --- Append-only enforcement -------------------------------------------------------------
    await q.query(`
      CREATE FUNCTION ledger_forbid_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'ledger table % is append-only: % is not allowed', TG_TABLE_NAME, TG_OP
          USING ERRCODE = 'restrict_violation';
      END $$`);
    // TRUNCATE is refused too, except inside the test harness reset, which sets ledger.allow_reset
    // for its own transaction (the harness only runs against scratch databases).
    await q.query(`
      CREATE FUNCTION ledger_forbid_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF coalesce(current_setting('ledger.allow_reset', true), '') = 'on' THEN RETURN NULL; END IF;
        RAISE EXCEPTION 'ledger table % is append-only: TRUNCATE is not allowed', TG_TABLE_NAME
          USING ERRCODE = 'restrict_violation';
      END $$`);
    for (const t of [
      'ledger_entries',
      'ledger_postings',
      'ledger_rejections',
      'ledger_accounts',
      'ledger_chain',
    ]) {
      await q.query(`CREATE TRIGGER ${t}_append_only BEFORE UPDATE OR DELETE ON ${t}
        FOR EACH ROW EXECUTE FUNCTION ledger_forbid_change()`);
    }
    for (const t of [
      'ledger_entries',
      'ledger_postings',
      'ledger_rejections',
      'ledger_accounts',
      'ledger_holds',
      'ledger_balances',
      'ledger_chain',
    ]) {
      await q.query(`CREATE TRIGGER ${t}_no_truncate BEFORE TRUNCATE ON ${t}
        FOR EACH STATEMENT EXECUTE FUNCTION ledger_forbid_truncate()`);
    }
    await q.query(`CREATE TRIGGER ledger_balances_no_delete BEFORE DELETE ON ledger_balances
      FOR EACH ROW EXECUTE FUNCTION ledger_forbid_change()`);
    // A hold resolves at most once: only PENDING -> terminal, and nothing else about it may change.
    await q.query(`
      CREATE FUNCTION ledger_hold_guard() RETURNS trigger LANGUAGE plpgsql AS $$
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
      END $$`);
    await q.query(`CREATE TRIGGER ledger_holds_resolve_once BEFORE UPDATE OR DELETE ON ledger_holds
      FOR EACH ROW EXECUTE FUNCTION ledger_hold_guard()`);

    // --- Posting machinery -------------------------------------------------------------------
    // Creates missing accounts (and their balance rows) for the given codes; returns nothing.
    await q.query(`
      CREATE FUNCTION ledger_ensure_accounts(p_codes text[], p_currencies text[], p_sides text[], p_no_neg boolean[])
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
      $$`);
    // Expires PENDING holds past their time (database clock) on accounts whose balance rows the caller
    // has already locked, and gives the reserved amounts back.
    await q.query(`
      CREATE FUNCTION ledger_sweep_expired(p_account_ids bigint[]) RETURNS integer LANGUAGE plpgsql AS $$
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
      END $$`);
    // Writes one entry whose balance rows are already locked by the caller: the entry, its postings
    // (with per-account sequence numbers) and the balance updates.
    await q.query(`
      CREATE FUNCTION ledger_apply(p_entry_id text, p_type text, p_reference text, p_metadata jsonb,
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
      END $$`);
    // Canonical text of an entry for hashing (also used by the verifier).
    await q.query(`
      CREATE FUNCTION ledger_entry_hash(p_prev text, p_seq bigint) RETURNS text LANGUAGE sql STABLE AS $$
        SELECT encode(sha256(convert_to(concat_ws('|', p_prev, e.seq, e.entry_id, e.type,
                 coalesce(e.reference, ''), e.metadata::text,
                 (SELECT string_agg(a.code || ':' || a.currency || ':' || p.direction || ':' || p.amount, ','
                                    ORDER BY p.leg)
                  FROM ledger_postings p JOIN ledger_accounts a ON a.id = p.account_id
                  WHERE p.entry_seq = e.seq)), 'UTF8')), 'hex')
        FROM ledger_entries e WHERE e.seq = p_seq
      $$`);
    // Extends the hash chain over entries that can no longer change: a watermark (last sequence value
    // and the next transaction id) is recorded; once every transaction older than it has finished,
    // all entries up to its sequence are final (committed or rolled back) and are sealed in order.
    // Returns how many entries were sealed.
    await q.query(`
      CREATE FUNCTION ledger_seal(p_limit integer) RETURNS integer LANGUAGE plpgsql AS $$
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
      END $$`);
    // The one entry point for a journal entry. p_strict: every debited account must stay >= 0
    // (otherwise only accounts flagged no_negative are checked).
    await q.query(`
      CREATE FUNCTION ledger_post(p_entry_id text, p_type text, p_reference text, p_metadata jsonb,
                                  p_codes text[], p_currencies text[], p_dirs text[], p_amounts bigint[],
                                  p_sides text[], p_no_neg boolean[], p_strict boolean,
                                  OUT o_status text, OUT o_reason text, OUT o_reference text, OUT o_seq bigint)
      LANGUAGE plpgsql AS $$
      DECLARE v_ids bigint[]; v_any_pending boolean; v_bad text;
      BEGIN
        -- Same id submitted concurrently: the second waits here, then sees the first one's outcome.
        PERFORM pg_advisory_xact_lock(hashtextextended('ledger-entry:' || p_entry_id, 0));
        SELECT 'DUPLICATE', NULL, e.reference, e.seq INTO o_status, o_reason, o_reference, o_seq
          FROM ledger_entries e WHERE e.entry_id = p_entry_id;
        IF FOUND THEN RETURN; END IF;
        SELECT 'REJECTED', r.reason, r.reference INTO o_status, o_reason, o_reference
          FROM ledger_rejections r WHERE r.entry_id = p_entry_id;
        IF FOUND THEN RETURN; END IF;

        IF coalesce(array_length(p_codes, 1), 0) < 2 THEN
          RAISE EXCEPTION 'an entry needs at least two legs' USING ERRCODE = 'invalid_parameter_value';
        END IF;
        IF EXISTS (SELECT 1 FROM unnest(p_amounts) a WHERE a IS NULL OR a <= 0) THEN
          RAISE EXCEPTION 'amounts must be positive' USING ERRCODE = 'invalid_parameter_value';
        END IF;
        IF EXISTS (
          SELECT 1 FROM unnest(p_currencies, p_dirs, p_amounts) u(cur, dir, amt) GROUP BY cur
          HAVING sum(CASE WHEN dir = 'DEBIT' THEN amt ELSE -amt END) <> 0
        ) THEN
          RAISE EXCEPTION 'debits and credits differ' USING ERRCODE = 'invalid_parameter_value';
        END IF;

        PERFORM ledger_ensure_accounts(p_codes, p_currencies, p_sides, p_no_neg);
        SELECT array_agg(a.id ORDER BY u.ord) INTO v_ids
          FROM unnest(p_codes, p_currencies) WITH ORDINALITY AS u(c, cur, ord)
          JOIN ledger_accounts a ON a.code = u.c AND a.currency = u.cur;

        -- Lock every balance row touched, always in account id order (no deadlocks between postings).
        SELECT bool_or(s.pending > 0) INTO v_any_pending FROM (
          SELECT b.pending FROM ledger_balances b WHERE b.account_id = ANY(v_ids)
          ORDER BY b.account_id FOR UPDATE
        ) s;
        IF v_any_pending THEN PERFORM ledger_sweep_expired(v_ids); END IF;

        SELECT a.code INTO v_bad
        FROM (
          SELECT u.id, sum(CASE WHEN u.dir = 'CREDIT' THEN u.amt ELSE -u.amt END) AS delta
          FROM unnest(v_ids, p_dirs, p_amounts) AS u(id, dir, amt) GROUP BY u.id
        ) d
        JOIN ledger_balances b ON b.account_id = d.id
        JOIN ledger_accounts a ON a.id = d.id
        WHERE d.delta < 0 AND (b.no_negative OR p_strict) AND b.posted + d.delta - b.pending < 0
        ORDER BY d.id LIMIT 1;
        IF FOUND THEN
          INSERT INTO ledger_rejections (entry_id, type, reference, reason)
          VALUES (p_entry_id, p_type, p_reference, 'INSUFFICIENT_FUNDS');
          o_status := 'REJECTED'; o_reason := 'INSUFFICIENT_FUNDS'; o_reference := p_reference;
          RETURN;
        END IF;

        o_seq := ledger_apply(p_entry_id, p_type, p_reference, p_metadata, v_ids, p_dirs, p_amounts);
        o_status := 'APPLIED'; o_reference := p_reference;
      END $$`);
    // Many independent entries in one transaction and one round trip (each APPLIED, DUPLICATE or
    // REJECTED on its own). Every entry-id lock and every balance row is taken up front in a fixed
    // order, so concurrent batches cannot deadlock; ledger_post then finds them already held.
    await q.query(`
      CREATE FUNCTION ledger_post_batch(p_entries jsonb, p_strict boolean)
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
      END $$`);
    // Records a refusal decided before the database was reached (e.g. an invalid entry in the test
    // harness), unless the id already has an outcome; returns that outcome.
    await q.query(`
      CREATE FUNCTION ledger_reject(p_entry_id text, p_type text, p_reference text, p_reason text,
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
      END $$`);

    // --- Holds (two-phase) -------------------------------------------------------------------
    await q.query(`
      CREATE FUNCTION ledger_hold(p_hold_id text, p_type text, p_reference text, p_metadata jsonb,
                                  p_code text, p_side text, p_no_neg boolean,
                                  p_cp_code text, p_cp_side text, p_cp_no_neg boolean,
                                  p_currency text, p_amount bigint, p_timeout_seconds integer, p_strict boolean,
                                  OUT o_status text, OUT o_hold_status text, OUT o_reason text, OUT o_expires_at timestamptz)
      LANGUAGE plpgsql AS $$
      DECLARE v_id bigint; v_cp bigint; v_b ledger_balances%ROWTYPE;
      BEGIN
        PERFORM pg_advisory_xact_lock(hashtextextended('ledger-hold:' || p_hold_id, 0));
        SELECT CASE WHEN h.status = 'REJECTED' THEN 'REJECTED' ELSE 'DUPLICATE' END, h.status, h.reason, h.expires_at
          INTO o_status, o_hold_status, o_reason, o_expires_at
          FROM ledger_holds h WHERE h.hold_id = p_hold_id;
        IF FOUND THEN RETURN; END IF;
        IF p_amount IS NULL OR p_amount <= 0 THEN
          RAISE EXCEPTION 'amount must be positive' USING ERRCODE = 'invalid_parameter_value';
        END IF;
        PERFORM ledger_ensure_accounts(ARRAY[p_code, p_cp_code], ARRAY[p_currency, p_currency],
                                       ARRAY[p_side, p_cp_side], ARRAY[p_no_neg, p_cp_no_neg]);
        SELECT id INTO v_id FROM ledger_accounts WHERE code = p_code AND currency = p_currency;
        SELECT id INTO v_cp FROM ledger_accounts WHERE code = p_cp_code AND currency = p_currency;
        SELECT * INTO v_b FROM ledger_balances WHERE account_id = v_id FOR UPDATE;
        IF v_b.pending > 0 AND ledger_sweep_expired(ARRAY[v_id]) > 0 THEN
          SELECT * INTO v_b FROM ledger_balances WHERE account_id = v_id;
        END IF;
        IF (v_b.no_negative OR p_strict) AND v_b.posted - v_b.pending - p_amount < 0 THEN
          INSERT INTO ledger_holds (hold_id, account_id, counterparty_id, amount, status, reason, type,
                                    reference, metadata, expires_at, resolved_at)
          VALUES (p_hold_id, v_id, v_cp, p_amount, 'REJECTED', 'INSUFFICIENT_FUNDS', p_type, p_reference,
                  p_metadata, now(), now());
          o_status := 'REJECTED'; o_hold_status := 'REJECTED'; o_reason := 'INSUFFICIENT_FUNDS';
          RETURN;
        END IF;
        INSERT INTO ledger_holds (hold_id, account_id, counterparty_id, amount, status, type, reference,
                                  metadata, expires_at)
        VALUES (p_hold_id, v_id, v_cp, p_amount, 'PENDING', p_type, p_reference, p_metadata,
                CASE WHEN p_timeout_seconds IS NULL THEN 'infinity'::timestamptz
                     ELSE now() + make_interval(secs => p_timeout_seconds) END)
        RETURNING expires_at INTO o_expires_at;
        UPDATE ledger_balances SET pending = pending + p_amount, updated_at = now() WHERE account_id = v_id;
        o_status := 'APPLIED'; o_hold_status := 'PENDING';
      END $$`);
    // Resolves a hold: p_action POST (p_amount NULL = full amount; the rest is released) or VOID.
    // A hold resolves once; later calls return the original outcome with o_repeat = true.
    await q.query(`
      CREATE FUNCTION ledger_resolve_hold(p_hold_id text, p_action text, p_amount bigint, p_entry_id text,
                                          p_type text, p_metadata jsonb,
                                          OUT o_status text, OUT o_repeat boolean, OUT o_posted_amount bigint,
                                          OUT o_entry_id text, OUT o_seq bigint)
      LANGUAGE plpgsql AS $$
      DECLARE v_h ledger_holds%ROWTYPE; v_amt bigint;
      BEGIN
        PERFORM pg_advisory_xact_lock(hashtextextended('ledger-hold:' || p_hold_id, 0));
        SELECT * INTO v_h FROM ledger_holds WHERE hold_id = p_hold_id;
        IF NOT FOUND THEN o_status := 'NOT_FOUND'; o_repeat := false; RETURN; END IF;
        -- Lock order: balance rows (by account id), then the hold row, as everywhere else.
        PERFORM 1 FROM ledger_balances WHERE account_id IN (v_h.account_id, v_h.counterparty_id)
          ORDER BY account_id FOR UPDATE;
        SELECT * INTO v_h FROM ledger_holds WHERE hold_id = p_hold_id FOR UPDATE;
        IF v_h.status <> 'PENDING' THEN
          -- Already resolved (or refused when created): report the original outcome.
          o_status := v_h.status; o_repeat := true; o_posted_amount := v_h.posted_amount;
          o_entry_id := v_h.entry_id; RETURN;
        END IF;
        IF v_h.expires_at <= now() THEN
          UPDATE ledger_holds SET status = 'EXPIRED', resolved_at = now() WHERE hold_id = p_hold_id;
          UPDATE ledger_balances SET pending = pending - v_h.amount, updated_at = now()
            WHERE account_id = v_h.account_id;
          o_status := 'EXPIRED'; o_repeat := false; RETURN;
        END IF;
        IF p_action = 'VOID' THEN
          UPDATE ledger_holds SET status = 'VOIDED', resolved_at = now() WHERE hold_id = p_hold_id;
          UPDATE ledger_balances SET pending = pending - v_h.amount, updated_at = now()
            WHERE account_id = v_h.account_id;
          o_status := 'VOIDED'; o_repeat := false; RETURN;
        END IF;
        v_amt := coalesce(p_amount, v_h.amount);
        IF v_amt <= 0 THEN
          RAISE EXCEPTION 'amount must be positive' USING ERRCODE = 'invalid_parameter_value';
        END IF;
        IF v_amt > v_h.amount THEN
          o_status := 'EXCEEDS_PENDING_AMOUNT'; o_repeat := false; RETURN;
        END IF;
        UPDATE ledger_holds SET status = 'POSTED', resolved_at = now(), posted_amount = v_amt,
                                entry_id = p_entry_id
          WHERE hold_id = p_hold_id;
        UPDATE ledger_balances SET pending = pending - v_h.amount WHERE account_id = v_h.account_id;
        o_seq := ledger_apply(p_entry_id, coalesce(p_type, v_h.type), v_h.reference,
                              v_h.metadata || coalesce(p_metadata, '{}'::jsonb) || jsonb_build_object('holdId', p_hold_id),
                              ARRAY[v_h.account_id, v_h.counterparty_id], ARRAY['DEBIT', 'CREDIT'],
                              ARRAY[v_amt, v_amt]);
        o_status := 'POSTED'; o_repeat := false; o_posted_amount := v_amt; o_entry_id := p_entry_id;
      END $$`);
    // Expires every overdue hold (the scheduled sweep); returns how many expired.
    await q.query(`
      CREATE FUNCTION ledger_expire_holds(p_max_accounts integer) RETURNS integer LANGUAGE plpgsql AS $$
      DECLARE v_ids bigint[]; v_n integer;
      BEGIN
        SELECT array_agg(account_id ORDER BY account_id) INTO v_ids FROM (
          SELECT DISTINCT account_id FROM ledger_holds
          WHERE status = 'PENDING' AND expires_at <= now() ORDER BY account_id LIMIT p_max_accounts
        ) s;
        IF v_ids IS NULL THEN RETURN 0; END IF;
        PERFORM 1 FROM ledger_balances WHERE account_id = ANY(v_ids) ORDER BY account_id FOR UPDATE;
        v_n := ledger_sweep_expired(v_ids);
        RETURN v_n;
      END $$`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const f of [
      'ledger_expire_holds(integer)',
      'ledger_resolve_hold(text, text, bigint, text, text, jsonb)',
      'ledger_hold(text, text, text, jsonb, text, text, boolean, text, text, boolean, text, bigint, integer, boolean)',
      'ledger_reject(text, text, text, text)',
      'ledger_post_batch(jsonb, boolean)',
      'ledger_post(text, text, text, jsonb, text[], text[], text[], bigint[], text[], boolean[], boolean)',
      'ledger_seal(integer)',
      'ledger_entry_hash(text, bigint)',
      'ledger_apply(text, text, text, jsonb, bigint[], text[], bigint[])',
      'ledger_sweep_expired(bigint[])',
      'ledger_ensure_accounts(text[], text[], text[], boolean[])',
    ]) {
      await q.query(`DROP FUNCTION ${f}`);
    }
    await q.query(`DROP TABLE ledger_holds, ledger_rejections, ledger_chain, ledger_postings, ledger_entries,
      ledger_chain_head, ledger_balances, ledger_accounts`);
    await q.query(`DROP FUNCTION ledger_hold_guard()`);
    await q.query(`DROP FUNCTION ledger_forbid_truncate()`);
    await q.query(`DROP FUNCTION ledger_forbid_change()`);
  }
}
