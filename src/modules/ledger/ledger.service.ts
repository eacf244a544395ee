import { Injectable } from '@nestjs/common';
import { Counter } from 'prom-client';
import type { EntityManager } from 'typeorm';
import { AppError } from 'src/common/errors/app-error';
import { metricsRegistry } from 'src/common/metrics/metrics.registry';
import { accountPolicy } from './account-policy';
import { LedgerRepository } from './ledger.repository';
import {
  Balance,
  HoldInput,
  HoldResult,
  HoldStatus,
  LedgerInputError,
  PostInput,
  PostResult,
  PostStatus,
  ResolveHoldInput,
  ResolveHoldResult,
  ResolveStatus,
} from './ledger.types';
import {
  assertAccount,
  assertId,
  assertType,
  isValidAmount,
  normalizeCurrency,
  validateEntry,
} from './ledger-validation';
import { LedgerErrors } from './ledger.errors';

const ledgerOps = new Counter({
  name: 'ledger_operations_total',
  help: 'Ledger operations by kind and outcome',
  labelNames: ['op', 'outcome'] as const,
  registers: [metricsRegistry],
});

const MAX_BATCH = 1000;
const POST_SQL = 'SELECT * FROM ledger_post($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)';
const REJECT_SQL = 'SELECT * FROM ledger_reject($1, $2, $3, $4)';
const HOLD_SQL =
  'SELECT * FROM ledger_hold($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)';
const RESOLVE_SQL = 'SELECT * FROM ledger_resolve_hold($1, $2, $3, $4, $5, $6)';
const BALANCE_SQL = `
  SELECT b.posted,
         (SELECT coalesce(sum(h.amount), 0) FROM ledger_holds h
           WHERE h.account_id = b.account_id AND h.status = 'PENDING' AND h.expires_at > now()) AS held
  FROM ledger_accounts a JOIN ledger_balances b ON b.account_id = a.id
  WHERE a.code = $1 AND a.currency = $2`;

const BALANCES_SQL = `
  SELECT a.code, b.posted, b.updated_at,
         (SELECT coalesce(sum(h.amount), 0) FROM ledger_holds h
           WHERE h.account_id = b.account_id AND h.status = 'PENDING' AND h.expires_at > now()) AS held
  FROM ledger_accounts a JOIN ledger_balances b ON b.account_id = a.id
  WHERE a.code = ANY($1) AND a.currency = $2`;

interface PostRow {
  o_status: PostStatus;
  o_reason: string | null;
  o_reference: string | null;
  o_seq: string | null;
}

/** Options the public interface does not expose: the test harness checks every debited account. */
export interface PostOptions {
  /** Every debited account must stay ≥ 0 unless allowOverdraft (not only no-negative ones). */
  strict?: boolean;
}

/**
 * The money core. Every movement is a balanced journal entry written in one database transaction by
 * a SQL function (see the CreateLedger migration); pass `manager` to join the caller's transaction.
 * Input errors throw AppError 400 `LEDGER_INVALID_ENTRY` and write nothing; business refusals
 * (insufficient funds) are returned as `REJECTED` and stay rejected for that id.
 */
@Injectable()
export class LedgerService {
  constructor(private readonly repo: LedgerRepository) {}

  async post(
    input: PostInput,
    manager?: EntityManager,
    opts: PostOptions = {},
  ): Promise<PostResult> {
    const row = await this.repo.one<PostRow>(
      'ledger_post',
      POST_SQL,
      this.postParams(input, opts),
      manager,
    );
    ledgerOps.inc({ op: 'post', outcome: row.o_status });
    return toPostResult(input.entryId, row);
  }

  /**
   * The 11 arguments of `ledger_post` for an entry, validated as `post` does (400 on bad input): for
   * a SQL function that posts inside its own statement and takes them first, in this order.
   */
  postParams(input: PostInput, opts: PostOptions = {}): unknown[] {
    const legs = this.validOrThrow(() => validateEntry(input));
    const policies = legs.map((l) => accountPolicy(l.account));
    return [
      input.entryId,
      input.type,
      input.reference ?? null,
      JSON.stringify(input.metadata ?? {}),
      legs.map((l) => l.account),
      legs.map((l) => l.currency),
      legs.map((l) => l.direction),
      legs.map((l) => l.amount),
      policies.map((p) => p.normalSide),
      policies.map((p) => p.noNegative),
      opts.strict === true && input.allowOverdraft !== true,
    ];
  }

  /** Counts a posting that a caller's SQL function made through `ledger_post` (see `postParams`). */
  countPosted(status: PostStatus): void {
    ledgerOps.inc({ op: 'post', outcome: status });
  }

