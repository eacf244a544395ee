import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { SETTINGS_BOUNDS as B } from './platform-settings.types';

/** A partial change; omitted fields keep their value. Integers only (basis points, days, centavos). */
export class UpdatePlatformSettingsDto {
  @ApiPropertyOptional({ description: 'Platform fee in basis points (1000 = 10 %)', example: 1000 })
  @IsOptional()
  @IsInt()
  @Min(B.platformFeeBps.min)
  @Max(B.platformFeeBps.max)
  platformFeeBps?: number;

  @ApiPropertyOptional({ description: 'Days earnings stay pending before release', example: 7 })
  @IsOptional()
  @IsInt()
  @Min(B.paymentBufferDays.min)
  @Max(B.paymentBufferDays.max)
  paymentBufferDays?: number;

  @ApiPropertyOptional({ description: 'Smallest withdrawal, centavos', example: 10000 })
  @IsOptional()
  @IsInt()
  @Min(B.withdrawalMinAmount.min)
  @Max(B.withdrawalMinAmount.max)
  withdrawalMinAmount?: number;

  @ApiPropertyOptional({ description: 'Withdrawals per user per day (UTC)', example: 10 })
  @IsOptional()
  @IsInt()
  @Min(B.withdrawalDailyMaxCount.min)
  @Max(B.withdrawalDailyMaxCount.max)
  withdrawalDailyMaxCount?: number;

  @ApiPropertyOptional({ description: 'Total withdrawn per user per day (UTC), centavos' })
  @IsOptional()
  @IsInt()
  @Min(B.withdrawalDailyMaxAmount.min)
  @Max(B.withdrawalDailyMaxAmount.max)
  withdrawalDailyMaxAmount?: number;
}
