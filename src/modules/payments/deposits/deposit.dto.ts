import { ApiProperty } from '@nestjs/swagger';
import { IsInt, Max, Min } from 'class-validator';

export const MIN_DEPOSIT = 1_000; // ₱10.00
export const MAX_DEPOSIT = 10_000_000; // ₱100,000.00

export class DepositDto {
  @ApiProperty({
    description: 'Centavos, ₱10.00–₱100,000.00',
    example: 50_000,
    minimum: MIN_DEPOSIT,
    maximum: MAX_DEPOSIT,
  })
  @IsInt()
  @Min(MIN_DEPOSIT)
  @Max(MAX_DEPOSIT)
  amount: number;
}