  /**
   * Posts or throws (rolling the caller's transaction back): for movements that must always land, such
   * as a payment the gateway already confirmed. Returns APPLIED or DUPLICATE.
   */
  async postOrThrow(input: PostInput, manager: EntityManager): Promise<PostResult> {
    const res = await this.post(input, manager);
    if (res.status === 'REJECTED')
      throw new Error(`ledger rejected ${input.entryId}: ${res.reason ?? ''}`);
    return res;
  }

  /**
   * Posts up to 1,000 independent entries in one transaction and one round trip (each gets its own
   * APPLIED / DUPLICATE / REJECTED, in input order). For bulk work: imports, batch releases.
   */
  async postBatch(
    inputs: PostInput[],
    manager?: EntityManager,
    opts: PostOptions = {},
  ): Promise<PostResult[]> {
    if (!Array.isArray(inputs) || inputs.length === 0 || inputs.length > MAX_BATCH)
      throw new AppError(LedgerErrors.LEDGER_INVALID_ENTRY, {
        message: `a batch holds 1 to ${MAX_BATCH} entries`,
      });
    if (new Set(inputs.map((i) => i.entryId)).size !== inputs.length)
      throw new AppError(LedgerErrors.LEDGER_INVALID_ENTRY, {
        message: 'entry ids in a batch must be distinct',
      });
    const entries = inputs.map((input) => {
      const legs = this.validOrThrow(() => validateEntry(input));
      return {
        e: input.entryId,
        t: input.type,
        r: input.reference ?? null,
        m: input.metadata ?? {},
        l: legs.map((l) => {
          const p = accountPolicy(l.account);
          return {
            c: l.account,
            u: l.currency,
            d: l.direction,
            a: l.amount,
            s: p.normalSide,
            n: p.noNegative,
          };
        }),
      };
    });
    if (inputs.some((i) => i.allowOverdraft === true) && opts.strict)
      throw new AppError(LedgerErrors.LEDGER_INVALID_ENTRY, {
        message: 'allowOverdraft is per batch in strict mode',
      });
    const rows = await this.repo.all<PostRow>(
      'ledger_post_batch',
      'SELECT * FROM ledger_post_batch($1, $2)',
      [JSON.stringify(entries), opts.strict === true],
      manager,
    );
    return rows.map((row, i) => {
      ledgerOps.inc({ op: 'post', outcome: row.o_status });
      return toPostResult(inputs[i].entryId, row);
    });
  }

  /**
   * Records that an entry id was refused before reaching the ledger (used by the test harness so a
   * refused id stays refused). Returns the id's outcome: REJECTED, or DUPLICATE if it was applied.
   */
  async reject(
    entryId: string,
    type: string,
    reason: string,
    reference?: string,
    manager?: EntityManager,
  ): Promise<PostResult> {
    const row = await this.repo.one<PostRow>(
      'ledger_reject',
      REJECT_SQL,
      [entryId, type, reference ?? null, reason],
      manager,
    );
    return toPostResult(entryId, row);
  }

  /** Balance of one account (credits − debits); an account never used reads as zero. */
  async balance(account: string, currency = 'PHP', manager?: EntityManager): Promise<Balance> {
    const rows = await this.repo.rows<{ posted: string; held: string }>(
      BALANCE_SQL,
      [account, currency],
      manager,
    );
    if (rows.length === 0) return { posted: 0, pending: 0, available: 0 };
    const posted = Number(rows[0].posted);
    const pending = Number(rows[0].held);
    return { posted, pending, available: posted - pending };
  }

  /** Balances of several accounts in one query; accounts never used are absent from the map. */
  async balances(
    accounts: string[],
    currency = 'PHP',
    manager?: EntityManager,
  ): Promise<Map<string, Balance & { updatedAt: Date }>> {
    type Row = { code: string; posted: string; held: string; updated_at: Date };
    // Outside a transaction (the wallet read of every `GET /api/wallet` and realtime push): one named
    // prepared statement on the pool, planned once per connection, without the ORM's query path.
    const rows = manager
      ? await this.repo.rows<Row>(BALANCES_SQL, [accounts, currency], manager)
      : await this.repo.all<Row>('ledger_balances', BALANCES_SQL, [accounts, currency]);
    return new Map(
      rows.map((r) => {
        const posted = Number(r.posted);
        const pending = Number(r.held);
        return [r.code, { posted, pending, available: posted - pending, updatedAt: r.updated_at }];
      }),
    );
  }

