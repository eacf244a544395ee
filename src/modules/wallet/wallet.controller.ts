import { Controller, Get, Param, Query } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { ErrorResponseDto } from 'src/common/http/api-docs';
import { AuthUser, CurrentUser } from 'src/common/decorators/current-user.decorator';
import { ListTransactionsQuery } from './dto/list-transactions.query';
import {
  PendingEarningsDto,
  TransactionDto,
  TransactionPageDto,
  WalletDto,
} from './dto/wallet-responses.dto';
import { toTransactionResponse, TransactionResponse } from './transaction.model';
import { TransactionsRepository } from './transactions.repository';
import { PendingEarningsView, WalletService, WalletView } from './wallet.service';

@ApiTags('wallet')
@ApiBearerAuth()
@Controller('api/wallet')
export class WalletController {
  constructor(
    private readonly wallet: WalletService,
    private readonly transactions: TransactionsRepository,
  ) {}

  @Get()
  @ApiOkResponse({ type: WalletDto })
  @ApiOperation({ summary: 'Balance, reserved, available and pending earnings (centavos)' })
  getWallet(@CurrentUser() user: AuthUser): Promise<WalletView> {
    return this.wallet.getWallet(user.id);
  }

  @Get('transactions')
  @ApiOkResponse({ type: TransactionPageDto })
  @ApiOperation({ summary: "The caller's transactions, newest first (cursor pagination)" })
  async list(
    @CurrentUser() user: AuthUser,
    @Query() q: ListTransactionsQuery,
  ): Promise<{ data: TransactionResponse[]; nextCursor: string | null }> {
    const page = await this.transactions.list(user.id, {
      limit: q.limit ?? 20,
      cursor: q.cursor,
      type: q.type,
      status: q.status,
    });
    return { data: page.data.map(toTransactionResponse), nextCursor: page.nextCursor };
  }

  @Get('transactions/:id')
  @ApiOkResponse({ type: TransactionDto })
  @ApiNotFoundResponse({
    type: ErrorResponseDto,
    description: 'TRANSACTION_NOT_FOUND (also for other users’ ids)',
  })
  @ApiOperation({ summary: 'One of the caller’s transactions' })
  async one(@CurrentUser() user: AuthUser, @Param('id') id: string): Promise<TransactionResponse> {
    return toTransactionResponse(await this.transactions.findForUser(user.id, id));
  }

  @Get('pending-earnings')
  @ApiOkResponse({ type: PendingEarningsDto })
  @ApiOperation({ summary: 'Earnings inside the release buffer, with their release dates' })
  pendingEarnings(@CurrentUser() user: AuthUser): Promise<PendingEarningsView> {
    return this.wallet.pendingEarnings(user.id);
  }
}
