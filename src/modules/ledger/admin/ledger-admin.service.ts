import { UnitOfWork } from 'src/common/database/unit-of-work';
import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { AppError } from 'src/common/errors/app-error';
import { AuditLogService } from 'src/modules/audit/audit-log.service';
import { LedgerService } from '../ledger.service';
import type { Direction, LedgerLeg } from '../ledger.types';
import { LedgerErrors } from '../ledger.errors';

/** Support corrections go against this account, so every adjustment stays balanced and visible. */
export const ADJUSTMENTS_ACCOUNT = 'platform:adjustments';

export interface AdjustmentResult {
  entryId: string;
  sequence: number;
  account: string;
  direction: Direction;
  amount: number;
  currency: string;
  balance: number;
}

const WALLET = /^wallet:([0-9a-f-]{36}):(available|pending)$/i;

/** Admin corrections: adjusting and reversing entries, each audit-logged in the same transaction. */
@Injectable()
export class LedgerAdminService {
  constructor(
    private readonly ds: DataSource,
    private readonly uow: UnitOfWork,
    private readonly ledger: LedgerService,
    private readonly audit: AuditLogService,
  ) {}

  async adjust(
    actorId: string,
    input: {
      account: string;
      direction: Direction;
      amount: number;
      currency?: string;
      reason: string;
    },
    requestId: string,
  ): Promise<AdjustmentResult> {
    const currency = input.currency ?? 'PHP';
    if (input.account === ADJUSTMENTS_ACCOUNT)
      throw new AppError(LedgerErrors.INVALID_ACCOUNT, {
        message: 'Cannot adjust the adjustments account itself',
      });
    await this.assertKnownAccount(input.account, currency);
    const entryId = `adjustment:${randomUUID()}`;
    const other: Direction = input.direction === 'CREDIT' ? 'DEBIT' : 'CREDIT';
    return this.uow.runOnce('ledger.admin.adjust', async (m) => {
      const before = await this.ledger.balance(input.account, currency, m);
      const r = await this.ledger.post(
        {
          entryId,
          type: 'ADJUSTMENT',
          reference: requestId,
          metadata: { reason: input.reason, actorId },
          legs: [
            { account: ADJUSTMENTS_ACCOUNT, direction: other, amount: input.amount, currency },
            { account: input.account, direction: input.direction, amount: input.amount, currency },
          ],
        },
        m,
      );
      if (r.status !== 'APPLIED')
        throw new AppError(LedgerErrors.INSUFFICIENT_FUNDS, {
          message: 'The account cannot go below zero',
        });
      const after = await this.ledger.balance(input.account, currency, m);
      await this.audit.record(
        {
          actorId,
          action: 'ledger.adjustment',
          targetType: 'ledger_account',
          targetId: input.account,
          before: { posted: before.posted },
          after: { posted: after.posted },
          requestId,
          metadata: {
            entryId,
            direction: input.direction,
            amount: input.amount,
            currency,
            reason: input.reason,
          },
        },
        m,
      );
      return {
        entryId,
        sequence: r.sequence ?? 0,
        account: input.account,
        direction: input.direction,
        amount: input.amount,
        currency,
        balance: after.posted,
      };
    });
  }

  /** Posts the mirror image of an entry (at most once per entry). */
  async reverse(
    actorId: string,
    entryId: string,
    reason: string,
    requestId: string,
  ): Promise<{ entryId: string; reversalOf: string; sequence: number }> {
    const legs = await this.ds.query<
      { code: string; currency: string; direction: Direction; amount: string }[]
    >(
      `SELECT a.code, a.currency, p.direction, p.amount
       FROM ledger_entries e JOIN ledger_postings p ON p.entry_seq = e.seq
       JOIN ledger_accounts a ON a.id = p.account_id
       WHERE e.entry_id = $1 ORDER BY p.leg`,
      [entryId],
    );
    if (legs.length === 0) throw new AppError(LedgerErrors.LEDGER_ENTRY_NOT_FOUND);
    const reversalId = `reversal:${entryId}`;
    const mirror: LedgerLeg[] = legs.map((l) => ({
      account: l.code,
      currency: l.currency,
      amount: Number(l.amount),
      direction: l.direction === 'DEBIT' ? 'CREDIT' : 'DEBIT',
    }));
    return this.uow.runOnce('ledger.admin.reverse', async (m) => {
      const r = await this.ledger.post(
        {
          entryId: reversalId,
          type: 'REVERSAL',
          reference: entryId,
          metadata: { reason, actorId },
          legs: mirror,
        },
        m,
      );
      if (r.status === 'DUPLICATE') throw new AppError(LedgerErrors.ENTRY_ALREADY_REVERSED);
      if (r.status === 'REJECTED')
        throw new AppError(LedgerErrors.INSUFFICIENT_FUNDS, {
          message: 'Reversing would take an account below zero',
        });
      await this.audit.record(
        {
          actorId,
          action: 'ledger.reversal',
          targetType: 'ledger_entry',
          targetId: entryId,
          after: { reversalEntryId: reversalId },
          requestId,
          metadata: { reason },
        },
        m,
      );
      return { entryId: reversalId, reversalOf: entryId, sequence: r.sequence ?? 0 };
    });
  }

  /** An adjustment must name an account that exists, or the wallet of an existing user. */
  private async assertKnownAccount(account: string, currency: string): Promise<void> {
    const known = await this.ds.query<{ ok: boolean }[]>(
      `SELECT EXISTS (SELECT 1 FROM ledger_accounts WHERE code = $1 AND currency = $2) AS ok`,
      [account, currency],
    );
    if (known[0].ok) return;
    const m = WALLET.exec(account);
    if (m) {
      const user = await this.ds.query<{ ok: boolean }[]>(
        `SELECT EXISTS (SELECT 1 FROM users WHERE id = $1::uuid) AS ok`,
        [m[1]],
      );
      if (user[0].ok) return;
    }
    throw new AppError(LedgerErrors.LEDGER_ACCOUNT_NOT_FOUND);
  }
}
