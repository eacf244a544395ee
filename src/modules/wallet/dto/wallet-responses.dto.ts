import { ApiProperty } from '@nestjs/swagger';
import { TRANSACTION_STATUSES, TRANSACTION_TYPES } from '../transaction.model';

export class WalletDto {
  @ApiProperty({ example: 'PHP' }) currency: string;
  @ApiProperty({ example: 150000, description: 'Posted balance, centavos' }) balance: number;
  @ApiProperty({ example: 20000, description: 'Held by pending withdrawals, centavos' })
  reserved: number;
  @ApiProperty({ example: 130000, description: 'balance − reserved' }) available: number;
  @ApiProperty({ example: 45000, description: 'Earnings in the release buffer, not in balance' })
  pendingEarnings: number;
  @ApiProperty({ example: '2026-11-26T04:00:00.000Z' }) updatedAt: string;
}

export class TransactionDto {
  @ApiProperty({ example: '9b2f0e0c-5d4e-4c8b-9a43-0c1f2e3d4b5a' }) id: string;
  @ApiProperty({ enum: TRANSACTION_TYPES }) type: string;
  @ApiProperty({ enum: TRANSACTION_STATUSES }) status: string;
  @ApiProperty({ example: 50000, description: 'Centavos' }) amount: number;
  @ApiProperty({ example: 'PHP' }) currency: string;
  @ApiProperty({ nullable: true, type: String, example: 'Wallet top-up' }) description:
    string | null;
  @ApiProperty({ nullable: true, type: String }) reference: string | null;
  @ApiProperty({ nullable: true, type: String, example: 'paymongo' }) provider: string | null;
  @ApiProperty({ nullable: true, type: String, example: 'cs_abc123' })
  providerReference: string | null;
  @ApiProperty({ nullable: true, type: String }) paymentMethodId: string | null;
  @ApiProperty({ nullable: true, type: String }) jobId: string | null;
  @ApiProperty({ example: '2026-11-26T04:00:00.000Z' }) createdAt: string;
  @ApiProperty({ nullable: true, type: String }) completedAt: string | null;
}

export class TransactionPageDto {
  @ApiProperty({ type: [TransactionDto] }) data: TransactionDto[];
  @ApiProperty({ nullable: true, type: String, description: 'Pass as `cursor` for the next page' })
  nextCursor: string | null;
}

export class PendingEarningDto {
  @ApiProperty() transactionId: string;
  @ApiProperty({ nullable: true, type: String }) jobId: string | null;
  @ApiProperty({ example: 45000 }) amount: number;
  @ApiProperty({ nullable: true, type: String }) description: string | null;
  @ApiProperty({ nullable: true, type: String, example: '2026-12-03T04:00:00.000Z' })
  releaseAt: string | null;
  @ApiProperty() createdAt: string;
}

export class PendingEarningsDto {
  @ApiProperty({ example: 'PHP' }) currency: string;
  @ApiProperty({ example: 45000, description: 'Balance of the pending-earnings account' })
  total: number;
  @ApiProperty({ type: [PendingEarningDto] }) items: PendingEarningDto[];
}