  /** Reserves `amount` from `account` (two-phase, TigerBeetle semantics). Same holdId → original outcome. */
  async hold(
    input: HoldInput,
    manager?: EntityManager,
    opts: PostOptions = {},
  ): Promise<HoldResult> {
    const currency = this.validOrThrow(() => {
      assertId('holdId', input.holdId);
      assertType(input.type);
      assertAccount(input.account);
      assertAccount(input.counterparty);
      if (input.account === input.counterparty)
        throw new LedgerInputError('INVALID_ACCOUNT', 'account and counterparty must differ');
      if (!isValidAmount(input.amount))
        throw new LedgerInputError(
          'INVALID_AMOUNT',
          'amount must be an integer between 1 and 10^11',
        );
      const t = input.timeoutSeconds;
      if (t !== undefined && (!Number.isInteger(t) || t < 0 || t > 366 * 86400))
        throw new LedgerInputError('INVALID_TIMEOUT', 'timeoutSeconds must be an integer ≥ 0');
      return normalizeCurrency(input.currency);
    });
    const a = accountPolicy(input.account);
    const c = accountPolicy(input.counterparty);
    const row = await this.repo.one<{
      o_status: PostStatus;
      o_hold_status: HoldStatus;
      o_reason: string | null;
      o_expires_at: Date | null;
    }>(
      'ledger_hold',
      HOLD_SQL,
      [
        input.holdId,
        input.type,
        input.reference ?? null,
        JSON.stringify(input.metadata ?? {}),
        input.account,
        a.normalSide,
        a.noNegative,
        input.counterparty,
        c.normalSide,
        c.noNegative,
        currency,
        input.amount,
        input.timeoutSeconds ?? null,
        opts.strict === true && input.allowOverdraft !== true,
      ],
      manager,
    );
    ledgerOps.inc({ op: 'hold', outcome: row.o_status });
    return {
      status: row.o_status,
      holdId: input.holdId,
      holdStatus: row.o_hold_status,
      ...(row.o_reason ? { reason: row.o_reason } : {}),
      expiresAt: row.o_expires_at,
    };
  }

  /** Posts a hold, fully or partly (the rest returns to the account). A hold resolves at most once. */
  postHold(input: ResolveHoldInput, manager?: EntityManager): Promise<ResolveHoldResult> {
    return this.resolve('POST', input, manager);
  }

  /** Voids a hold: the whole amount returns to the account. */
  voidHold(
    input: { holdId: string } | string,
    manager?: EntityManager,
  ): Promise<ResolveHoldResult> {
    return this.resolve('VOID', typeof input === 'string' ? { holdId: input } : input, manager);
  }

  /** Expires overdue holds (the scheduled sweep); returns how many expired. */
  async expireHolds(maxAccounts = 1000): Promise<number> {
    const row = await this.repo.one<{ n: number }>(
      'ledger_expire_holds',
      'SELECT ledger_expire_holds($1) AS n',
      [maxAccounts],
    );
    return Number(row.n);
  }

  private async resolve(
    action: 'POST' | 'VOID',
    input: ResolveHoldInput,
    manager?: EntityManager,
  ): Promise<ResolveHoldResult> {
    this.validOrThrow(() => {
      assertId('holdId', input.holdId);
      if (input.amount !== undefined && !isValidAmount(input.amount))
        throw new LedgerInputError(
          'INVALID_AMOUNT',
          'amount must be an integer between 1 and 10^11',
        );
      if (input.entryId !== undefined) assertId('entryId', input.entryId);
      if (input.type !== undefined) assertType(input.type);
    });
    const row = await this.repo.one<{
      o_status: ResolveStatus;
      o_repeat: boolean;
      o_posted_amount: string | null;
      o_entry_id: string | null;
    }>(
      'ledger_resolve_hold',
      RESOLVE_SQL,
      [
        input.holdId,
        action,
        input.amount ?? null,
        input.entryId ?? `${input.holdId}:post`,
        input.type ?? null,
        JSON.stringify(input.metadata ?? {}),
      ],
      manager,
    );
    ledgerOps.inc({ op: action === 'POST' ? 'post_hold' : 'void_hold', outcome: row.o_status });
    return {
      status: row.o_status,
      holdId: input.holdId,
      repeat: row.o_repeat,
      ...(row.o_posted_amount !== null ? { postedAmount: Number(row.o_posted_amount) } : {}),
      ...(row.o_entry_id !== null ? { entryId: row.o_entry_id } : {}),
    };
  }

  private validOrThrow<T>(fn: () => T): T {
    try {
      return fn();
    } catch (err) {
      if (err instanceof LedgerInputError)
        throw new AppError(LedgerErrors.LEDGER_INVALID_ENTRY, {
          message: err.message,
          details: [{ reason: err.reason }],
        });
      throw err;
    }
  }
}

function toPostResult(entryId: string, row: PostRow): PostResult {
  return {
    status: row.o_status,
    entryId,
    ...(row.o_reason ? { reason: row.o_reason } : {}),
    ...(row.o_reference !== null ? { reference: row.o_reference } : {}),
    ...(row.o_seq !== null && row.o_seq !== undefined ? { sequence: Number(row.o_seq) } : {}),
  };
}
