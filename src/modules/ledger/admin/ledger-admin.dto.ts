import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
} from 'class-validator';
import { MAX_AMOUNT_CENTAVOS, PLATFORM_CURRENCIES } from 'src/common/money/money';

export class AdjustmentDto {
  @ApiProperty({ example: 'wallet:6f1c…:available', description: 'Ledger account code' })
  @IsString()
  @Matches(/^[\x21-\x7e]{1,200}$/, { message: 'account must be a ledger account code' })
  account: string;

  @ApiProperty({
    enum: ['CREDIT', 'DEBIT'],
    description: 'CREDIT adds to the account, DEBIT takes from it',
  })
  @IsIn(['CREDIT', 'DEBIT'])
  direction: 'CREDIT' | 'DEBIT';

  @ApiProperty({ example: 5000, description: 'Centavos' })
  @IsInt()
  @Min(1)
  @Max(MAX_AMOUNT_CENTAVOS)
  amount: number;

  @ApiPropertyOptional({ enum: PLATFORM_CURRENCIES, example: 'PHP', default: 'PHP' })
  @IsOptional()
  @IsIn(PLATFORM_CURRENCIES)
  currency?: string;

  @ApiProperty({ example: 'Support ticket #123: duplicate fee refunded' })
  @IsString()
  @MinLength(3)
  @MaxLength(500)
  reason: string;
}

export class ReversalDto {
  @ApiProperty({ example: 'Posted to the wrong wallet (ticket #456)' })
  @IsString()
  @MinLength(3)
  @MaxLength(500)
  reason: string;
}

export class AdjustmentResultDto {
  @ApiProperty({ example: 'adjustment:4b1e…' }) entryId: string;
  @ApiProperty({ example: 42 }) sequence: number;
  @ApiProperty({ example: 'wallet:6f1c…:available' }) account: string;
  @ApiProperty({ enum: ['CREDIT', 'DEBIT'] }) direction: string;
  @ApiProperty({ example: 5000 }) amount: number;
  @ApiProperty({ example: 'PHP' }) currency: string;
  @ApiProperty({ example: 12500, description: 'Account balance after the adjustment' })
  balance: number;
}

export class ReversalResultDto {
  @ApiProperty({ example: 'reversal:adjustment:4b1e…' }) entryId: string;
  @ApiProperty({ example: 'adjustment:4b1e…' }) reversalOf: string;
  @ApiProperty({ example: 43 }) sequence: number;
}

class AuditCheckDto {
  @ApiProperty({ example: 'balances_equal_sum_of_postings' }) name: string;
  @ApiProperty() pass: boolean;
  @ApiProperty({ example: 0 }) count: number;
  @ApiPropertyOptional() detail?: string;
}

export class LedgerAuditDto {
  @ApiProperty() ok: boolean;
  @ApiProperty() checkedAt: string;
  @ApiProperty({
    example: {
      accounts: 10,
      entries: 120,
      postings: 240,
      holds: 3,
      pendingHolds: 1,
      perCurrency: [{ currency: 'PHP', debits: 500000, credits: 500000 }],
    },
  })
  totals: object;
  @ApiProperty({ type: [AuditCheckDto] }) checks: AuditCheckDto[];
}
