import { Injectable } from '@nestjs/common';
import { isUuid } from 'src/common/ids/uuid';
import { DataSource, EntityManager } from 'typeorm';
import type { PaymentMethodResponse, PaymentMethodType } from './payment-method.dto';

export interface PaymentMethodRow {
  id: string;
  user_id: string;
  type: PaymentMethodType;
  account_name: string;
  account_number: string;
  bank_code: string | null;
  is_primary: boolean;
  is_verified: boolean;
  verification_transaction_id: string | null;
  created_at: Date;
}

export function toPaymentMethodResponse(r: PaymentMethodRow): PaymentMethodResponse {
  return {
    id: r.id,
    type: r.type,
    accountName: r.account_name,
    accountNumber: r.account_number,
    bankCode: r.bank_code,
    isPrimary: r.is_primary,
    isVerified: r.is_verified,
    createdAt: r.created_at.toISOString(),
  };
}

/** SQL for `payment_methods`. Callers pass a manager to stay inside their transaction. */
@Injectable()
export class PaymentMethodsRepository {
  constructor(private readonly ds: DataSource) {}

  private q(m?: EntityManager) {
    return m ?? this.ds.manager;
  }

  async insert(
    r: {
      userId: string;
      type: PaymentMethodType;
      accountName: string;
      accountNumber: string;
      bankCode: string | null;
      verified: boolean;
    },
    m?: EntityManager,
  ): Promise<PaymentMethodRow> {
    const rows = await this.q(m).query<PaymentMethodRow[]>(
      `INSERT INTO payment_methods (user_id, type, account_name, account_number, bank_code, is_verified, verified_at)
       VALUES ($1, $2, $3, $4, $5, $6, CASE WHEN $6 THEN now() END) RETURNING *`,
      [r.userId, r.type, r.accountName, r.accountNumber, r.bankCode, r.verified],
    );
    return rows[0];
  }

  async verifiedExists(
    userId: string,
    type: string,
    number: string,
    bankCode: string | null,
    m?: EntityManager,
  ): Promise<boolean> {
    const rows = await this.q(m).query<unknown[]>(
      `SELECT 1 FROM payment_methods WHERE user_id = $1 AND type = $2 AND account_number = $3
         AND coalesce(bank_code, '') = coalesce($4, '') AND is_verified`,
      [userId, type, number, bankCode],
    );
    return rows.length > 0;
  }

  async listVerified(userId: string): Promise<PaymentMethodRow[]> {
    return this.ds.query<PaymentMethodRow[]>(
      `SELECT * FROM payment_methods WHERE user_id = $1 AND is_verified
       ORDER BY is_primary DESC, created_at DESC, id DESC`,
      [userId],
    );
  }

  async find(id: string, m?: EntityManager): Promise<PaymentMethodRow | null> {
    if (!isUuid(id)) return null;
    const rows = await this.q(m).query<PaymentMethodRow[]>(
      `SELECT * FROM payment_methods WHERE id = $1`,
      [id],
    );
    return rows[0] ?? null;
  }

  /** Locks all of a user's methods (fixed order: by id) so primary changes never race. */
  async lockUser(userId: string, m: EntityManager): Promise<PaymentMethodRow[]> {
    return m.query<PaymentMethodRow[]>(
      `SELECT * FROM payment_methods WHERE user_id = $1 ORDER BY id FOR UPDATE`,
      [userId],
    );
  }

  async setVerificationTransaction(id: string, txnId: string, m?: EntityManager): Promise<void> {
    await this.q(m).query(
      `UPDATE payment_methods SET verification_transaction_id = $2 WHERE id = $1`,
      [id, txnId],
    );
  }

  /** Marks verified; becomes primary when the user has none. */
  async markVerified(
    id: string,
    userId: string,
    m: EntityManager,
  ): Promise<PaymentMethodRow | null> {
    // UPDATE … RETURNING comes back from the driver as [rows, affected].
    const [rows] = await m.query<[PaymentMethodRow[], number]>(
      `UPDATE payment_methods SET is_verified = true, verified_at = now(), updated_at = now(),
              is_primary = NOT EXISTS (SELECT 1 FROM payment_methods WHERE user_id = $2 AND is_primary)
       WHERE id = $1 AND NOT is_verified RETURNING *`,
      [id, userId],
    );
    return rows[0] ?? null;
  }

  async setPrimaryIfNone(id: string, userId: string, m: EntityManager): Promise<void> {
    await m.query(
      `UPDATE payment_methods SET is_primary = true, updated_at = now()
       WHERE id = $1 AND is_verified AND NOT EXISTS (SELECT 1 FROM payment_methods WHERE user_id = $2 AND is_primary)`,
      [id, userId],
    );
  }

  async setPrimary(id: string, userId: string, m: EntityManager): Promise<PaymentMethodRow> {
    await m.query(
      `UPDATE payment_methods SET is_primary = false, updated_at = now() WHERE user_id = $1 AND is_primary AND id <> $2`,
      [userId, id],
    );
    const rows = await m.query<[PaymentMethodRow[], number]>(
      `UPDATE payment_methods SET is_primary = true, updated_at = now() WHERE id = $1 RETURNING *`,
      [id],
    );
    return rows[0][0];
  }

  async deleteUnverified(id: string, m: EntityManager): Promise<boolean> {
    const rows = await m.query<[unknown[], number]>(
      `DELETE FROM payment_methods WHERE id = $1 AND NOT is_verified RETURNING id`,
      [id],
    );
    return rows[1] > 0;
  }

  async delete(id: string, m: EntityManager): Promise<void> {
    await m.query(`DELETE FROM payment_methods WHERE id = $1`, [id]);
  }

  /** Newest remaining verified method becomes primary. */
  async promoteNewest(userId: string, m: EntityManager): Promise<void> {
    await m.query(
      `UPDATE payment_methods SET is_primary = true, updated_at = now()
       WHERE id = (SELECT id FROM payment_methods WHERE user_id = $1 AND is_verified ORDER BY created_at DESC, id DESC LIMIT 1)`,
      [userId],
    );
  }

  /**
   * A verified payout account of the user, share-locked for the caller's transaction (it cannot be
   * removed or re-verified meanwhile), and whether it was added within the last `cooldownHours`.
   */
  async lockVerifiedForPayout(
    id: string,
    userId: string,
    cooldownHours: number,
    m: EntityManager,
  ): Promise<(PaymentMethodRow & { in_cooldown: boolean }) | null> {
    if (!isUuid(id)) return null;
    const [row] = await m.query<Array<PaymentMethodRow & { in_cooldown: boolean }>>(
      `SELECT pm.*, pm.created_at > now() - make_interval(hours => $3) AS in_cooldown
       FROM payment_methods pm WHERE pm.id = $1 AND pm.user_id = $2 AND pm.is_verified
       FOR SHARE OF pm`,
      [id, userId, cooldownHours],
    );
    return row ?? null;
  }

  async staleUnverified(olderThanSeconds: number, limit: number): Promise<PaymentMethodRow[]> {
    return this.ds.query<PaymentMethodRow[]>(
      `SELECT * FROM payment_methods WHERE NOT is_verified AND created_at < now() - make_interval(secs => $1)
       ORDER BY created_at LIMIT $2`,
      [olderThanSeconds, limit],
    );
  }
}
