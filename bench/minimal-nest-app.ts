import 'reflect-metadata';
import { Controller, Get, Header, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';

/**
 * The HTTP floor of `bench:http`: a minimal NestJS 11 app (Express platform, no middleware, no
 * guards, no logger) with one controller answering the same bytes the app answers on the measured
 * paths (captured from the app just before, passed in BARE_ROUTES). Run as its own process.
 */
const routes = JSON.parse(process.env.BARE_ROUTES ?? '{}') as Record<
  string,
  { type: string; body: string }
>;
const answer = (path: string) => routes[path]?.body ?? '';

@Controller()
class FloorController {
  @Get('health/live')
  @Header('content-type', routes['/health/live']?.type ?? 'application/json')
  live(): string {
    return answer('/health/live');
  }

  @Get('api/wallet')
  @Header('content-type', routes['/api/wallet']?.type ?? 'application/json')
  wallet(): string {
    return answer('/api/wallet');
  }
}

@Module({ controllers: [FloorController] })
class FloorModule {}

async function main(): Promise<void> {
  const app = await NestFactory.create(FloorModule, { logger: false });
  await app.listen(Number(process.env.PORT), '127.0.0.1');
}

void main();
