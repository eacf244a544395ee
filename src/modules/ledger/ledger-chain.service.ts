import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

export interface ChainVerification {
  intact: boolean;
  /** Entries covered by the chain. */
  sealed: number;
  /** Entries not sealed yet (recent ones wait for older transactions to finish). */
  unsealed: number;
  /** Unsealed entries older than the sealing lag allows. */
  overdue: number;
  /** The sequence number of the first broken link, and why. */
  firstBroken?: { sequence: number; problem: string };
}

const BATCH = 5_000;
const OVERDUE = '10 minutes';

/**
 * The journal's SHA-256 hash chain. Sealing runs after the fact, in sequence order, over entries
 * that can no longer change (see the ledger_seal SQL function), so postings never serialise on it.
 */
@Injectable()
export class LedgerChainService {
  constructor(private readonly ds: DataSource) {}

  /** Seals one batch; returns how many entries were added to the chain. */
  async sealOnce(): Promise<number> {
    const rows = await this.ds.query<{ n: number }[]>('SELECT ledger_seal($1) AS n', [BATCH]);
    return Number(rows[0].n);
  }

  /**
   * Seals everything committed before the call, waiting (at most `maxWaitMs`) for transactions that
   * were running to finish. Returns how many entries were sealed.
   */
  async sealAll(maxWaitMs = 5_000): Promise<number> {
    const target = Number(
      (
        await this.ds.query<{ s: string }[]>(
          `SELECT coalesce(max(seq), 0) AS s FROM ledger_entries`,
        )
      )[0].s,
    );
    const deadline = Date.now() + maxWaitMs;
    let total = 0;
    for (;;) {
      total += await this.sealOnce();
      const head = await this.ds.query<{ last_seq: string }[]>(
        'SELECT last_seq FROM ledger_chain_head',
      );
      if (Number(head[0].last_seq) >= target || Date.now() > deadline) return total;
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  /** Recomputes every link and names the first broken one. */
  async verify(): Promise<ChainVerification> {
    const broken = await this.ds.query<{ seq: string; problem: string }[]>(`
      WITH c AS (
        SELECT c.seq, c.prev_hash, c.entry_hash,
               ledger_entry_hash(c.prev_hash, c.seq) AS recomputed,
               lag(c.entry_hash, 1, repeat('0', 64)) OVER (ORDER BY c.seq) AS expected_prev
        FROM ledger_chain c
      ), head AS (SELECT last_seq FROM ledger_chain_head)
      SELECT seq, problem FROM (
        SELECT seq, CASE WHEN prev_hash <> expected_prev
                         THEN 'prev_hash does not match the previous link'
                         ELSE 'content does not match entry_hash' END AS problem
        FROM c WHERE prev_hash <> expected_prev OR recomputed IS DISTINCT FROM entry_hash
        UNION ALL
        SELECT e.seq, 'entry missing from the chain'
        FROM ledger_entries e, head
        WHERE e.seq <= head.last_seq AND NOT EXISTS (SELECT 1 FROM ledger_chain c WHERE c.seq = e.seq)
      ) s ORDER BY seq LIMIT 1`);
    const stats = (
      await this.ds.query<
        { sealed: string; unsealed: string; overdue: string; head_ok: boolean }[]
      >(`
        SELECT (SELECT count(*) FROM ledger_chain) AS sealed,
               (SELECT count(*) FROM ledger_entries e, ledger_chain_head h WHERE e.seq > h.last_seq) AS unsealed,
               (SELECT count(*) FROM ledger_entries e, ledger_chain_head h
                 WHERE e.seq > h.last_seq AND e.created_at < now() - interval '${OVERDUE}') AS overdue,
               (SELECT coalesce((SELECT entry_hash FROM ledger_chain ORDER BY seq DESC LIMIT 1), repeat('0', 64))
                       = h.last_hash FROM ledger_chain_head h) AS head_ok`)
    )[0];
    const base = {
      sealed: Number(stats.sealed),
      unsealed: Number(stats.unsealed),
      overdue: Number(stats.overdue),
    };
    if (broken.length > 0)
      return {
        intact: false,
        ...base,
        firstBroken: { sequence: Number(broken[0].seq), problem: broken[0].problem },
      };
    if (!stats.head_ok)
      return {
        intact: false,
        ...base,
        firstBroken: {
          sequence: base.sealed + 1,
          problem: 'chain head does not match the last link',
        },
      };
    return { intact: true, ...base };
  }
}
