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
  @Max(100_000_000_000)
  amount: number;

  @ApiPropertyOptional({ example: 'PHP' })
  @IsOptional()
  @Matches(/^[A-Z]{3}$/)
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
