import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AuditLogService } from '../audit/audit-log.service';
import { RealtimePublisher } from '../realtime/realtime.publisher';
import { maskAccount } from './account-number';
import type { PaymentMethodRow } from './payment-methods.repository';

/**
 * Every added payout account is audit-logged (in the adding transaction) and announced to the owner's
 * sessions (after commit), so a takeover that adds one is visible.
 */
@Injectable()
export class PaymentMethodAnnouncer {
  constructor(
    private readonly audit: AuditLogService,
    private readonly realtime: RealtimePublisher,
  ) {}

  async recordAdded(
    userId: string,
    row: PaymentMethodRow,
    requestId: string | undefined,
    m: EntityManager,
  ): Promise<void> {
    await this.audit.record(
      {
        actorId: userId,
        action: 'payment-method.add',
        targetType: 'payment_method',
        targetId: row.id,
        after: {
          type: row.type,
          accountNumber: maskAccount(row.account_number),
          bankCode: row.bank_code,
          isVerified: row.is_verified,
        },
        requestId: requestId ?? null,
        metadata: { userId },
      },
      m,
    );
  }

  publishAdded(userId: string, row: PaymentMethodRow): void {
    this.realtime.publish(userId, 'payment-method.added', {
      id: row.id,
      type: row.type,
      accountNumber: maskAccount(row.account_number),
      isVerified: row.is_verified,
    });
  }
}
