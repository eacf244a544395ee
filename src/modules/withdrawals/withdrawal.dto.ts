import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Max,
  MaxLength,
  Min,
  MinLength,
} from 'class-validator';
import { MAX_AMOUNT_CENTAVOS } from 'src/common/money/money';
import { trimString } from 'src/common/validation/trim';
import { PageLimit } from 'src/common/http/page-limit.decorator';

export class WithdrawDto {
  @ApiProperty({ description: 'Centavos, at least ₱100.00 (10000)', example: 50000 })
  @IsInt()
  @Min(10_000)
  @Max(MAX_AMOUNT_CENTAVOS)
  amount: number;

  @ApiProperty({ format: 'uuid', description: 'One of your verified payout accounts' })
  @IsUUID()
  paymentMethodId: string;
}

export class ApproveWithdrawalDto {
  @ApiProperty({
    description: 'The transfer reference from the bank/e-wallet',
    example: 'GC-88231',
  })
  @Transform(trimString)
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  reference: string;
}

export class RejectWithdrawalDto {
  @ApiProperty({ example: 'Account name does not match' })
  @Transform(trimString)
  @IsString()
  @MinLength(1)
  @MaxLength(500)
  reason: string;
}

export class ListWithdrawalsQuery {
  @ApiPropertyOptional({ enum: ['PENDING', 'COMPLETED', 'FAILED'], default: 'PENDING' })
  @IsOptional()
  @IsIn(['PENDING', 'COMPLETED', 'FAILED'])
  status?: 'PENDING' | 'COMPLETED' | 'FAILED';

  @PageLimit(50)
  limit?: number;

  @ApiPropertyOptional({ description: 'nextCursor of the previous page' })
  @IsOptional()
  @IsUUID()
  cursor?: string;
}
