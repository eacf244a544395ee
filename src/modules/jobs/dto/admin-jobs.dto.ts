import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsOptional, IsString, MaxLength, MinLength } from 'class-validator';
import { trimString } from 'src/common/validation/trim';

export class HoldEarningsDto {
  @ApiProperty({ example: 'Client reported unfinished work', minLength: 1, maxLength: 500 })
  @Transform(trimString)
  @IsString()
  @MinLength(1)
  @MaxLength(500)
  reason: string;
}

export class ReleaseEarningsDto {
  @ApiPropertyOptional({ example: 'Dispute resolved in favour of the worker', maxLength: 500 })
  @IsOptional()
  @Transform(trimString)
  @IsString()
  @MinLength(1)
  @MaxLength(500)
  reason?: string;
}
