import { Controller, Get, Inject, ServiceUnavailableException } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  HealthCheck,
  HealthCheckResult,
  HealthCheckService,
  TypeOrmHealthIndicator,
} from '@nestjs/terminus';
import { AppError } from '../../common/errors/app-error';
import { Public } from '../../common/decorators/public.decorator';
import { RateLimit } from '../../common/rate-limit/rate-limit.decorator';
import { ShutdownState } from '../../common/shutdown/shutdown-state';
import { REDIS_CLIENT, RedisClient } from '../../common/redis/redis.module';
import { HealthStatusService } from './health-status.service';

@ApiTags('health')
@Public()
@RateLimit('none')
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly db: TypeOrmHealthIndicator,
    private readonly shutdown: ShutdownState,
    private readonly status: HealthStatusService,
    @Inject(REDIS_CLIENT) private readonly redis: RedisClient,
  ) {}

  @Get('live')
  @ApiOperation({ summary: 'Liveness: 200 while the process runs' })
  live() {
    return { status: 'ok' };
  }

  @Get('ready')
  @HealthCheck()
  @ApiOperation({
    summary: 'Readiness: database (and Redis when configured) answer; 503 while shutting down',
  })
  async ready(): Promise<HealthCheckResult> {
    if (this.shutdown.isShuttingDown)
      throw AppError.unavailable('SHUTTING_DOWN', 'Shutting down: not taking new traffic');
    try {
      return await this.health.check([
        () => this.db.pingCheck('database', { timeout: 2_000 }),
        ...(this.redis ? [() => this.status.redisIndicator()] : []),
      ]);
    } catch (err) {
      if (!(err instanceof ServiceUnavailableException)) throw err;
      // Name what is down (never why: driver messages can carry hosts and users).
      const result = err.getResponse() as Partial<HealthCheckResult>;
      const down = Object.entries(result.details ?? {})
        .filter(([, v]) => v.status !== 'up')
        .map(([name]) => ({ dependency: name, status: 'down' }));
      throw new AppError(503, 'NOT_READY', 'A required dependency is unavailable', down);
    }
  }

  @Get('status')
  @ApiOperation({
    summary: 'Detailed status: dependencies, latency, cache stats, circuit breakers',
  })
  detailed() {
    return this.status.snapshot();
  }
}
