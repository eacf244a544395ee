import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { LedgerChainService } from './ledger-chain.service';

export interface AuditCheck {
  name: string;
  pass: boolean;
  /** How many offending rows (0 when it passes). */
  count: number;
  detail?: string;
}

export interface LedgerAuditReport {
  ok: boolean;
  checkedAt: string;
  totals: {
    accounts: number;
    entries: number;
    postings: number;
    holds: number;
    pendingHolds: number;
    perCurrency: { currency: string; debits: number; credits: number }[];
  };
  checks: AuditCheck[];
}

/** Holds may sit past their expiry until the next sweep; beyond this they count as a failure. */
const EXPIRY_GRACE = '5 minutes';

/** Recomputes every invariant of the ledger from the journal (read-only). */
@Injectable()
export class LedgerAuditService {
  constructor(
    private readonly ds: DataSource,
    private readonly chain: LedgerChainService,
  ) {}

  async run(): Promise<LedgerAuditReport> {
    const q = async <T>(sql: string): Promise<T[]> => this.ds.query<T[]>(sql);
    const n = async (sql: string) => Number((await q<{ n: string }>(sql))[0].n);

    const perCurrency = (
      await q<{ currency: string; debits: string; credits: string }>(`
        SELECT a.currency,
               coalesce(sum(p.amount) FILTER (WHERE p.direction = 'DEBIT'), 0) AS debits,
               coalesce(sum(p.amount) FILTER (WHERE p.direction = 'CREDIT'), 0) AS credits
        FROM ledger_postings p JOIN ledger_accounts a ON a.id = p.account_id
        GROUP BY a.currency ORDER BY a.currency`)
    ).map((r) => ({ currency: r.currency, debits: Number(r.debits), credits: Number(r.credits) }));
    const unbalancedCurrencies = perCurrency.filter((c) => c.debits !== c.credits).length;

    const unbalancedEntries = await n(`
      SELECT count(*) AS n FROM (
        SELECT p.entry_seq FROM ledger_postings p JOIN ledger_accounts a ON a.id = p.account_id
        GROUP BY p.entry_seq, a.currency
        HAVING sum(CASE WHEN p.direction = 'DEBIT' THEN p.amount ELSE -p.amount END) <> 0
      ) s`);
    const entriesWithoutLegs = await n(`
      SELECT count(*) AS n FROM ledger_entries e
      WHERE (SELECT count(*) FROM ledger_postings p WHERE p.entry_seq = e.seq) < 2`);
    const balanceMismatches = await this.rebuildMismatches();
    const pendingMismatches = await n(`
      SELECT count(*) AS n FROM ledger_balances b
      LEFT JOIN (SELECT account_id, sum(amount) AS s FROM ledger_holds WHERE status = 'PENDING'
                 GROUP BY account_id) h ON h.account_id = b.account_id
      WHERE b.pending <> coalesce(h.s, 0)`);
    const negativeWallets = await n(`
      SELECT count(*) AS n FROM ledger_balances b JOIN ledger_accounts a ON a.id = b.account_id
      WHERE (a.code LIKE 'wallet:%' OR b.no_negative) AND (b.posted < 0 OR b.posted - b.pending < 0)`);
    const holdsPostedTwice = await n(`
      SELECT count(*) AS n FROM (
        SELECT metadata->>'holdId' FROM ledger_entries WHERE metadata ? 'holdId'
        GROUP BY metadata->>'holdId' HAVING count(*) > 1) s`);
    const postedHoldsWithoutEntry = await n(`
      SELECT count(*) AS n FROM ledger_holds h
      WHERE h.status = 'POSTED' AND NOT EXISTS (SELECT 1 FROM ledger_entries e WHERE e.entry_id = h.entry_id)`);
    const overdueHolds = await n(`
      SELECT count(*) AS n FROM ledger_holds
      WHERE status = 'PENDING' AND expires_at < now() - interval '${EXPIRY_GRACE}'`);
    await this.chain.sealAll(1_000);
    const chain = await this.chain.verify();

    const checks: AuditCheck[] = [
      check(
        'debits_equal_credits_per_currency',
        unbalancedCurrencies,
        `${perCurrency.length} currencies`,
      ),
      check('every_entry_balanced', unbalancedEntries + entriesWithoutLegs),
      check('balances_equal_sum_of_postings', balanceMismatches),
      check('pending_equals_sum_of_pending_holds', pendingMismatches),
      check('no_wallet_negative', negativeWallets),
      check('holds_resolved_at_most_once', holdsPostedTwice + postedHoldsWithoutEntry),
      check('no_hold_pending_past_expiry', overdueHolds, `grace ${EXPIRY_GRACE}`),
      check(
        'hash_chain_intact',
        chain.intact ? 0 : 1,
        chain.firstBroken
          ? `first broken link at sequence ${chain.firstBroken.sequence}: ${chain.firstBroken.problem}`
          : `${chain.sealed} entries sealed, ${chain.unsealed} awaiting sealing`,
      ),
      check(
        'no_entry_left_unsealed',
        chain.overdue,
        'entries older than 10 minutes not in the chain',
      ),
    ];
    const totals = (
      await q<{
        accounts: string;
        entries: string;
        postings: string;
        holds: string;
        pending: string;
      }>(`
        SELECT (SELECT count(*) FROM ledger_accounts) AS accounts,
               (SELECT count(*) FROM ledger_entries) AS entries,
               (SELECT count(*) FROM ledger_postings) AS postings,
               (SELECT count(*) FROM ledger_holds) AS holds,
               (SELECT count(*) FROM ledger_holds WHERE status = 'PENDING') AS pending`)
    )[0];
    return {
      ok: checks.every((c) => c.pass),
      checkedAt: new Date().toISOString(),
      totals: {
        accounts: Number(totals.accounts),
        entries: Number(totals.entries),
        postings: Number(totals.postings),
        holds: Number(totals.holds),
        pendingHolds: Number(totals.pending),
        perCurrency,
      },
      checks,
    };
  }

  /** Rebuild check: how many balance rows differ from the balances recomputed from every posting. */
  async rebuildMismatches(): Promise<number> {
    const rows = await this.ds.query<{ n: string }[]>(`
      SELECT count(*) AS n
      FROM ledger_balances b
      LEFT JOIN (
        SELECT account_id,
               sum(amount) FILTER (WHERE direction = 'CREDIT') AS cr,
               sum(amount) FILTER (WHERE direction = 'DEBIT') AS dr,
               count(*) AS k
        FROM ledger_postings GROUP BY account_id
      ) p ON p.account_id = b.account_id
      WHERE b.credits_posted <> coalesce(p.cr, 0)
         OR b.debits_posted <> coalesce(p.dr, 0)
         OR b.posted <> coalesce(p.cr, 0) - coalesce(p.dr, 0)
         OR b.account_seq <> coalesce(p.k, 0)`);
    return Number(rows[0].n);
  }
}

function check(name: string, count: number, detail?: string): AuditCheck {
  return { name, pass: count === 0, count, ...(detail ? { detail } : {}) };
}
