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
import { MAX_JOB_BUDGET, MIN_JOB_BUDGET } from '../job-amounts';
import { JOB_STATUSES, JobStatus } from '../job-status';
import { trimString } from 'src/common/validation/trim';
import { PageLimit } from 'src/common/http/page-limit.decorator';

export class CreateJobDto {
  @ApiProperty({ example: 'Fix the kitchen sink', minLength: 1, maxLength: 200 })
  @Transform(trimString)
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  title: string;

  @ApiProperty({
    description: 'Centavos, ₱100–₱100,000',
    example: 150000,
    minimum: MIN_JOB_BUDGET,
    maximum: MAX_JOB_BUDGET,
  })
  @IsInt()
  @Min(MIN_JOB_BUDGET)
  @Max(MAX_JOB_BUDGET)
  budget: number;

  @ApiProperty({ format: 'uuid', description: 'A WORKER or AGENCY user' })
  @IsUUID()
  workerId: string;
}

export class ListJobsQueryDto {
  @ApiPropertyOptional({ enum: JOB_STATUSES })
  @IsOptional()
  @IsIn(JOB_STATUSES)
  status?: JobStatus;

  @PageLimit(20)
  limit?: number;

  @ApiPropertyOptional({ description: 'nextCursor of the previous page' })
  @IsOptional()
  @IsUUID()
  cursor?: string;
}

export class CancelJobDto {
  @ApiProperty({ example: 'Plans changed', minLength: 1, maxLength: 500 })
  @Transform(trimString)
  @IsString()
  @MinLength(1)
  @MaxLength(500)
  reason: string;
}

export class PayJobDto {
  @ApiProperty({ enum: ['WALLET', 'GCASH'], example: 'WALLET' })
  @IsIn(['WALLET', 'GCASH'])
  method: 'WALLET' | 'GCASH';
}
