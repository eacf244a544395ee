import { ApiProperty, ApiPropertyOptional, PickType } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min, MinLength } from 'class-validator';
import { MAX_AMOUNT_CENTAVOS } from 'src/common/money/money';
import { AdminTransactionsQuery } from './admin-transactions.query';
import { REFUND_REASONS, RefundReason } from '../payments/providers/payment-provider';

export const REFUND_DESTINATIONS = ['original', 'wallet'] as const;
export type RefundDestination = (typeof REFUND_DESTINATIONS)[number];

export class RefundTransactionDto {
  @ApiProperty({
    description: 'Centavos, at most what was paid minus earlier (and pending) refunds',
    example: 5000,
  })
  @IsInt()
  @Min(1)
  @Max(MAX_AMOUNT_CENTAVOS)
  amount: number;

  @ApiProperty({ example: 'Work not delivered as agreed', minLength: 1, maxLength: 500 })
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value))
  @IsString()
  @MinLength(1)
  @MaxLength(500)
  reason: string;

  @ApiPropertyOptional({
    enum: REFUND_DESTINATIONS,
    description:
      '`original`: back to the payment method through the gateway that took it (default for a ' +
      'gateway-paid charge: a deposit or a GCash job payment); `wallet`: to the wallet (default otherwise)',
  })
  @IsOptional()
  @IsIn(REFUND_DESTINATIONS)
  to?: RefundDestination;

  @ApiPropertyOptional({
    enum: REFUND_REASONS,
    default: 'requested_by_customer',
    description: "The gateway's refund reason (PayMongo's enum; mapped to Xendit's)",
  })
  @IsOptional()
  @IsIn(REFUND_REASONS)
  gatewayReason?: RefundReason;
}

/** Refunds by status, paged like the transaction search. */
export class AdminRefundsQuery extends PickType(AdminTransactionsQuery, [
  'limit',
  'cursor',
] as const) {
  @ApiPropertyOptional({ enum: ['PENDING', 'COMPLETED', 'FAILED'] })
  @IsOptional()
  @IsIn(['PENDING', 'COMPLETED', 'FAILED'])
  status?: 'PENDING' | 'COMPLETED' | 'FAILED';
}
