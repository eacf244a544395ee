import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '../../common/decorators/roles.decorator';
import { AdminTransactionsQuery } from './admin-transactions.query';
import { AdminTransaction, AdminTransactionsService } from './admin-transactions.service';

@ApiTags('admin')
@ApiBearerAuth()
@Roles('ADMIN')
@Controller('api/admin/transactions')
export class AdminTransactionsController {
  constructor(private readonly transactions: AdminTransactionsService) {}

  @Get()
  @ApiOperation({
    summary: 'Search transactions (user, type, status, date range, reference), newest first',
  })
  search(
    @Query() q: AdminTransactionsQuery,
  ): Promise<{ data: AdminTransaction[]; nextCursor: string | null }> {
    return this.transactions.search(q);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One transaction with its owner and ledger entry' })
  get(@Param('id') id: string): Promise<AdminTransaction> {
    return this.transactions.get(id);
  }
}
