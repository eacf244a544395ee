import { Controller, Get, ServiceUnavailableException } from '@nestjs/common';
import {
  ApiOkResponse,
  ApiOperation,
  ApiServiceUnavailableResponse,
  ApiTags,
} from '@nestjs/swagger';
import { ErrorResponseDto } from 'src/common/http/api-docs';
import { HealthCheckResult, HealthCheckService } from '@nestjs/terminus';
import { AppError } from 'src/common/errors/app-error';
import { Public } from 'src/common/decorators/public.decorator';
import { RateLimit } from 'src/common/rate-limit/rate-limit.decorator';
import { ShutdownState } from 'src/common/shutdown/shutdown-state';
import { HealthStatusService } from './health-status.service';
import { HealthErrors } from './health.errors';

@ApiTags('health')
@Public()
@RateLimit('none')
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly shutdown: ShutdownState,
    private readonly status: HealthStatusService,
  ) {}

  @Get('live')
  @ApiOperation({ summary: 'Liveness: 200 while the process runs' })
  @ApiOkResponse({ schema: { example: { status: 'ok' } } })
  live() {
    return { status: 'ok' };
  }

  @Get('ready')
  @ApiOperation({
    summary:
      'Readiness: the service can serve money requests (the database answers); 503 while shutting down. A Redis outage is not unready (in-process fallbacks): see /health/status',
  })
  @ApiOkResponse({
    schema: {
      example: {
        status: 'ok',
        info: { database: { status: 'up' } },
        error: {},
        details: { database: { status: 'up' } },
      },
    },
  })
  @ApiServiceUnavailableResponse({
    type: ErrorResponseDto,
    description: 'NOT_READY (details name the dependency) or SHUTTING_DOWN',
    example: {
      statusCode: 503,
      code: 'NOT_READY',
      message: 'A required dependency is unavailable',
      requestId: 'req-123',
      details: [{ dependency: 'database', status: 'down' }],
    },
  })
  async ready(): Promise<HealthCheckResult> {
    if (this.shutdown.isShuttingDown) throw new AppError(HealthErrors.SHUTTING_DOWN);
    try {
      // Redis is deliberately not checked: cache, rate limits, fan-out and locks fall back in-process
      // and money correctness never rests on it, so a Redis outage must not take every pod out of
      // the load balancer (ADR 0013). /health/status shows it as degraded.
      return await this.health.check([() => this.status.databaseIndicator()]);
    } catch (err) {
      if (!(err instanceof ServiceUnavailableException)) throw err;
      // Name what is down (never why: driver messages can carry hosts and users).
      const result = err.getResponse() as Partial<HealthCheckResult>;
      const down = Object.entries(result.details ?? {})
        .filter(([, v]) => v.status !== 'up')
        .map(([name]) => ({ dependency: name, status: 'down' }));
      throw new AppError(HealthErrors.NOT_READY, { details: down });
    }
  }

  @Get('status')
  // Public and fairly costly (database + Redis probes): limited like any read, and cached for 1 s.
  @RateLimit('api_read')
  @ApiOperation({
    summary: 'Detailed status: dependencies, latency, cache stats, circuit breakers',
  })
  @ApiOkResponse({
    schema: {
      example: {
        status: 'healthy',
        checks: {
          database: 'up',
          database_latency_ms: 1.2,
          cache: 'up',
          cache_latency_ms: 0.4,
          cache_stats: { hits: 120, misses: 30, hit_rate: 0.8, keys_count: 42 },
          circuit_breakers: [{ name: 'paymongo', state: 'closed', failure_count: 0 }],
        },
        version: '0.1.0',
        uptime_s: 3600,
      },
    },
  })
  detailed() {
    return this.status.snapshot();
  }
}
