import { Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AppError } from '../errors/app-error';
import { Roles } from '../decorators/roles.decorator';
import { CircuitBreakerRegistry } from './circuit-breaker.registry';

@ApiTags('admin')
@ApiBearerAuth()
@Roles('ADMIN')
@Controller('api/admin/circuit-breakers')
export class CircuitBreakerController {
  constructor(private readonly breakers: CircuitBreakerRegistry) {}

  @Get()
  @ApiOperation({ summary: 'Every circuit breaker with its state and failure counts' })
  list() {
    return { data: this.breakers.list().map((b) => b.status()) };
  }

  @Post(':name/reset')
  @HttpCode(200)
  @ApiOperation({ summary: 'Close a circuit breaker now' })
  reset(@Param('name') name: string) {
    const b = this.breakers.find(name);
    if (!b) throw AppError.notFound('CIRCUIT_BREAKER_NOT_FOUND', 'No circuit breaker by that name');
    const before = b.status();
    b.reset();
    return { before: { state: before.state, failure_count: before.failure_count }, ...b.status() };
  }
}
