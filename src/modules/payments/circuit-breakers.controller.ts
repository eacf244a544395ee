import { Controller, Get, HttpCode, Param, Post, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CircuitBreakerRegistry } from 'src/common/circuit-breaker/circuit-breaker.registry';
import {
  AuthedRequest,
  AuthUser,
  CurrentUser,
} from 'src/common/decorators/current-user.decorator';
import { Roles } from 'src/common/decorators/roles.decorator';
import { AppError } from 'src/common/errors/app-error';
import { wholeList } from 'src/common/http/page';
import { requestIdOf } from 'src/common/http/request-id';
import { AuditLogService } from '../audit/audit-log.service';
import { PaymentErrors } from './payments.errors';

@ApiTags('admin')
@ApiBearerAuth()
@Roles('ADMIN')
@Controller('api/admin/circuit-breakers')
export class CircuitBreakersController {
  constructor(
    private readonly breakers: CircuitBreakerRegistry,
    private readonly audit: AuditLogService,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Every circuit breaker with its state and failure counts' })
  list() {
    return wholeList(this.breakers.list().map((b) => b.status()));
  }

  @Post(':name/reset')
  @HttpCode(200)
  @ApiOperation({ summary: 'Close a circuit breaker now (audit-logged)' })
  async reset(
    @Param('name') name: string,
    @CurrentUser() user: AuthUser,
    @Req() req: AuthedRequest,
  ) {
    const b = this.breakers.find(name);
    if (!b) throw new AppError(PaymentErrors.CIRCUIT_BREAKER_NOT_FOUND);
    const before = b.status();
    b.reset();
    const after = b.status();
    await this.audit.record({
      actorId: user.id,
      action: 'circuit_breaker.reset',
      targetType: 'circuit_breaker',
      targetId: name,
      before: { state: before.state, failure_count: before.failure_count },
      after: { state: after.state, failure_count: after.failure_count },
      requestId: requestIdOf(req),
    });
    return { before: { state: before.state, failure_count: before.failure_count }, ...after };
  }
}
