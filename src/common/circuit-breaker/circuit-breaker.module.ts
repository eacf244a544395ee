import { Global, Module } from '@nestjs/common';
import { CircuitBreakerController } from './circuit-breaker.controller';
import { CircuitBreakerRegistry } from './circuit-breaker.registry';

@Global()
@Module({
  controllers: [CircuitBreakerController],
  providers: [CircuitBreakerRegistry],
  exports: [CircuitBreakerRegistry],
})
export class CircuitBreakerModule {}
