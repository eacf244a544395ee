import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from 'src/common/decorators/roles.decorator';
import { AdminRefundsQuery } from './admin-refund.dto';
import { AdminTransaction, AdminTransactionsService } from './admin-transactions.service';

@ApiTags('admin')
@ApiBearerAuth()
@Roles('ADMIN')
@Controller('api/admin/refunds')
export class AdminRefundsController {
  constructor(private readonly transactions: AdminTransactionsService) {}

  @Get()
  @ApiOperation({
    summary:
      'Refunds by status, newest first (metadata.to: original | wallet; metadata.refundState for ' +
      'gateway refunds: requested, pending, unknown, succeeded, failed)',
  })
  list(
    @Query() q: AdminRefundsQuery,
  ): Promise<{ data: AdminTransaction[]; nextCursor: string | null }> {
    return this.transactions.search({ ...q, type: 'REFUND' });
  }
}
