import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Matches, MaxLength, MinLength } from 'class-validator';

export const PAYMENT_METHOD_TYPES = ['GCASH', 'MAYA', 'BANK'] as const;
export type PaymentMethodType = (typeof PAYMENT_METHOD_TYPES)[number];

export class AddPaymentMethodDto {
  @ApiProperty({ enum: PAYMENT_METHOD_TYPES })
  @IsIn(PAYMENT_METHOD_TYPES)
  type: PaymentMethodType;

  @ApiProperty({ example: 'Juan Dela Cruz' })
  @IsString()
  @MinLength(2)
  @MaxLength(100)
  accountName: string;

  @ApiProperty({
    example: '09171234567',
    description: 'GCash/Maya: 09…, 9…, 639…, +639…; bank: 8–20 digits',
  })
  @IsString()
  @MaxLength(32)
  accountNumber: string;

  @ApiPropertyOptional({ example: 'BDO', description: 'Required for BANK' })
  @IsOptional()
  @IsString()
  @Matches(/^[A-Z0-9_]{2,20}$/)
  bankCode?: string;
}

export interface PaymentMethodResponse {
  id: string;
  type: PaymentMethodType;
  accountName: string;
  accountNumber: string;
  bankCode: string | null;
  isPrimary: boolean;
  isVerified: boolean;
  createdAt: string;
}
