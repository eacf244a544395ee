import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsInt, IsString, Max, MaxLength, Min, MinLength } from 'class-validator';
import { MAX_AMOUNT_CENTAVOS } from '../../common/money/money';

export class RefundTransactionDto {
  @ApiProperty({
    description: 'Centavos, at most what was paid minus earlier refunds',
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
}
