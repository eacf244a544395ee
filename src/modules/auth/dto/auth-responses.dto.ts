import { ApiProperty } from '@nestjs/swagger';

/** Response shapes, for the API docs. */
export class UserResponseDto {
  @ApiProperty({ example: '0b6f1c9e-2f7d-4a61-9d0e-3c1f8f0a4b21' })
  id: string;

  @ApiProperty({ example: 'juan@example.com' })
  email: string;

  @ApiProperty({ example: 'Juan dela Cruz' })
  name: string;

  @ApiProperty({ enum: ['CLIENT', 'WORKER', 'AGENCY', 'ADMIN'], example: 'CLIENT' })
  role: string;

  @ApiProperty({ example: '2026-01-15T08:30:00.000Z' })
  createdAt: string;
}

export class AuthResultDto {
  @ApiProperty({ type: UserResponseDto })
  user: UserResponseDto;

  @ApiProperty({ example: 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIwYjZm...' })
  accessToken: string;

  @ApiProperty({ example: 'rt_3q2+7w8e9r0t1y2u3i4o5p6a7s8d9f0g' })
  refreshToken: string;
}
