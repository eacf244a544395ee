import { UnitOfWork } from 'src/common/database/unit-of-work';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { LedgerChainService } from '../ledger-chain.service';
import { LedgerService } from '../ledger.service';
import { DEFAULT_CURRENCY, LedgerInputError, LedgerLeg, PostStatus } from '../ledger.types';
import { assertId } from '../ledger-validation';

export interface HarnessPostBody {
  idempotencyKey?: unknown;
  transactionId?: unknown;
  allowOverdraft?: unknown;
  legs?: unknown;
}

export interface HarnessPostResult {
  status: PostStatus;
  transactionId: string | null;
  reason: string | null;
}

export interface HarnessJournalLine {
  entryId: string;
  transactionId: string | null;
  accountId: string;
  type: 'DEBIT' | 'CREDIT';
  amountSubunits: number;
  currency: string;
  sequence: number;
  accountSequence: number;
  prevHash: string;
  entryHash: string;
}

const HARNESS_TYPE = 'TRANSFER';

/** Translates the conformance harness's wire format to LedgerService calls. */
@Injectable()
export class LedgerHarnessService {
  constructor(
    private readonly ledger: LedgerService,
    private readonly ds: DataSource,
    private readonly uow: UnitOfWork,
    private readonly chain: LedgerChainService,
  ) {}

  /** Throws LedgerInputError only when the key itself is unusable (→ 400); every other refusal is REJECTED. */
  async post(body: HarnessPostBody): Promise<HarnessPostResult> {
    assertId('idempotencyKey', body.idempotencyKey);
    const key = body.idempotencyKey;
    const transactionId =
      typeof body.transactionId === 'string' && body.transactionId.length <= 255
        ? body.transactionId
        : null;
    let legs: LedgerLeg[];
    try {
      legs = toLegs(body.legs);
      if (body.allowOverdraft !== undefined && typeof body.allowOverdraft !== 'boolean')
        throw new LedgerInputError('INVALID_REQUEST', 'allowOverdraft must be a boolean');
    } catch (err) {
      if (!(err instanceof LedgerInputError)) throw err;
      return this.refuse(key, transactionId, err.reason);
    }
    try {
      const r = await this.ledger.post(
        {
          entryId: key,
          type: HARNESS_TYPE,
          reference: transactionId ?? undefined,
          legs,
          allowOverdraft: body.allowOverdraft === true,
        },
        undefined,
        { strict: true },
      );
      return { status: r.status, transactionId: r.reference ?? null, reason: r.reason ?? null };
    } catch (err) {
      const reason = invalidReason(err);
      if (!reason) throw err;
      return this.refuse(key, transactionId, reason);
    }
  }

  async balance(account: string, currency: string): Promise<number> {
    return (await this.ledger.balance(account, currency)).posted;
  }

  /**
   * The journal in commit order, only below the committed watermark: an entry is listed once it is
   * sealed into the hash chain, i.e. once every entry with a lower number has committed or rolled
   * back for good (ADR 0023). Posting ids are taken at insert, not at commit, so listing every
   * visible row would let a reader pass a lower number that commits a moment later and never see it.
   * `sequence` is the line's place in (entry sequence, leg) order; `entryId` names one line.
   */
  async journal(): Promise<HarnessJournalLine[]> {
    // Seal what was committed before this call; waits (bounded) for older transactions to finish.
    await this.chain.sealAll(20_000);
    const rows = await this.ds.query<
      {
        entry_id: string;
        reference: string | null;
        code: string;
        direction: 'DEBIT' | 'CREDIT';
        amount: string;
        currency: string;
        seq: string;
        leg: number;
        account_seq: string;
        prev_hash: string;
        entry_hash: string;
      }[]
    >(`
      SELECT e.entry_id, e.reference, a.code, p.direction, p.amount, a.currency, e.seq, p.leg,
             p.account_seq, c.prev_hash, c.entry_hash
      FROM ledger_chain c
      JOIN ledger_entries e ON e.seq = c.seq
      JOIN ledger_postings p ON p.entry_seq = e.seq
      JOIN ledger_accounts a ON a.id = p.account_id
      ORDER BY e.seq, p.leg`);
    return rows.map((r) => ({
      entryId: `${r.entry_id}#${r.leg}`,
      transactionId: r.reference,
      accountId: r.code,
      type: r.direction,
      amountSubunits: Number(r.amount),
      currency: r.currency,
      sequence: journalSequence(Number(r.seq), r.leg),
      accountSequence: Number(r.account_seq),
      prevHash: r.prev_hash,
      entryHash: r.entry_hash,
    }));
  }

  /** Empties every ledger table and the idempotency store (scratch databases only). */
  async reset(): Promise<void> {
    await this.uow.run('ledger.harness.reset', async (m) => {
      await m.query(`SET LOCAL ledger.allow_reset = 'on'`);
      await m.query(`TRUNCATE ledger_chain, ledger_postings, ledger_entries, ledger_rejections,
                       ledger_holds, ledger_balances, ledger_accounts, idempotency_keys RESTART IDENTITY`);
      await m.query(`UPDATE ledger_chain_head SET last_seq = 0, last_hash = repeat('0', 64),
                       wm_seq = NULL, wm_xmax = NULL`);
    });
  }

  private async refuse(
    key: string,
    transactionId: string | null,
    reason: string,
  ): Promise<HarnessPostResult> {
    const r = await this.ledger.reject(key, HARNESS_TYPE, reason, transactionId ?? undefined);
    return { status: r.status, transactionId: r.reference ?? null, reason: r.reason ?? null };
  }
}

/** Legs per entry are capped at 64 (ledger-validation), so 100 slots per entry keep the order. */
const LEG_SLOTS = 100;
function journalSequence(entrySeq: number, leg: number): number {
  return entrySeq * LEG_SLOTS + leg;
}

function toLegs(raw: unknown): LedgerLeg[] {
  if (!Array.isArray(raw)) throw new LedgerInputError('INVALID_LEGS', 'legs must be an array');
  return raw.map((l: unknown): LedgerLeg => {
    if (typeof l !== 'object' || l === null)
      throw new LedgerInputError('INVALID_LEGS', 'each leg must be an object');
    const leg = l as Record<string, unknown>;
    if (leg.type !== 'DEBIT' && leg.type !== 'CREDIT')
      throw new LedgerInputError('INVALID_DIRECTION', 'type must be DEBIT or CREDIT');
    if (typeof leg.accountId !== 'string')
      throw new LedgerInputError('INVALID_ACCOUNT', 'accountId must be a string');
    return {
      account: leg.accountId,
      direction: leg.type,
      amount: leg.amountSubunits as number, // validated by LedgerService
      currency: (leg.currency ?? DEFAULT_CURRENCY) as string,
    };
  });
}

/** The reason code of an input refusal raised by LedgerService (AppError 400 with details). */
function invalidReason(err: unknown): string | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const e = err as { code?: unknown; details?: { reason?: string }[] };
  if (e.code !== 'LEDGER_INVALID_ENTRY') return undefined;
  return e.details?.[0]?.reason ?? 'INVALID_ENTRY';
}
