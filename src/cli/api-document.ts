import { NestFactory } from '@nestjs/core';
import type { OpenAPIObject } from '@nestjs/swagger';
import { AppModule } from '../app.module';
import { buildApiDocument } from '../common/http/api-docs';

/**
 * The API document without a running service: Nest's preview mode scans the modules and controllers
 * but instantiates no provider, so no database, Redis or gateway is touched. The environment is the
 * default local one, so the committed document never depends on the caller's shell.
 */
export async function generateApiDocument(version: string): Promise<OpenAPIObject> {
  const saved = { ...process.env };
  for (const k of ['LEDGER_TEST_API', 'NODE_ENV']) delete process.env[k];
  try {
    const app = await NestFactory.create(AppModule, { preview: true, logger: false });
    try {
      return buildApiDocument(app, version);
    } finally {
      await app.close();
    }
  } finally {
    process.env = saved;
  }
}

/** Stable text for the committed file: two-space JSON and a final newline. */
export function serializeApiDocument(doc: OpenAPIObject): string {
  return `${JSON.stringify(doc, null, 2)}\n`;
}
